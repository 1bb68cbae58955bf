import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Reads } from '../../auth/access.decorators.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { ApiReport, ScopeParam } from '../get-figures/get-figures.http.js';
import { GetStatement } from './get-statement.query.js';

export class StatementParams extends ScopeParam {
  @ApiProperty({ example: '2016-01-01', description: 'First day of the period' })
  @IsLedgerDate()
  from!: string;

  @ApiProperty({ example: '2016-06-30', description: 'Last day of the period (inclusive)' })
  @IsLedgerDate()
  to!: string;
}

@ApiTags('figures')
@Controller('statement')
export class StatementHttp {
  constructor(private readonly queries: QueryBus) {}

  @Reads()
  @Get()
  @ApiOperation({ summary: 'Movement statement of a scope over [from, to], as known at an instant' })
  @ApiOkResponse({ description: 'opening, joined, left, transfers in/out/internal, category changes, unions, closing' })
  @ApiReport()
  get(@Query() q: StatementParams, @Meta() caller: RequestMeta) {
    return this.queries.execute(new GetStatement(q.scope, q.from, q.to, q.knownAt, caller));
  }
}
