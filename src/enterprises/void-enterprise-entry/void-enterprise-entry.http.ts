import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { answer, ApiCommand, commandParts, VoidEntryBody } from '../../http/command-http.js';
import { EventIdParam, LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { VoidEnterpriseEntry } from './void-enterprise-entry.handler.js';
import { Writes } from '../../auth/access.decorators.js';

@ApiTags('enterprises')
@Controller('enterprises')
export class VoidEnterpriseEntryHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':enterpriseId/entries/:eventId/void')
  @ApiOperation({ summary: 'Void a headcount report or union founding recorded in error (it stays in the history, marked)' })
  @ApiCommand(['ALREADY_VOIDED'])
  async void(
    @Param('enterpriseId', LedgerIdParam) enterpriseId: string,
    @Param('eventId', EventIdParam) eventId: string,
    @Body() body: VoidEntryBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(
      res,
      await this.commands.execute(new VoidEnterpriseEntry({ enterpriseId, eventId, ...parts.input }, parts.meta)),
    );
  }
}
