import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Writes } from '../../auth/access.decorators.js';
import { answer, ApiCommand, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { TransferReasonBody } from '../reject-transfer/reject-transfer.http.js';
import { CancelTransfer } from './cancel-transfer.handler.js';

@ApiTags('transfers')
@Controller('transfers')
export class CancelTransferHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':transferId/cancel')
  @ApiOperation({ summary: 'Withdraws a pending request (the side that opened it)' })
  @ApiCommand(['TRANSFER_NOT_PENDING'])
  async cancel(
    @Param('transferId', LedgerIdParam) transferId: string,
    @Body() body: TransferReasonBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new CancelTransfer({ transferId, ...parts.input }, parts.meta)));
  }
}
