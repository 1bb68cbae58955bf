import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { Scopes } from '../../auth/scopes.js';
import { notFound } from '../../shared/domain-error.js';
import { type LockKind, lockKeys } from '../../shared/keyed-mutex.js';
import { memberStream } from '../member.events.js';
import { asHistory, enterprisesOf, memberEnterprises, parksOfFact, readMember } from '../member.reader.js';
import { PersonClaims } from '../person-claims.js';
import { decideVoidMemberEntry, type VoidMemberEntryInput } from './void-entry.decide.js';

export class VoidMemberEntry extends Command<CommandAnswer> {
  constructor(
    readonly input: VoidMemberEntryInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/**
 * A void can lengthen a membership (voiding a leave), so, like a join, it claims the person's
 * stream first and is checked against the person's other memberships.
 */
@CommandHandler(VoidMemberEntry)
export class VoidMemberEntryHandler implements ICommandHandler<VoidMemberEntry> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly claims: PersonClaims,
    private readonly scopes: Scopes,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ input, meta }: VoidMemberEntry): Promise<CommandAnswer> {
    // The person and the enterprises to lock are read first; a member's person never changes.
    const before = await readMember(this.store, input.memberId);
    const joined = before.facts.find((f) => f.type === 'MemberJoined');
    if (!joined || joined.type !== 'MemberJoined') throw notFound('Member', input.memberId);
    const personHash = joined.data.person.hash;
    const enterpriseLocks = enterprisesOf(before).map((id): [LockKind, string] => ['enterprise', id]);
    return this.executor.execute({
      name: 'voidMemberEntry',
      stream: memberStream(input.memberId),
      body: input,
      meta,
      locks: lockKeys(['member', input.memberId], ['person', personHash], ...enterpriseLocks),
      decide: async (events, ctx) => {
        const history = asHistory(input.memberId, events);
        await this.scopes.assertWrite(
          meta,
          await this.scopes.placesOfParks(parksOfFact(history, input.eventId)),
          `member ${input.memberId}`,
        );
        const persons = await this.claims.load(personHash, input.memberId);
        const enterprises = await memberEnterprises(this.store, history);
        const voided = decideVoidMemberEntry(input, history, { ...ctx, enterprises, otherMemberships: persons.others });
        return {
          events: voided,
          append: (newEvents, revision) => this.claims.claimAndAppend(persons, input.memberId, newEvents, revision),
        };
      },
    });
  }
}
