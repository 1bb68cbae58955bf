import type { TransferCancelled } from '../transfer-request.events.js';
import { existing, notPending } from '../transfer-request.rules.js';
import type { TransferRequestState } from '../transfer-request.state.js';

export interface CancelTransferInput {
  readonly transferId: string;
  readonly reason: string;
}

export function decideCancelTransfer(input: CancelTransferInput, state: TransferRequestState): TransferCancelled[] {
  const request = existing(state, input.transferId);
  if (request.status !== 'pending') throw notPending(request);
  return [{ type: 'TransferCancelled', data: { transferId: input.transferId, reason: input.reason } }];
}
