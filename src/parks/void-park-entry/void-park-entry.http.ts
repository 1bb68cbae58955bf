import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { answer, ApiCommand, commandParts, VoidEntryBody } from '../../http/command-http.js';
import { EventIdParam, LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { VoidParkEntry } from './void-park-entry.handler.js';
import { Writes } from '../../auth/access.decorators.js';

@ApiTags('parks')
@Controller('parks')
export class VoidParkEntryHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':parkId/entries/:eventId/void')
  @ApiOperation({ summary: 'Void a park union founding recorded in error (it stays in the history, marked)' })
  @ApiCommand(['ALREADY_VOIDED'])
  async void(
    @Param('parkId', LedgerIdParam) parkId: string,
    @Param('eventId', EventIdParam) eventId: string,
    @Body() body: VoidEntryBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new VoidParkEntry({ parkId, eventId, ...parts.input }, parts.meta)));
  }
}
