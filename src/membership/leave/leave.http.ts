import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { Response } from 'express';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { LEAVE_REASONS, type LeaveReason } from '../member.events.js';
import { LeaveMembership } from './leave.handler.js';
import { Writes } from '../../auth/access.decorators.js';

export class LeaveBody extends CommandFields {
  @ApiProperty({ enum: LEAVE_REASONS }) @IsIn(LEAVE_REASONS) reason!: LeaveReason;
  @ApiProperty({ example: '2018-03-31' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('members')
@Controller('members')
export class LeaveHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':memberId/leave')
  @ApiOperation({ summary: 'The member leaves; not counted as of the leaving date' })
  @ApiCommand(['MEMBER_NOT_ACTIVE', 'TIMELINE_CONFLICT'])
  async leave(
    @Param('memberId', LedgerIdParam) memberId: string,
    @Body() body: LeaveBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new LeaveMembership({ memberId, ...parts.input }, parts.meta)));
  }
}
