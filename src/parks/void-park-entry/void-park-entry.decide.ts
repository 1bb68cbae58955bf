import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertVoidReason } from '../../shared/void-reason.js';
import { type EntryVoided } from '../../shared/ledger-event.js';
import { type ParkState } from '../park.state.js';

export interface VoidParkEntryInput {
  readonly parkId: string;
  readonly eventId: string;
  readonly reason: string;
}

/** Only a park union founding can be voided; the registration stands. */
export function decideVoidParkEntry(input: VoidParkEntryInput, state: ParkState): EntryVoided[] {
  assertVoidReason(input.reason);
  if (state.status !== 'registered') throw notFound('Park', input.parkId);
  const union = state.unions.find((u) => u.eventId === input.eventId);
  if (!union)
    throw new DomainError('NOT_FOUND', `park ${input.parkId} has no voidable entry ${input.eventId}`, { eventId: input.eventId });
  if (union.voided) throw new DomainError('ALREADY_VOIDED', `entry ${input.eventId} is already voided`);
  return [{ type: 'EntryVoided', data: { voidedEventId: input.eventId, reason: input.reason } }];
}
