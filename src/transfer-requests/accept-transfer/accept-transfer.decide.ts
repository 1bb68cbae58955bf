import type { MemberDecisionContext } from '../../membership/member.rules.js';
import type { MemberHistory } from '../../membership/member.timeline.js';
import type { DomainError } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import type { TransferAccepted, TransferRejected } from '../transfer-request.events.js';
import { existing, isRuleRefusal, moveOf, notPending, rejectedBecause } from '../transfer-request.rules.js';
import type { TransferRequestState } from '../transfer-request.state.js';

export interface AcceptTransferInput {
  readonly transferId: string;
  /** Defaults to the date the request names. */
  readonly effectiveDate?: string;
}

export type AcceptDecision =
  | { readonly kind: 'accepted'; readonly events: [TransferAccepted] }
  /** Accepted before, on the same date: a repeat changes nothing and answers as the first did. */
  | { readonly kind: 'already-accepted' }
  /** The member's rules refuse the move now (left or moved meanwhile): the request ends rejected. */
  | { readonly kind: 'refused'; readonly events: [TransferRejected]; readonly error: DomainError };

export function decideAcceptTransfer(
  input: AcceptTransferInput,
  state: TransferRequestState,
  history: MemberHistory,
  ctx: MemberDecisionContext,
): AcceptDecision {
  const request = existing(state, input.transferId);
  if (
    request.status === 'accepted' &&
    (input.effectiveDate ?? request.accepted!.effectiveDate) === request.accepted!.effectiveDate
  )
    return { kind: 'already-accepted' };
  if (request.status !== 'pending') throw notPending(request);
  const effectiveDate = input.effectiveDate ?? request.request.effectiveDate;
  assertEffectiveDate(effectiveDate, ctx.today);
  try {
    moveOf(request, effectiveDate, history, ctx);
  } catch (error) {
    // A date chosen by the acceptor that the rules refuse fails the acceptance, not the request.
    if (!isRuleRefusal(error) || effectiveDate !== request.request.effectiveDate) throw error;
    return { kind: 'refused', events: [rejectedBecause(input.transferId, error)], error };
  }
  return { kind: 'accepted', events: [{ type: 'TransferAccepted', data: { transferId: input.transferId, effectiveDate } }] };
}
