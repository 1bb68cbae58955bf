import { Controller, Get, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHideProperty, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsEmpty, IsOptional, IsString } from 'class-validator';
import type { Request } from 'express';
import { Reads } from '../../auth/access.decorators.js';
import { PageCursor, PageLimit, pageLimit } from '../../http/paging.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { ApiReport, ScopeOnlyParam } from '../get-figures/get-figures.http.js';
import { validationFailed } from '../../shared/domain-error.js';
import { ApiExportable, exportFile, exportFormatOf, ExportFormatParam, ExportLangParam } from '../exports/report-export.http.js';
import { type ExportFormat } from '../exports/report-export.js';
import { changesTable, type ExportLang } from '../exports/report-table.js';
import { MAX_EXPORTED_CHANGES } from './export-bound.js';
import { ExplainChanges } from './explain-changes.query.js';

export class ChangesParams extends ScopeOnlyParam {
  // The other reports' knowledge instant: here the changes run from since to until, so a knownAt
  // is refused with that said, rather than passed over with the answer running to now.
  @ApiHideProperty()
  @IsEmpty({ message: 'knownAt does not apply to changes, which run from since to until: pass until (default now)' })
  knownAt?: never;

  @ApiProperty({ example: '2016-06-30' })
  @IsLedgerDate()
  asOf!: string;

  @ApiProperty({ example: '2016-07-05T09:00:00Z', description: 'The earlier knowledge instant (the report day)' })
  @IsString()
  since!: string;

  @ApiPropertyOptional({ example: '2016-12-31T09:00:00Z', description: 'The later knowledge instant; default now' })
  @IsOptional()
  @IsString()
  until?: string;

  @PageLimit('Entries')
  limit?: string;

  @PageCursor()
  cursor?: string;

  @ExportFormatParam()
  format?: ExportFormat;

  @ExportLangParam()
  lang?: ExportLang;
}

@ApiTags('figures')
@Controller('figures/changes')
export class ChangesHttp {
  constructor(private readonly queries: QueryBus) {}

  @Reads()
  @Get()
  @ApiOperation({ summary: 'Every fact and void recorded in (since, until] that moved the figures as of asOf, with its effect' })
  @ApiExportable(
    `{ scope, asOf, since, until, before, after, entries: [{ eventId, type, effect, … }], nextCursor }; as a table, every change of the window (at most ${MAX_EXPORTED_CHANGES}, not paged) between a before and an after row`,
  )
  @ApiReport()
  async get(@Query() q: ChangesParams, @Meta() caller: RequestMeta, @Req() req: Request) {
    const format = exportFormatOf(q, req);
    if (format === 'json')
      return this.queries.execute(new ExplainChanges(q.scope, q.asOf, q.since, q.until, pageLimit(q.limit), q.cursor, caller));
    // A file holds the whole window: a page of it would read as the whole and not add up.
    for (const field of ['limit', 'cursor'] as const)
      if (q[field] !== undefined)
        throw validationFailed(
          field,
          `${field} pages the JSON answer; a csv or xlsx answer holds every change of the window: drop ${field}`,
        );
    const view = await this.queries.execute(ExplainChanges.wholeWindow(q.scope, q.asOf, q.since, q.until, caller));
    return exportFile(changesTable(view, q.lang ?? 'en'), format, { knownAt: view.until, asked: false });
  }
}
