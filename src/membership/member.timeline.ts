import { type Stored, type VoidMark, voidMark } from '../shared/ledger-event.js';
import { type Category, type MemberEvent, type MemberFactEvent, type PersonRef, type Placement } from './member.events.js';

/** One fact of a member as recorded, with its void mark when it was voided. */
export type MemberFact = Stored<MemberFactEvent> & { readonly voided?: VoidMark };

/** Everything recorded on a member's stream, in recording order. */
export interface MemberHistory {
  readonly memberId: string;
  readonly facts: readonly MemberFact[];
  /** Revision of the stream's last event, or undefined when nothing is recorded. */
  readonly revision?: number;
  /** Set once the member's personal data was erased; kept whatever `knownAt` a reader asks for. */
  readonly erased?: ErasureMark;
}

/** Who erased the member's personal data, when and why. */
export interface ErasureMark {
  readonly reason: string;
  readonly actor: string;
  readonly recordedAt: string;
}

export const emptyHistory = (memberId: string): MemberHistory => ({ memberId, facts: [] });

export function evolveHistory(history: MemberHistory, event: Stored<MemberEvent>): MemberHistory {
  if (event.type === 'EntryVoided') {
    const mark = voidMark(event);
    return {
      ...history,
      revision: event.revision,
      facts: history.facts.map((f) => (f.id === event.data.voidedEventId ? { ...f, voided: mark } : f)),
    };
  }
  if (event.type === 'MemberPersonalDataErased') {
    const erased: ErasureMark = { reason: event.data.reason, actor: event.metadata.actor, recordedAt: event.metadata.recordedAt };
    return { ...history, revision: event.revision, erased: history.erased ?? erased };
  }
  return { ...history, revision: event.revision, facts: [...history.facts, event as MemberFact] };
}

export const foldHistory = (memberId: string, events: ReadonlyArray<Stored<MemberEvent>>): MemberHistory =>
  events.reduce(evolveHistory, emptyHistory(memberId));

/**
 * The knowledge instant a member read stands on: the one asked, unless it is after both `now` and
 * the stream's last recording (then none: everything recorded so far). Recording instants
 * strictly increase and run ahead of the clock only to do so, so a fact recorded from now on is
 * stamped after this; an instant further on would answer differently as facts reach it.
 */
export function settledKnownAt(knownAt: string | undefined, now: string, lastRecordedAt: string | undefined): string | undefined {
  if (knownAt === undefined) return undefined;
  return knownAt > now && (lastRecordedAt === undefined || knownAt > lastRecordedAt) ? undefined : knownAt;
}

/** The facts as they stood at knowledge instant `knownAt`: later facts and later voids removed. */
export function historyKnownAt(history: MemberHistory, knownAt: string | undefined): MemberHistory {
  if (knownAt === undefined) return history;
  return {
    ...history,
    facts: history.facts
      .filter((f) => f.metadata.recordedAt <= knownAt)
      .map((f) => (f.voided && f.voided.recordedAt > knownAt ? { ...f, voided: undefined } : f)),
  };
}

/** A timeline entry: a fact not voided, in effective order (ties: recording order). */
export interface TimelineFact {
  readonly eventId: string;
  readonly order: number;
  readonly event: MemberFactEvent;
}

export function timelineOf(history: MemberHistory): TimelineFact[] {
  return history.facts
    .filter((f) => !f.voided)
    .map((f) => ({ eventId: f.id, order: f.revision, event: { type: f.type, data: f.data } as MemberFactEvent }))
    .sort(byEffectiveOrder);
}

export function byEffectiveOrder(a: TimelineFact, b: TimelineFact): number {
  const da = a.event.data.effectiveDate;
  const db = b.event.data.effectiveDate;
  return da < db ? -1 : da > db ? 1 : a.order - b.order;
}

/** The member's standing after some prefix of the timeline. */
export type Standing =
  | { readonly status: 'never-joined' }
  | { readonly status: 'left'; readonly person: PersonRef; readonly leftOn: string }
  | {
      readonly status: 'active';
      readonly person: PersonRef;
      readonly name: string;
      readonly since: string;
      readonly placement: Placement;
      readonly category: Category;
    };

export const neverJoined: Standing = { status: 'never-joined' };

/** A stretch of time at one enterprise; `to` is the day the member left or moved on. */
export interface Stay {
  readonly enterpriseId: string;
  readonly parkId: string;
  readonly from: string;
  readonly to?: string;
  /** The fact that started the stay. */
  readonly startedBy: string;
}

/** A membership period: from a join to the leave that ended it. */
export interface Period {
  readonly from: string;
  readonly to?: string;
  readonly joinEventId: string;
}

export interface Replay {
  readonly standing: Standing;
  readonly stays: readonly Stay[];
  readonly periods: readonly Period[];
}

export type ReplayFailure = { readonly eventId: string; readonly code: string; readonly message: string };

/**
 * One step of the timeline's state machine: the standing after `fact`, or why `fact` cannot
 * stand where it is.
 */
export function step(standing: Standing, fact: MemberFactEvent): Standing | Omit<ReplayFailure, 'eventId'> {
  const date = fact.data.effectiveDate;
  switch (fact.type) {
    case 'MemberJoined': {
      if (standing.status === 'active')
        return { code: 'MEMBER_ALREADY_ACTIVE', message: `member ${fact.data.memberId} is already active on ${date}` };
      if (standing.status === 'left' && standing.person.hash !== fact.data.person.hash)
        return { code: 'MEMBER_ID_TAKEN', message: `member id ${fact.data.memberId} belongs to another person` };
      const d = fact.data;
      return {
        status: 'active',
        person: d.person,
        name: d.name,
        since: date,
        placement: { enterpriseId: d.enterpriseId, parkId: d.parkId },
        category: d.category,
      };
    }
    case 'MemberTransferred': {
      if (standing.status !== 'active') return notActive(fact.data.memberId, date);
      if (fact.data.to.enterpriseId === standing.placement.enterpriseId)
        return { code: 'SAME_ENTERPRISE', message: `member is already at enterprise ${fact.data.to.enterpriseId} on ${date}` };
      if (fact.data.from.enterpriseId !== standing.placement.enterpriseId)
        return { code: 'TIMELINE_CONFLICT', message: `the transfer on ${date} starts from an enterprise the member is not at` };
      return { ...standing, placement: fact.data.to };
    }
    case 'MemberCategoryChanged': {
      if (standing.status !== 'active') return notActive(fact.data.memberId, date);
      if (fact.data.to === standing.category)
        return { code: 'SAME_CATEGORY', message: `member is already in category ${fact.data.to} on ${date}` };
      if (fact.data.from !== standing.category)
        return {
          code: 'TIMELINE_CONFLICT',
          message: `the category change on ${date} starts from a category the member is not in`,
        };
      return { ...standing, category: fact.data.to };
    }
    case 'MemberLeft':
      if (standing.status !== 'active') return notActive(fact.data.memberId, date);
      return { status: 'left', person: standing.person, leftOn: date };
    default: {
      const unknown: never = fact;
      return unknown;
    }
  }
}

const notActive = (memberId: string, date: string) => ({
  code: 'MEMBER_NOT_ACTIVE',
  message: `member ${memberId} is not active on ${date}`,
});

/** Replays a timeline from the start; the first fact that cannot stand is the failure. */
export function replay(timeline: readonly TimelineFact[]): Replay | { failure: ReplayFailure } {
  let standing: Standing = neverJoined;
  const stays: Stay[] = [];
  const periods: Period[] = [];
  for (const fact of timeline) {
    const next = step(standing, fact.event);
    if ('code' in next) return { failure: { eventId: fact.eventId, ...next } };
    const date = fact.event.data.effectiveDate;
    const openStay = stays.at(-1);
    const closeStay = () => {
      if (openStay && openStay.to === undefined) stays[stays.length - 1] = { ...openStay, to: date };
    };
    if (fact.event.type === 'MemberJoined' || fact.event.type === 'MemberTransferred') {
      closeStay();
      const placement = next.status === 'active' ? next.placement : undefined;
      if (placement) stays.push({ ...placement, from: date, startedBy: fact.eventId });
    }
    if (fact.event.type === 'MemberJoined') periods.push({ from: date, joinEventId: fact.eventId });
    if (fact.event.type === 'MemberLeft') {
      closeStay();
      periods[periods.length - 1] = { ...periods[periods.length - 1], to: date };
    }
    standing = next;
  }
  return { standing, stays, periods };
}

/** The member's standing at the end of day `asOf` (facts with effectiveDate <= asOf). */
export function standingAsOf(history: MemberHistory, asOf: string): Standing {
  const result = replay(timelineOf(history).filter((f) => f.event.data.effectiveDate <= asOf));
  return 'failure' in result ? neverJoined : result.standing;
}

/** Overlap of two half-open periods [from, to). */
export function overlaps(a: { from: string; to?: string }, b: { from: string; to?: string }): boolean {
  return (a.to === undefined || b.from < a.to) && (b.to === undefined || a.from < b.to);
}
