import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { Response } from 'express';
import { Writes } from '../../auth/access.decorators.js';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { AcceptTransfer } from './accept-transfer.handler.js';

export class AcceptTransferBody extends CommandFields {
  @ApiPropertyOptional({ example: '2016-07-01', description: 'When the move takes effect; default the date the request names' })
  @IsOptional()
  @IsLedgerDate()
  effectiveDate?: string;
}

@ApiTags('transfers')
@Controller('transfers')
export class AcceptTransferHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':transferId/accept')
  @ApiOperation({
    summary: 'Accepts a pending request: the member moves (MemberTransferred with the transferId), exactly once',
    description:
      'By the side that did not open it, or a city or provincial officer. Accepting an accepted request again answers 200 with the first answer. If the member left or moved meanwhile, the rules refuse the move and the request ends rejected (409 with the rule code, details.status "rejected").',
  })
  @ApiCommand([
    'TRANSFER_NOT_PENDING',
    'MEMBER_NOT_ACTIVE',
    'MEMBER_NOT_AT_ORIGIN',
    'SAME_ENTERPRISE',
    'ENTERPRISE_NOT_OPEN',
    'TIMELINE_CONFLICT',
  ])
  async accept(
    @Param('transferId', LedgerIdParam) transferId: string,
    @Body() body: AcceptTransferBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new AcceptTransfer({ transferId, ...parts.input }, parts.meta)));
  }
}
