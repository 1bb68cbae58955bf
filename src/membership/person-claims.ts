import { Inject, Injectable } from '@nestjs/common';
import {
  type AppendResult,
  type BatchAppend,
  EVENT_STORE,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  revisionOf,
  WrongExpectedRevisionError,
} from '../event-store/event-store.port.js';
import { deterministicUuid } from '../event-store/event-ids.js';
import { type LedgerEvent, type Stored } from '../shared/ledger-event.js';
import { type MemberEvent, memberStream } from './member.events.js';
import { membershipOf, type OtherMembership } from './member.rules.js';
import { foldHistory } from './member.timeline.js';

/**
 * A person's stream names every member id the person ever held. Any command that can lengthen
 * a membership (a join, a void) appends a claim here first, with the revision it read, so two
 * such commands for one person are serialised even across processes. The claim carries the
 * member event itself: if the process dies before appending it, the next reader finishes the
 * job (same event id, same expected revision), so a claim is never left half-done.
 */
export type PersonMembershipClaimed = LedgerEvent<
  'PersonMembershipClaimed',
  {
    memberId: string;
    /** Absent when the claim was written in one transaction with the member event (bulk import): nothing to finish. */
    event?: NewEvent;
    memberExpectedRevision: ExpectedRevision;
    /** The member event's id, when `event` is absent. */
    eventId?: string;
  }
>;

/** The id of the member event a claim stands for. */
export const claimedEventId = (claim: PersonMembershipClaimed['data']): string => claim.event?.id ?? claim.eventId ?? '';

export const personStream = (personHash: string): string => `person-${personHash}`;

/**
 * The append of a person's claim on a member event, at the person stream's `expectedRevision`.
 * `carried`: the claim holds a copy of the event, being written before it (see above); otherwise
 * it names the event, being written in one transaction with it.
 */
export function personClaimAppend(
  personHash: string,
  memberId: string,
  event: NewEvent,
  memberExpectedRevision: ExpectedRevision,
  expectedRevision: ExpectedRevision,
  carried: boolean,
): BatchAppend {
  const stream = personStream(personHash);
  const claim: PersonMembershipClaimed = {
    type: 'PersonMembershipClaimed',
    data: carried ? { memberId, event, memberExpectedRevision } : { memberId, eventId: event.id, memberExpectedRevision },
  };
  return { stream, events: [{ id: deterministicUuid(stream, event.id), ...claim, metadata: event.metadata }], expectedRevision };
}

export interface PersonMemberships {
  readonly personHash: string;
  readonly revision: ExpectedRevision;
  readonly others: OtherMembership[];
  /** Member events already claimed: a retry of one of them must not claim it twice. */
  readonly claimed: ReadonlySet<string>;
}

@Injectable()
export class PersonClaims {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The person's memberships under member ids other than `memberId`, claims finished first. */
  async load(personHash: string, memberId: string): Promise<PersonMemberships> {
    const claims = (await this.store.readStream(personStream(personHash))) as Array<Stored<PersonMembershipClaimed>>;
    for (const claim of claims) await this.finish(claim.data);
    const ids = [...new Set(claims.map((c) => c.data.memberId))].filter((id) => id !== memberId);
    const others: OtherMembership[] = [];
    for (const id of ids) {
      const membership = membershipOf(
        personHash,
        foldHistory(id, (await this.store.readStream(memberStream(id))) as Array<Stored<MemberEvent>>),
      );
      if (membership) others.push(membership);
    }
    return { personHash, revision: revisionOf(claims), others, claimed: new Set(claims.map((c) => claimedEventId(c.data))) };
  }

  /**
   * Claims `events[0]` for the person and appends `events` to the member's stream. A store that
   * writes several streams atomically (the embedded store) takes both in one transaction, so the
   * claim names the event instead of carrying it; otherwise the claim, carrying the event, goes
   * first (see above). `claimedHere`: this call wrote the claim (see `claim`).
   */
  async claimAndAppend(
    persons: PersonMemberships,
    memberId: string,
    events: readonly NewEvent[],
    memberExpectedRevision: ExpectedRevision,
  ): Promise<{ result: AppendResult; claimedHere: boolean }> {
    const [event] = events;
    const member = memberStream(memberId);
    if (this.store.appendBatch === undefined || persons.claimed.has(event.id)) {
      const claimedHere = await this.claim(persons, memberId, event, memberExpectedRevision);
      return {
        claimedHere,
        result: await this.store.appendToStream(member, events, { expectedRevision: memberExpectedRevision }),
      };
    }
    const [claimed, result] = await this.store.appendBatch(
      [
        personClaimAppend(persons.personHash, memberId, event, memberExpectedRevision, persons.revision, false),
        { stream: member, events, expectedRevision: memberExpectedRevision },
      ],
      [],
    );
    return { claimedHere: claimed.alreadyStored !== true, result };
  }

  /**
   * Records the claim; a conflict means another command for this person came first. True when
   * this call wrote it (so the claimed event, wherever it is appended from, is this command's).
   */
  async claim(
    persons: PersonMemberships,
    memberId: string,
    event: NewEvent,
    memberExpectedRevision: ExpectedRevision,
  ): Promise<boolean> {
    if (persons.claimed.has(event.id)) return false;
    const claim = personClaimAppend(persons.personHash, memberId, event, memberExpectedRevision, persons.revision, true);
    const result = await this.store.appendToStream(claim.stream, claim.events, { expectedRevision: claim.expectedRevision });
    return result.alreadyStored !== true;
  }

  /** Appends a claimed member event that never reached its stream, if nothing else did since. */
  private async finish(claim: PersonMembershipClaimed['data']): Promise<void> {
    const { event } = claim;
    if (event === undefined) return;
    const stream = memberStream(claim.memberId);
    const events = await this.store.readStream(stream);
    if (events.some((e) => e.id === event.id) || revisionOf(events) !== claim.memberExpectedRevision) return;
    try {
      await this.store.appendToStream(stream, [event], { expectedRevision: claim.memberExpectedRevision });
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
}
