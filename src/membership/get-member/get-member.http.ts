import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import type { Response } from 'express';
import { ErrorBodyDto } from '../../http/command-http.js';
import { LedgerIdParam } from '../../http/params.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate } from '../../http/validators.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { instantMessage, parseInstant, shanghaiDate } from '../../shared/dates.js';
import { validationFailed } from '../../shared/domain-error.js';
import { GetMemberHistory } from '../member-history/member-history.query.js';
import { GetMember } from './get-member.query.js';
import { Reads } from '../../auth/access.decorators.js';

export class MemberQueryParams {
  @ApiPropertyOptional({ example: '2016-06-30', description: 'End of this day; default today (Asia/Shanghai)' })
  @IsOptional()
  @IsLedgerDate()
  asOf?: string;

  @ApiPropertyOptional({
    example: '2016-07-05T09:00:00+08:00',
    description: 'Only facts recorded up to this instant; default now',
  })
  @IsOptional()
  @IsString()
  knownAt?: string;
}

export class HistoryQueryParams {
  @ApiPropertyOptional({
    example: '2016-07-05T09:00:00+08:00',
    description: 'The history as it was known at this instant: entries and void marks recorded up to it; default now',
  })
  @IsOptional()
  @IsString()
  knownAt?: string;
}

/** A knowledge instant with an offset, normalised to UTC ISO form. */
export function knownAtParam(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const instant = parseInstant(value);
  if (!instant) throw validationFailed('knownAt', instantMessage('knownAt', value));
  return instant.toISOString();
}

@ApiTags('members')
@Controller('members')
export class MemberReadHttp {
  constructor(
    private readonly queries: QueryBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Reads()
  @Get(':memberId')
  @ApiOperation({ summary: "The member's state at the end of asOf, as known at knownAt" })
  @ApiOkResponse({ description: 'status active | left | not-joined, placement, category, revision (also the ETag)' })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such member (as known at knownAt)' })
  async get(
    @Param('memberId', LedgerIdParam) memberId: string,
    @Query() q: MemberQueryParams,
    @Meta() caller: RequestMeta,
    @Res({ passthrough: true }) res: Response,
  ) {
    const view = await this.queries.execute(
      new GetMember(memberId, q.asOf ?? shanghaiDate(this.clock.now()), knownAtParam(q.knownAt), caller),
    );
    res.setHeader('ETag', `"${view.revision}"`);
    return view;
  }

  @Reads()
  @Get(':memberId/history')
  @ApiOperation({ summary: 'Every fact recorded about the member, in recording order, with void marks; as known at knownAt' })
  @ApiOkResponse({ description: 'knownAt, entries: eventId, type, effectiveDate, recordedAt, actor, data, voided?' })
  @ApiBadRequestResponse({ type: ErrorBodyDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such member (as known at knownAt)' })
  history(@Param('memberId', LedgerIdParam) memberId: string, @Query() q: HistoryQueryParams, @Meta() caller: RequestMeta) {
    return this.queries.execute(new GetMemberHistory(memberId, knownAtParam(q.knownAt), caller));
  }
}
