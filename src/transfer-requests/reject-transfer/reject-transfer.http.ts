import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Writes } from '../../auth/access.decorators.js';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsPlainText } from '../../http/validators.js';
import { RejectTransfer } from './reject-transfer.handler.js';

export class TransferReasonBody extends CommandFields {
  @ApiProperty({ example: 'the worker did not start at the enterprise' }) @IsPlainText(500) reason!: string;
}

@ApiTags('transfers')
@Controller('transfers')
export class RejectTransferHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':transferId/reject')
  @ApiOperation({ summary: 'Rejects a pending request (the side that did not open it, or a city or provincial officer)' })
  @ApiCommand(['TRANSFER_NOT_PENDING'])
  async reject(
    @Param('transferId', LedgerIdParam) transferId: string,
    @Body() body: TransferReasonBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new RejectTransfer({ transferId, ...parts.input }, parts.meta)));
  }
}
