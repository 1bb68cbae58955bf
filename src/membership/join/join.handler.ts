import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { MEMBER_NAMES, type MemberNames } from '../../personal-data/member-names.js';
import { PERSON_IDENTITY, PersonIdentity } from '../../personal-data/person-identity.js';
import { Scopes } from '../../auth/scopes.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { residentIdBirthDate } from '../../shared/resident-id.js';
import { type Category, memberStream } from '../member.events.js';
import { asHistory, memberEnterprises } from '../member.reader.js';
import { PersonClaims } from '../person-claims.js';
import { decideJoin } from './join.decide.js';

/** What the clerk sends: the full resident ID number, which never goes further than this handler. */
export interface JoinRequest {
  readonly memberId: string;
  readonly personId: string;
  readonly name: string;
  readonly category: Category;
  readonly enterpriseId: string;
  readonly effectiveDate: string;
}

export class JoinMember extends Command<CommandAnswer> {
  constructor(
    readonly input: JoinRequest,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(JoinMember)
export class JoinMemberHandler implements ICommandHandler<JoinMember> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly claims: PersonClaims,
    private readonly scopes: Scopes,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSON_IDENTITY) private readonly identity: PersonIdentity,
    @Inject(MEMBER_NAMES) private readonly names: MemberNames,
  ) {}

  async execute({ input, meta }: JoinMember): Promise<CommandAnswer> {
    const { personId, ...rest } = input;
    const person = this.identity.ref(personId);
    const name = await this.names.seal(input.memberId, input.name);
    return this.executor.execute({
      name: 'join',
      stream: memberStream(input.memberId),
      // The fingerprint holds the person and the name only as keyed digests, never in clear.
      body: { ...rest, name: await this.names.digest(input.memberId, input.name), person: person.hash },
      meta,
      locks: lockKeys(['member', input.memberId], ['person', person.hash], ['enterprise', input.enterpriseId]),
      decide: async (events, ctx) => {
        const history = asHistory(input.memberId, events);
        const persons = await this.claims.load(person.hash, input.memberId);
        const enterprises = await memberEnterprises(this.store, history, input.enterpriseId);
        const target = enterprises.get(input.enterpriseId);
        if (target?.status === 'registered')
          await this.scopes.assertWrite(meta, [await this.scopes.placeOfPark(target.parkId)], `enterprise ${input.enterpriseId}`);
        const joined = decideJoin({ ...rest, person, birthDate: residentIdBirthDate(personId), name }, history, {
          ...ctx,
          enterprises,
          otherMemberships: persons.others,
        });
        return {
          events: joined,
          append: (newEvents, revision) => this.claims.claimAndAppend(persons, input.memberId, newEvents, revision),
        };
      },
    });
  }
}
