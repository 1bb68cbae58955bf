import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertVoidReason } from '../../shared/void-reason.js';
import { type MemberPersonalDataErased } from '../member.events.js';
import { type MemberHistory } from '../member.timeline.js';

export interface ErasePersonalDataInput {
  readonly memberId: string;
  readonly reason: string;
}

/**
 * Erases a member's personal data: the member must exist and not be erased yet, and the reason
 * is non-empty text of at most 500 characters (as for a void). The timeline is untouched, so no
 * standing and no count changes.
 */
export function decideErasePersonalData(input: ErasePersonalDataInput, history: MemberHistory): MemberPersonalDataErased[] {
  assertVoidReason(input.reason);
  if (history.facts.length === 0) throw notFound('Member', input.memberId);
  if (history.erased)
    throw new DomainError(
      'ALREADY_ERASED',
      `the personal data of member ${input.memberId} was erased at ${history.erased.recordedAt}`,
      {
        erasedAt: history.erased.recordedAt,
      },
    );
  return [{ type: 'MemberPersonalDataErased', data: { memberId: input.memberId, reason: input.reason } }];
}
