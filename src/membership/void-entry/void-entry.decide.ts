import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertVoidReason } from '../../shared/void-reason.js';
import { type EntryVoided } from '../../shared/ledger-event.js';
import { admitTimeline, type MemberDecisionContext } from '../member.rules.js';
import { type MemberHistory, timelineOf } from '../member.timeline.js';

export interface VoidMemberEntryInput {
  readonly memberId: string;
  readonly eventId: string;
  readonly reason: string;
}

/** Voids one of the member's facts, if the timeline without it is still valid. */
export function decideVoidMemberEntry(
  input: VoidMemberEntryInput,
  history: MemberHistory,
  ctx: MemberDecisionContext,
): EntryVoided[] {
  assertVoidReason(input.reason);
  const fact = history.facts.find((f) => f.id === input.eventId);
  if (!fact)
    throw new DomainError('NOT_FOUND', `member ${input.memberId} has no entry ${input.eventId}`, { eventId: input.eventId });
  if (fact.voided)
    throw new DomainError('ALREADY_VOIDED', `entry ${input.eventId} was voided at ${fact.voided.recordedAt}`, {
      voidEventId: fact.voided.voidEventId,
    });
  admitTimeline(
    timelineOf(history).filter((f) => f.eventId !== input.eventId),
    ctx,
  );
  return [{ type: 'EntryVoided', data: { voidedEventId: input.eventId, reason: input.reason } }];
}
