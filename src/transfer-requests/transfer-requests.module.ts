import { Module } from '@nestjs/common';
import { AcceptTransferHandler } from './accept-transfer/accept-transfer.handler.js';
import { AcceptTransferHttp } from './accept-transfer/accept-transfer.http.js';
import { CancelTransferHandler } from './cancel-transfer/cancel-transfer.handler.js';
import { CancelTransferHttp } from './cancel-transfer/cancel-transfer.http.js';
import { TransferCompletion } from './complete-transfer/transfer-completion.js';
import { TransferCompletionProcess } from './complete-transfer/transfer-completion.process.js';
import { ListTransfersHandler } from './list-transfers/list-transfers.query.js';
import { ListTransfersHttp } from './list-transfers/list-transfers.http.js';
import { MemberRequestClaims } from './member-request-claims.js';
import { TransferRequestCommands } from './transfer-request-commands.js';
import { RejectTransferHandler } from './reject-transfer/reject-transfer.handler.js';
import { RejectTransferHttp } from './reject-transfer/reject-transfer.http.js';
import { RequestTransferHandler } from './request-transfer/request-transfer.handler.js';
import { RequestTransferHttp } from './request-transfer/request-transfer.http.js';
import { MembershipModule } from '../membership/membership.module.js';

/** The two-party transfer workflow (contract section 8): requests, decisions, and carrying them out. */
@Module({
  imports: [MembershipModule],
  controllers: [ListTransfersHttp, RequestTransferHttp, AcceptTransferHttp, RejectTransferHttp, CancelTransferHttp],
  providers: [
    MemberRequestClaims,
    TransferRequestCommands,
    TransferCompletion,
    TransferCompletionProcess,
    RequestTransferHandler,
    AcceptTransferHandler,
    RejectTransferHandler,
    CancelTransferHandler,
    ListTransfersHandler,
  ],
  exports: [TransferCompletionProcess],
})
export class TransferRequestsModule {}
