import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate, IsLedgerId } from '../../http/validators.js';
import { TransferMember } from './transfer.handler.js';
import { Writes } from '../../auth/access.decorators.js';

export class TransferBody extends CommandFields {
  @ApiProperty({ example: 'e-2040' }) @IsLedgerId() toEnterpriseId!: string;
  @ApiProperty({ example: '2016-07-01' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('members')
@Controller('members')
export class TransferHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':memberId/transfer')
  @ApiOperation({ summary: 'The member moves to another enterprise (any park); membership continues' })
  @ApiCommand(['MEMBER_NOT_ACTIVE', 'SAME_ENTERPRISE', 'ENTERPRISE_NOT_OPEN', 'TIMELINE_CONFLICT'])
  async transfer(
    @Param('memberId', LedgerIdParam) memberId: string,
    @Body() body: TransferBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new TransferMember({ memberId, ...parts.input }, parts.meta)));
  }
}
