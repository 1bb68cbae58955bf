import type { TransferRejected } from '../transfer-request.events.js';
import { existing, notPending } from '../transfer-request.rules.js';
import type { TransferRequestState } from '../transfer-request.state.js';

export interface RejectTransferInput {
  readonly transferId: string;
  readonly reason: string;
}

export function decideRejectTransfer(input: RejectTransferInput, state: TransferRequestState): TransferRejected[] {
  const request = existing(state, input.transferId);
  if (request.status !== 'pending') throw notPending(request);
  return [{ type: 'TransferRejected', data: { transferId: input.transferId, reason: input.reason } }];
}
