import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Scopes } from '../../auth/scopes.js';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { asHistory, memberEnterprises, parkOn } from '../../membership/member.reader.js';
import { memberStream } from '../../membership/member.events.js';
import { PersonClaims } from '../../membership/person-claims.js';
import { PERSON_IDENTITY, PersonIdentity } from '../../personal-data/person-identity.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { shanghaiDate } from '../../shared/dates.js';
import { DomainError, notFound } from '../../shared/domain-error.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { assertBornBy, residentIdBirthDate } from '../../shared/resident-id.js';
import { MemberRequestClaims } from '../member-request-claims.js';
import { transferStream } from '../transfer-request.events.js';
import { asTransferRequest, sidesOf } from '../transfer-request.reader.js';
import { openerSide } from '../transfer-sides.js';
import { decideRequestTransfer } from './request-transfer.decide.js';

/** What the clerk sends: the member number, or the resident ID number (which goes no further than this handler). */
export interface RequestTransferRequest {
  readonly transferId: string;
  readonly toEnterpriseId: string;
  readonly effectiveDate: string;
  readonly memberId?: string;
  readonly personId?: string;
}

export class RequestTransfer extends Command<CommandAnswer> {
  constructor(
    readonly input: RequestTransferRequest,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RequestTransfer)
export class RequestTransferHandler implements ICommandHandler<RequestTransfer> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly scopes: Scopes,
    private readonly requests: MemberRequestClaims,
    private readonly persons: PersonClaims,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSON_IDENTITY) private readonly identity: PersonIdentity,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input, meta }: RequestTransfer): Promise<CommandAnswer> {
    const { transferId, toEnterpriseId, effectiveDate } = input;
    const memberId = input.memberId ?? (await this.membershipOf(input.personId!, effectiveDate));
    const namedBy = input.memberId !== undefined ? 'memberId' : 'personId';
    return this.executor.execute({
      name: 'requestTransfer',
      stream: transferStream(transferId),
      // The member as resolved: the same request by member number or by ID number is the same command.
      body: { transferId, memberId, toEnterpriseId, effectiveDate },
      meta,
      locks: lockKeys(['transfer', transferId], ['member', memberId]),
      decide: async (events, ctx) => {
        const state = asTransferRequest(events);
        const history = asHistory(memberId, await this.store.readStream(memberStream(memberId)));
        if (history.facts.length === 0) throw notFound('Member', memberId);
        const enterprises = await memberEnterprises(this.store, history, toEnterpriseId);
        const target = enterprises.get(toEnterpriseId);
        if (target?.status !== 'registered') throw notFound('Enterprise', toEnterpriseId);
        const originPark = parkOn(history, effectiveDate);
        if (originPark === undefined)
          throw new DomainError('MEMBER_NOT_ACTIVE', `member ${memberId} is not active on ${effectiveDate}`);
        const sides = await sidesOf(this.scopes, { from: { parkId: originPark }, to: { parkId: target.parkId } });
        const openedBy = openerSide(meta.principal, sides, namedBy);
        this.scopes.assertAllowed(
          meta,
          openedBy !== undefined,
          `transfer request ${transferId}`,
          "outside the caller's scope (neither end of the transfer)",
        );
        const claims = await this.requests.load(memberId);
        const requested = decideRequestTransfer(
          { transferId, memberId, toEnterpriseId, effectiveDate, openedBy: openedBy! },
          state,
          history,
          {
            ...ctx,
            enterprises,
            pendingOfMember: claims.pending,
          },
        );
        return { events: requested, beforeAppend: (newEvents) => this.requests.claim(claims, transferId, newEvents[0]) };
      },
    });
  }

  /**
   * The membership a resident ID number stands for on the date: the one active then, else the
   * person's open one (the rules then say why it cannot move on that date). A number born after
   * today is refused as a join refuses it: it is a wrong number, not one that nobody holds.
   */
  private async membershipOf(personId: string, date: string): Promise<string> {
    assertBornBy(residentIdBirthDate(personId), shanghaiDate(this.clock.now()));
    const person = this.identity.ref(personId);
    const { others } = await this.persons.load(person.hash, '');
    const activeThen = others.find((m) => m.periods.some((p) => p.from <= date && (p.to === undefined || date < p.to)));
    const open = others.find((m) => m.periods.some((p) => p.to === undefined));
    const found = activeThen ?? open ?? others.at(-1);
    if (!found)
      throw new DomainError('NOT_FOUND', `no member holds resident ID number ${person.masked}`, { personId: person.masked });
    return found.memberId;
  }
}
