import { Controller, Get, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Reads } from '../../auth/access.decorators.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import type { ExportFormat } from '../exports/report-export.js';
import {
  ApiExportable,
  exportAnswer,
  ExportFormatParam,
  exportFormatOf,
  ExportLangParam,
} from '../exports/report-export.http.js';
import { type ExportLang, statementTable } from '../exports/report-table.js';
import { ApiReport, ScopeParam } from '../get-figures/get-figures.http.js';
import { GetStatement } from './get-statement.query.js';

export class StatementParams extends ScopeParam {
  @ApiProperty({ example: '2016-01-01', description: 'First day of the period' })
  @IsLedgerDate()
  from!: string;

  @ApiProperty({ example: '2016-06-30', description: 'Last day of the period (inclusive)' })
  @IsLedgerDate()
  to!: string;

  @ExportFormatParam()
  format?: ExportFormat;

  @ExportLangParam()
  lang?: ExportLang;
}

@ApiTags('figures')
@Controller('statement')
export class StatementHttp {
  constructor(private readonly queries: QueryBus) {}

  @Reads()
  @Get()
  @ApiOperation({ summary: 'Movement statement of a scope over [from, to], as known at an instant' })
  @ApiExportable(
    'opening, joined, left, transfers in/out/internal, category changes, unions, closing; as a table, one row per line item',
  )
  @ApiReport()
  async get(@Query() q: StatementParams, @Meta() caller: RequestMeta, @Req() req: Request) {
    const format = exportFormatOf(q, req);
    const view = await this.queries.execute(new GetStatement(q.scope, q.from, q.to, q.knownAt, caller));
    return exportAnswer(format, view, () => statementTable(view, q.lang ?? 'en'), q);
  }
}
