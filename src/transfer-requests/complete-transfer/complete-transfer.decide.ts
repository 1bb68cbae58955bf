import type { MemberTransferred } from '../../membership/member.events.js';
import type { MemberDecisionContext } from '../../membership/member.rules.js';
import type { MemberHistory } from '../../membership/member.timeline.js';
import type { DomainError } from '../../shared/domain-error.js';
import type { TransferRejected } from '../transfer-request.events.js';
import { isRuleRefusal, moveOf, movedBy, rejectedBecause } from '../transfer-request.rules.js';
import type { TransferRequestState } from '../transfer-request.state.js';

export type CompletionDecision =
  /** Not accepted (pending, rejected, cancelled, unknown): nothing to carry out. */
  | { readonly kind: 'nothing-to-do' }
  /** The member's stream already holds the move. */
  | { readonly kind: 'done' }
  | { readonly kind: 'move'; readonly events: [MemberTransferred] }
  | { readonly kind: 'refused'; readonly events: [TransferRejected]; readonly error: DomainError };

/**
 * Carries out an accepted request on the member's stream, once: the move is recorded unless the
 * stream already holds it, and only if the member's rules still accept it; otherwise the
 * request ends rejected with the rules' reason.
 */
export function decideCompletion(
  state: TransferRequestState,
  history: MemberHistory,
  ctx: MemberDecisionContext,
): CompletionDecision {
  if (state.status !== 'accepted') return { kind: 'nothing-to-do' };
  const { transferId } = state.request;
  if (movedBy(history, transferId)) return { kind: 'done' };
  try {
    return { kind: 'move', events: [moveOf(state, state.accepted!.effectiveDate, history, ctx)] };
  } catch (error) {
    if (!isRuleRefusal(error)) throw error;
    return { kind: 'refused', events: [rejectedBecause(transferId, error)], error };
  }
}
