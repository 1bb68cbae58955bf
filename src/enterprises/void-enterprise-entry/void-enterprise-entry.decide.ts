import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertVoidReason } from '../../shared/void-reason.js';
import { type EntryVoided } from '../../shared/ledger-event.js';
import { type EnterpriseState } from '../enterprise.state.js';

export interface VoidEnterpriseEntryInput {
  readonly enterpriseId: string;
  readonly eventId: string;
  readonly reason: string;
}

/** Only headcount reports and union foundings can be voided; registration and closure stand. */
export function decideVoidEnterpriseEntry(input: VoidEnterpriseEntryInput, state: EnterpriseState): EntryVoided[] {
  assertVoidReason(input.reason);
  if (state.status !== 'registered') throw notFound('Enterprise', input.enterpriseId);
  const fact = state.facts.find((f) => f.eventId === input.eventId);
  if (!fact)
    throw new DomainError('NOT_FOUND', `enterprise ${input.enterpriseId} has no voidable entry ${input.eventId}`, {
      eventId: input.eventId,
    });
  if (fact.voided) throw new DomainError('ALREADY_VOIDED', `entry ${input.eventId} is already voided`);
  return [{ type: 'EntryVoided', data: { voidedEventId: input.eventId, reason: input.reason } }];
}
