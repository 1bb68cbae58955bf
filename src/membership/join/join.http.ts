import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { Response } from 'express';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate, IsLedgerId, IsPlainText, IsResidentId } from '../../http/validators.js';
import { CATEGORIES, type Category } from '../member.events.js';
import { JoinMember } from './join.handler.js';
import { Writes } from '../../auth/access.decorators.js';

export class JoinBody extends CommandFields {
  @ApiProperty({ example: 'm-000123' }) @IsLedgerId() memberId!: string;
  @ApiProperty({
    example: '11010519491231002X',
    description: 'Resident ID number; stored only as a keyed hash and a masked form',
  })
  @IsResidentId()
  personId!: string;
  @ApiProperty({ example: '张三' }) @IsPlainText(100) name!: string;
  @ApiProperty({ enum: CATEGORIES }) @IsIn(CATEGORIES) category!: Category;
  @ApiProperty({ example: 'e-1001' }) @IsLedgerId() enterpriseId!: string;
  @ApiProperty({ example: '2016-03-15' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('members')
@Controller('members')
export class JoinHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post()
  @ApiOperation({
    summary: 'A worker joins (or rejoins on the same memberId after leaving)',
    description:
      'Refused with 409 PERSON_ALREADY_MEMBER, details { memberId, parkId }, when the same person holds another membership at that time: record a transfer instead.',
  })
  @ApiCommand(['PERSON_ALREADY_MEMBER', 'MEMBER_ALREADY_ACTIVE', 'MEMBER_ID_TAKEN', 'ENTERPRISE_NOT_OPEN', 'TIMELINE_CONFLICT'])
  async join(@Body() body: JoinBody, @Meta() meta: RequestMeta, @Res({ passthrough: true }) res: Response) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new JoinMember(parts.input, parts.meta)));
  }
}
