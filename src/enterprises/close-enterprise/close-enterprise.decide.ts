import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import { type DecisionContext } from '../../shared/ledger-event.js';
import { type MemberHistory, replay, timelineOf } from '../../membership/member.timeline.js';
import { type EnterpriseClosed } from '../enterprise.events.js';
import { type EnterpriseState } from '../enterprise.state.js';

export interface CloseEnterpriseInput {
  readonly enterpriseId: string;
  readonly effectiveDate: string;
}

/** A member's stay at the enterprise: from its join or transfer in, to its leave or transfer out. */
export interface Placement {
  readonly memberId: string;
  readonly from: string;
  readonly to?: string;
}

/** The member's stays at the enterprise on its current timeline (none when the timeline does not replay). */
export function placementsOf(enterpriseId: string, history: MemberHistory): Placement[] {
  const result = replay(timelineOf(history));
  if ('failure' in result) return [];
  return result.stays
    .filter((stay) => stay.enterpriseId === enterpriseId)
    .map((stay) => ({ memberId: history.memberId, from: stay.from, to: stay.to }));
}

export function decideCloseEnterprise(
  input: CloseEnterpriseInput,
  state: EnterpriseState,
  placements: readonly Placement[],
  ctx: DecisionContext,
): EnterpriseClosed[] {
  assertEffectiveDate(input.effectiveDate, ctx.today);
  if (state.status !== 'registered') throw notFound('Enterprise', input.enterpriseId);
  if (state.closedOn !== undefined)
    throw new DomainError('ENTERPRISE_NOT_OPEN', `enterprise ${input.enterpriseId} was closed on ${state.closedOn}`);
  if (input.effectiveDate < state.registeredOn)
    throw new DomainError(
      'ENTERPRISE_NOT_OPEN',
      `enterprise ${input.enterpriseId} is registered only from ${state.registeredOn}`,
    );
  // Closing on D: nobody may be a member there on D or later, nor a later fact fall after D.
  const staying = placements.filter((p) => p.to === undefined || p.to > input.effectiveDate);
  if (staying.length > 0)
    throw new DomainError(
      'ENTERPRISE_HAS_ACTIVE_MEMBERS',
      `${staying.length} member(s) are active at enterprise ${input.enterpriseId} on or after ${input.effectiveDate}`,
      { memberIds: staying.slice(0, 20).map((p) => p.memberId) },
    );
  const later = state.facts.find((f) => !f.voided && f.effectiveDate >= input.effectiveDate);
  if (later)
    throw new DomainError('TIMELINE_CONFLICT', `${later.type} on ${later.effectiveDate} would fall after the closure`, {
      conflictingEventId: later.eventId,
    });
  return [{ type: 'EnterpriseClosed', data: { enterpriseId: input.enterpriseId, effectiveDate: input.effectiveDate } }];
}
