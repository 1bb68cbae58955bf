import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Reads } from '../../auth/access.decorators.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
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
  @ApiOkResponse({ description: '{ scope, from, to, every, knownAt, position, points: [{ asOf, totals }] }' })
  @ApiReport()
  get(@Query() q: SeriesParams, @Meta() caller: RequestMeta) {
    return this.queries.execute(new GetSeries(q.scope, q.from, q.to, q.every, q.knownAt, caller));
  }
}
