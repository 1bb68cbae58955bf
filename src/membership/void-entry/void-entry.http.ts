import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { answer, ApiCommand, commandParts, VoidEntryBody } from '../../http/command-http.js';
import { EventIdParam, LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { VoidMemberEntry } from './void-entry.handler.js';
import { Writes } from '../../auth/access.decorators.js';

@ApiTags('members')
@Controller('members')
export class VoidEntryHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':memberId/entries/:eventId/void')
  @ApiOperation({
    summary: "Void one of the member's facts recorded in error",
    description:
      'The fact stays in the history, marked with who voided it, when and why. Refused if the timeline without it is invalid.',
  })
  @ApiCommand(['ALREADY_VOIDED', 'TIMELINE_CONFLICT', 'PERSON_ALREADY_MEMBER'])
  async void(
    @Param('memberId', LedgerIdParam) memberId: string,
    @Param('eventId', EventIdParam) eventId: string,
    @Body() body: VoidEntryBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new VoidMemberEntry({ memberId, eventId, ...parts.input }, parts.meta)));
  }
}
