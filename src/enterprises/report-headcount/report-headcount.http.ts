import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { MAX_EMPLOYEES } from './report-headcount.decide.js';
import { ReportHeadcount } from './report-headcount.handler.js';
import { Writes } from '../../auth/access.decorators.js';

export class ReportHeadcountBody extends CommandFields {
  @ApiProperty({ example: 420, minimum: 0, maximum: MAX_EMPLOYEES }) @IsInt() @Min(0) @Max(MAX_EMPLOYEES) employees!: number;
  @ApiProperty({ example: '2016-06-30' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('enterprises')
@Controller('enterprises')
export class ReportHeadcountHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post(':enterpriseId/headcount')
  @ApiOperation({ summary: "Report the enterprise's number of employees as of a date (the latest report counts)" })
  @ApiCommand(['ENTERPRISE_NOT_OPEN'])
  async report(
    @Param('enterpriseId', LedgerIdParam) enterpriseId: string,
    @Body() body: ReportHeadcountBody,
    @Meta() meta: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new ReportHeadcount({ enterpriseId, ...parts.input }, parts.meta)));
  }
}
