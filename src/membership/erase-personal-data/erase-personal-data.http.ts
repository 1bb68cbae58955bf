import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AdminOnly } from '../../auth/access.decorators.js';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsPlainText } from '../../http/validators.js';
import { ErasePersonalData } from './erase-personal-data.handler.js';

export class ErasePersonalDataBody extends CommandFields {
  @ApiProperty({ example: 'the member asked for erasure (PIPL art. 47)', maxLength: 500 }) @IsPlainText(500) reason!: string;
}

@ApiTags('members')
@Controller('members')
export class ErasePersonalDataHttp {
  constructor(private readonly commands: CommandBus) {}

  @Post(':memberId/erase')
  @AdminOnly()
  @ApiOperation({
    summary: "Erase the member's personal data (provincial admins only)",
    description:
      "Destroys the member's data key: the name reads `[erased]` everywhere from then on, in rebuilds too. The masked ID, the facts, the standing and every count stay as they were.",
  })
  @ApiCommand(['ALREADY_ERASED'])
  async erase(
    @Param('memberId', LedgerIdParam) memberId: string,
    @Body() body: ErasePersonalDataBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new ErasePersonalData({ memberId, ...parts.input }, parts.meta)));
  }
}
