import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { Response } from 'express';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate, IsLedgerId, IsPlainText } from '../../http/validators.js';
import { PARK_LEVELS, type ParkLevel } from '../park.events.js';
import { RegisterPark } from './register-park.handler.js';
import { Writes } from '../../auth/access.decorators.js';

export class RegisterParkBody extends CommandFields {
  @ApiProperty({ example: 'nc-hitech' }) @IsLedgerId() parkId!: string;
  @ApiProperty({ example: '南昌高新技术产业开发区' }) @IsPlainText(200) name!: string;
  @ApiProperty({ example: 'nanchang' }) @IsLedgerId() cityId!: string;
  @ApiProperty({ enum: PARK_LEVELS }) @IsIn(PARK_LEVELS) level!: ParkLevel;
  @ApiProperty({ example: '2015-03-01' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('parks')
@Controller('parks')
export class RegisterParkHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post()
  @ApiOperation({ summary: 'Register an industrial park (stream park-<parkId>)' })
  @ApiCommand(['PARK_ALREADY_REGISTERED'])
  async register(@Body() body: RegisterParkBody, @Meta() meta: RequestMeta, @Res({ passthrough: true }) res: Response) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new RegisterPark(parts.input, parts.meta)));
  }
}
