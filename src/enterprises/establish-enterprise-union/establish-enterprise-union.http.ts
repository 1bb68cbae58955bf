import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { EstablishEnterpriseUnion } from './establish-enterprise-union.handler.js';
import { Writes } from '../../auth/access.decorators.js';

export class EstablishEnterpriseUnionBody extends CommandFields {
  @ApiProperty({ example: '2016-05-01' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('enterprises')
@Controller('enterprises')
export class EstablishEnterpriseUnionHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':enterpriseId/union')
  @ApiOperation({ summary: "Record the founding of the enterprise's union" })
  @ApiCommand(['ENTERPRISE_NOT_OPEN', 'UNION_ALREADY_ESTABLISHED'])
  async establish(
    @Param('enterpriseId', LedgerIdParam) enterpriseId: string,
    @Body() body: EstablishEnterpriseUnionBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new EstablishEnterpriseUnion({ enterpriseId, ...parts.input }, parts.meta)));
  }
}
