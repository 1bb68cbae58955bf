import { type EnterpriseState } from '../enterprises/enterprise.state.js';
import { DomainError } from '../shared/domain-error.js';
import { type DecisionContext } from '../shared/ledger-event.js';
import { type MemberFactEvent } from './member.events.js';
import {
  byEffectiveOrder,
  type MemberHistory,
  overlaps,
  type Period,
  replay,
  type Replay,
  type Stay,
  timelineOf,
  type TimelineFact,
} from './member.timeline.js';

/** Another membership of the same person (another member id), as its own timeline has it. */
export interface OtherMembership {
  readonly memberId: string;
  readonly periods: readonly Period[];
  readonly stays: readonly Stay[];
}

/** The history's membership as another membership of the person, if it is theirs and its timeline replays. */
export function membershipOf(personHash: string, history: MemberHistory): OtherMembership | undefined {
  const ofPerson = history.facts.some((f) => f.type === 'MemberJoined' && f.data.person.hash === personHash);
  const result = replay(timelineOf(history));
  return ofPerson && !('failure' in result)
    ? { memberId: history.memberId, periods: result.periods, stays: result.stays }
    : undefined;
}

export interface MemberDecisionContext extends DecisionContext {
  /** Every enterprise the candidate timeline places the member at (and the target of the command). */
  readonly enterprises: ReadonlyMap<string, EnterpriseState>;
  /** The person's other memberships, when the command can lengthen a membership (join, void). */
  readonly otherMemberships?: readonly OtherMembership[];
}

/** Stand-in id of the fact being decided, until the handler gives it its real one. */
export const NEW_FACT = 'new-fact';

/**
 * The whole-timeline rule: a new fact (or a void) is admitted only if the timeline stays valid
 * wherever the fact falls. A fault at the new fact is refused with its own code; a fault at a
 * later fact that the new one breaks is a TIMELINE_CONFLICT naming that fact.
 */
export function admitTimeline(candidate: readonly TimelineFact[], ctx: MemberDecisionContext): Replay {
  const result = replay([...candidate].sort(byEffectiveOrder));
  if ('failure' in result) {
    const f = result.failure;
    if (f.eventId === NEW_FACT) throw new DomainError(f.code, f.message);
    throw new DomainError('TIMELINE_CONFLICT', `a later fact would become invalid: ${f.message}`, {
      conflictingEventId: f.eventId,
      reason: f.code,
    });
  }
  for (const stay of result.stays) checkStay(stay, ctx);
  for (const other of ctx.otherMemberships ?? []) checkNoOverlap(result.periods, other);
  return result;
}

function checkStay(stay: Stay, ctx: MemberDecisionContext): void {
  const e = ctx.enterprises.get(stay.enterpriseId);
  const open =
    e !== undefined &&
    e.status === 'registered' &&
    e.registeredOn <= stay.from &&
    (e.closedOn === undefined || (stay.to !== undefined && stay.to <= e.closedOn));
  if (open) return;
  const why =
    e === undefined || e.status !== 'registered'
      ? `enterprise ${stay.enterpriseId} is not registered`
      : e.registeredOn > stay.from
        ? `enterprise ${stay.enterpriseId} is registered only from ${e.registeredOn}`
        : `enterprise ${stay.enterpriseId} closes on ${e.closedOn}`;
  if (stay.startedBy === NEW_FACT) throw new DomainError('ENTERPRISE_NOT_OPEN', why);
  throw new DomainError('TIMELINE_CONFLICT', `a stay at an enterprise would become invalid: ${why}`, {
    conflictingEventId: stay.startedBy,
    reason: 'ENTERPRISE_NOT_OPEN',
  });
}

function checkNoOverlap(periods: readonly Period[], other: OtherMembership): void {
  for (const p of periods) {
    const clash = other.periods.find((q) => overlaps(p, q));
    if (!clash) continue;
    // The clerk opens a transfer from where that membership stands now: its latest stay.
    const stay = other.stays.at(-1);
    throw new DomainError('PERSON_ALREADY_MEMBER', `this person is already a member under member id ${other.memberId}`, {
      memberId: other.memberId,
      parkId: stay?.parkId,
    });
  }
}

/** The timeline with a new fact added at its effective place (last among facts of its day). */
export function withNewFact(history: MemberHistory, event: MemberFactEvent): TimelineFact[] {
  return [...timelineOf(history), { eventId: NEW_FACT, order: Number.MAX_SAFE_INTEGER, event }];
}
