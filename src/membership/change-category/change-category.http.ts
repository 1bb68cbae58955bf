import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { Response } from 'express';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { CATEGORIES, type Category } from '../member.events.js';
import { ChangeCategory } from './change-category.handler.js';
import { Writes } from '../../auth/access.decorators.js';

export class ChangeCategoryBody extends CommandFields {
  @ApiProperty({ enum: CATEGORIES }) @IsIn(CATEGORIES) category!: Category;
  @ApiProperty({ example: '2017-01-01' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('members')
@Controller('members')
export class ChangeCategoryHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':memberId/category')
  @ApiOperation({ summary: "Change the member's category (regular, migrant, dispatched)" })
  @ApiCommand(['MEMBER_NOT_ACTIVE', 'SAME_CATEGORY', 'TIMELINE_CONFLICT'])
  async change(
    @Param('memberId', LedgerIdParam) memberId: string,
    @Body() body: ChangeCategoryBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new ChangeCategory({ memberId, ...parts.input }, parts.meta)));
  }
}
