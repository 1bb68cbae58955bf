import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { Response } from 'express';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate, IsLedgerId, IsPlainText } from '../../http/validators.js';
import { type Ownership, OWNERSHIPS } from '../enterprise.events.js';
import { RegisterEnterprise } from './register-enterprise.handler.js';
import { Writes } from '../../auth/access.decorators.js';

export class RegisterEnterpriseBody extends CommandFields {
  @ApiProperty({ example: 'e-1001' }) @IsLedgerId() enterpriseId!: string;
  @ApiProperty({ example: 'nc-hitech' }) @IsLedgerId() parkId!: string;
  @ApiProperty({ example: '江西某电子有限公司' }) @IsPlainText(200) name!: string;
  @ApiProperty({ enum: OWNERSHIPS }) @IsIn(OWNERSHIPS) ownership!: Ownership;
  @ApiProperty({ example: '2015-04-01' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('enterprises')
@Controller('enterprises')
export class RegisterEnterpriseHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post()
  @ApiOperation({ summary: 'Register an enterprise in a park (stream enterprise-<enterpriseId>)' })
  @ApiCommand(['ENTERPRISE_ALREADY_REGISTERED', 'PARK_NOT_REGISTERED'])
  async register(@Body() body: RegisterEnterpriseBody, @Meta() meta: RequestMeta, @Res({ passthrough: true }) res: Response) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new RegisterEnterprise(parts.input, parts.meta)));
  }
}
