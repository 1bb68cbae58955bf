import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { EstablishParkUnion } from './establish-park-union.handler.js';
import { Writes } from '../../auth/access.decorators.js';

export class EstablishParkUnionBody extends CommandFields {
  @ApiProperty({ example: '2015-06-01' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('parks')
@Controller('parks')
export class EstablishParkUnionHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':parkId/union')
  @ApiOperation({ summary: "Record the founding of the park's union" })
  @ApiCommand(['PARK_NOT_REGISTERED', 'UNION_ALREADY_ESTABLISHED'])
  async establish(
    @Param('parkId', LedgerIdParam) parkId: string,
    @Body() body: EstablishParkUnionBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new EstablishParkUnion({ parkId, ...parts.input }, parts.meta)));
  }
}
