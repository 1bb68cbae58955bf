import { decideTransfer } from '../membership/transfer/transfer.decide.js';
import type { MemberDecisionContext } from '../membership/member.rules.js';
import type { MemberHistory } from '../membership/member.timeline.js';
import type { MemberTransferred } from '../membership/member.events.js';
import { DomainError, notFound } from '../shared/domain-error.js';
import type { TransferRejected } from './transfer-request.events.js';
import type { TransferRequestState } from './transfer-request.state.js';

/** A request that exists, in any status. */
export type OpenedRequest = Exclude<TransferRequestState, { status: 'none' }>;

export function existing(state: TransferRequestState, transferId: string): OpenedRequest {
  if (state.status === 'none') throw notFound('Transfer', transferId);
  return state;
}

export function notPending(state: OpenedRequest): DomainError {
  return new DomainError('TRANSFER_NOT_PENDING', `transfer request ${state.request.transferId} is ${state.status}, not pending`, {
    transferId: state.request.transferId,
    status: state.status,
    ...(state.ended ? { reason: state.ended.reason } : {}),
  });
}

/**
 * The move the request stands for, judged by the member's own timeline rules (it throws their
 * refusal), and only from the park the request names: the two offices agreed on a move out of
 * that park, so a member placed in another park meanwhile (a direct transfer) is not taken from
 * there without that park's say. A move within the origin park changes nothing to the agreement.
 */
export function moveOf(state: OpenedRequest, effectiveDate: string, history: MemberHistory, ctx: MemberDecisionContext) {
  const { transferId, memberId, from, to } = state.request;
  const [moved] = decideTransfer({ memberId, toEnterpriseId: to.enterpriseId, effectiveDate, transferId }, history, ctx);
  if (moved.data.from.parkId !== from.parkId) throw notAtOrigin(state, effectiveDate);
  return moved;
}

/** The member is in another park on the move's date than the one the request moves them from. */
function notAtOrigin({ request }: OpenedRequest, effectiveDate: string): DomainError {
  // Which park holds the member now is not said: it may be outside the caller's scope.
  return new DomainError(
    'MEMBER_NOT_AT_ORIGIN',
    `member ${request.memberId} is no longer in park ${request.from.parkId} on ${effectiveDate}, which transfer request ${request.transferId} moves them from`,
    { memberId: request.memberId, originParkId: request.from.parkId, effectiveDate },
  );
}

/** The rules' refusals that end a request; a bad input (VALIDATION_FAILED) or a crash does not. */
export const isRuleRefusal = (error: unknown): error is DomainError =>
  error instanceof DomainError && error.code !== 'VALIDATION_FAILED' && error.code !== 'FORBIDDEN';

export function rejectedBecause(transferId: string, error: DomainError): TransferRejected {
  return { type: 'TransferRejected', data: { transferId, reason: `${error.code}: ${error.message}` } };
}

/** The member event that carried this request out, if one was recorded (voided or not). */
export function movedBy(history: MemberHistory, transferId: string): MemberTransferred['data'] | undefined {
  const fact = history.facts.find((f) => f.type === 'MemberTransferred' && f.data.transferId === transferId);
  return fact?.type === 'MemberTransferred' ? fact.data : undefined;
}
