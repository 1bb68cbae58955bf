import { Controller, Get, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { Request } from 'express';
import { Reads } from '../../auth/access.decorators.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import {
  ApiExportable,
  exportAnswer,
  exportFormatOf,
  ExportFormatParam,
  ExportLangParam,
} from '../exports/report-export.http.js';
import { type ExportFormat } from '../exports/report-export.js';
import { type ExportLang, seriesTable } from '../exports/report-table.js';
import { ApiReport, ScopeParam } from '../get-figures/get-figures.http.js';
import { type Every, GetSeries, MAX_POINTS } from './get-series.query.js';

export class SeriesParams extends ScopeParam {
  @ApiProperty({ example: '2016-01-01' })
  @IsLedgerDate()
  from!: string;

  @ApiProperty({ example: '2016-12-31' })
  @IsLedgerDate()
  to!: string;

  @ApiProperty({ enum: ['day', 'month', 'quarter', 'year'] })
  @IsIn(['day', 'month', 'quarter', 'year'])
  every!: Every;

  @ExportFormatParam()
  format?: ExportFormat;

  @ExportLangParam()
  lang?: ExportLang;
}

@ApiTags('figures')
@Controller('series')
export class SeriesHttp {
  constructor(private readonly queries: QueryBus) {}

  @Reads()
  @Get()
  @ApiOperation({
    summary: `Figures at the end of each period from \`from\` to \`to\` (the last cut at \`to\`), at most ${MAX_POINTS} points`,
  })
  @ApiExportable('{ scope, from, to, every, knownAt, position, points: [{ asOf, totals }] }; as a table, one row per point')
  @ApiReport()
  async get(@Query() q: SeriesParams, @Meta() caller: RequestMeta, @Req() req: Request) {
    const format = exportFormatOf(q, req);
    const view = await this.queries.execute(new GetSeries(q.scope, q.from, q.to, q.every, q.knownAt, caller));
    return exportAnswer(format, view, () => seriesTable(view, q.lang ?? 'en'), q);
  }
}
