import type { MemberDecisionContext } from '../../membership/member.rules.js';
import type { MemberHistory } from '../../membership/member.timeline.js';
import { DomainError } from '../../shared/domain-error.js';
import type { OpenedBy, TransferRequested } from '../transfer-request.events.js';
import type { TransferRequestState } from '../transfer-request.state.js';
import { decideTransfer } from '../../membership/transfer/transfer.decide.js';

export interface RequestTransferInput {
  readonly transferId: string;
  readonly memberId: string;
  readonly toEnterpriseId: string;
  readonly effectiveDate: string;
  readonly openedBy: OpenedBy;
}

export interface RequestTransferContext extends MemberDecisionContext {
  /** The member's requests still pending (from the member's request claims). */
  readonly pendingOfMember: readonly string[];
}

/**
 * Opens a request for a move the member's rules would accept today: active on the date, to an
 * open enterprise other than the current one, with every later fact still valid; and only one
 * pending request per member.
 */
export function decideRequestTransfer(
  input: RequestTransferInput,
  state: TransferRequestState,
  history: MemberHistory,
  ctx: RequestTransferContext,
): TransferRequested[] {
  if (state.status !== 'none')
    throw new DomainError('TRANSFER_ID_TAKEN', `transfer request ${input.transferId} already exists`, {
      transferId: input.transferId,
      memberId: state.request.memberId,
      status: state.status,
    });
  const { transferId, memberId, toEnterpriseId, effectiveDate, openedBy } = input;
  const [move] = decideTransfer({ memberId, toEnterpriseId, effectiveDate, transferId }, history, ctx);
  const pending = ctx.pendingOfMember.find((id) => id !== transferId);
  if (pending !== undefined)
    throw new DomainError('TRANSFER_ALREADY_PENDING', `member ${memberId} already has a pending transfer request ${pending}`, {
      transferId: pending,
    });
  return [
    {
      type: 'TransferRequested',
      data: { transferId, memberId, from: move.data.from, to: move.data.to, openedBy, effectiveDate },
    },
  ];
}
