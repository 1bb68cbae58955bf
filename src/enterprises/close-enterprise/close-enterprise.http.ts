import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { CloseEnterprise } from './close-enterprise.handler.js';
import { Writes } from '../../auth/access.decorators.js';

export class CloseEnterpriseBody extends CommandFields {
  @ApiProperty({ example: '2019-12-31' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('enterprises')
@Controller('enterprises')
export class CloseEnterpriseHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':enterpriseId/close')
  @ApiOperation({ summary: 'Record that the enterprise closed; refused while members are active there on or after the date' })
  @ApiCommand(['ENTERPRISE_NOT_OPEN', 'ENTERPRISE_HAS_ACTIVE_MEMBERS', 'TIMELINE_CONFLICT'])
  async close(
    @Param('enterpriseId', LedgerIdParam) enterpriseId: string,
    @Body() body: CloseEnterpriseBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new CloseEnterprise({ enterpriseId, ...parts.input }, parts.meta)));
  }
}
