import { Controller, Get, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import type { Request } from 'express';
import type { GroupBy } from '../../../projections/figures/figures-index.js';
import { Reads } from '../../auth/access.decorators.js';
import { ErrorBodyDto } from '../../http/command-http.js';
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
import { type ExportLang, figuresTable } from '../exports/report-table.js';
import { SCOPE_EXAMPLE, SCOPE_PATTERN } from '../report-scope.js';
import { GetFigures } from './get-figures.query.js';

/** The scope a report is about. */
export class ScopeOnlyParam {
  @ApiProperty({ example: 'province', description: SCOPE_EXAMPLE })
  @IsString()
  @Matches(SCOPE_PATTERN, { message: `scope must be ${SCOPE_EXAMPLE}` })
  scope!: string;
}

/** The scope, and the knowledge instant a report is read at. */
export class ScopeParam extends ScopeOnlyParam {
  @ApiPropertyOptional({
    example: '2016-07-05T09:00:00+08:00',
    description: 'Only facts and voids recorded up to this instant; default now',
  })
  @IsOptional()
  @IsString()
  knownAt?: string;
}

export class FiguresParams extends ScopeParam {
  @ApiProperty({ example: '2016-06-30', description: 'Figures at the end of this day' })
  @IsLedgerDate()
  asOf!: string;

  @ApiPropertyOptional({ enum: ['city', 'park', 'category'] })
  @IsOptional()
  @IsIn(['city', 'park', 'category'])
  groupBy?: GroupBy;

  @ExportFormatParam()
  format?: ExportFormat;

  @ExportLangParam()
  lang?: ExportLang;
}

/** Shared OpenAPI answers of the read routes. */
export const ApiReport = () => (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
  for (const decorate of [
    ApiBadRequestResponse({ type: ErrorBodyDto, description: 'VALIDATION_FAILED with each bad parameter' }),
    ApiForbiddenResponse({ type: ErrorBodyDto, description: 'Province figures asked by a city or park role' }),
    ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such city, park or enterprise (or outside your scope)' }),
    ApiServiceUnavailableResponse({
      type: ErrorBodyDto,
      description: 'PROJECTION_BEHIND: the read model did not catch up in time',
    }),
  ])
    decorate(target, key, descriptor);
};

@ApiTags('figures')
@Controller('figures')
export class FiguresHttp {
  constructor(private readonly queries: QueryBus) {}

  @Reads()
  @Get()
  @ApiOperation({ summary: 'Membership figures of a scope as of a date, as known at an instant (contract section 6)' })
  @ApiExportable('{ scope, asOf, knownAt, position, totals, groups? }; as a table, one row per group and a total row')
  @ApiReport()
  async get(@Query() q: FiguresParams, @Meta() caller: RequestMeta, @Req() req: Request) {
    const format = exportFormatOf(q, req);
    const view = await this.queries.execute(new GetFigures(q.scope, q.asOf, q.knownAt, q.groupBy, caller));
    return exportAnswer(format, view, () => figuresTable(view, q.groupBy, q.lang ?? 'en'), q);
  }
}
