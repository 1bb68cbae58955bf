import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHideProperty, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsEmpty, IsOptional, IsString } from 'class-validator';
import { Reads } from '../../auth/access.decorators.js';
import { PageCursor, PageLimit, pageLimit } from '../../http/paging.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { ApiReport, ScopeOnlyParam } from '../get-figures/get-figures.http.js';
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
}

@ApiTags('figures')
@Controller('figures/changes')
export class ChangesHttp {
  constructor(private readonly queries: QueryBus) {}

  @Reads()
  @Get()
  @ApiOperation({ summary: 'Every fact and void recorded in (since, until] that moved the figures as of asOf, with its effect' })
  @ApiOkResponse({
    description: '{ scope, asOf, since, until, before, after, entries: [{ eventId, type, effect, … }], nextCursor }',
  })
  @ApiReport()
  get(@Query() q: ChangesParams, @Meta() caller: RequestMeta) {
    return this.queries.execute(new ExplainChanges(q.scope, q.asOf, q.since, q.until, pageLimit(q.limit), q.cursor, caller));
  }
}
