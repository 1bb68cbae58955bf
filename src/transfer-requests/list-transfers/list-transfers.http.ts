import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { Reads } from '../../auth/access.decorators.js';
import { ErrorBodyDto } from '../../http/command-http.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerId } from '../../http/validators.js';
import { validationFailed } from '../../shared/domain-error.js';
import { TRANSFER_STATUSES, type TransferStatus } from '../transfer-request.state.js';
import { DEFAULT_OVERDUE_DAYS, ListTransfers } from './list-transfers.query.js';

export class TransferListParams {
  @ApiPropertyOptional({ example: 'p1', description: 'Requests with either end in this park; default: your scope' })
  @IsOptional()
  @IsLedgerId()
  parkId?: string;

  @ApiPropertyOptional({ enum: TRANSFER_STATUSES })
  @IsOptional()
  @IsIn(TRANSFER_STATUSES)
  status?: TransferStatus;

  @ApiPropertyOptional({
    example: DEFAULT_OVERDUE_DAYS,
    description: `Pending longer than this many days is overdue (default ${DEFAULT_OVERDUE_DAYS})`,
  })
  @IsOptional()
  @Matches(/^\d{1,4}$/, { message: 'overdueDays must be a whole number from 0 to 9999' })
  overdueDays?: string;

  @ApiPropertyOptional({ example: 100, description: 'Requests per page, 1 to 1000 (default 100)' })
  @IsOptional()
  @Matches(/^\d{1,4}$/, { message: 'limit must be a whole number from 1 to 1000' })
  limit?: string;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,20}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

@ApiTags('transfers')
@Controller('transfers')
export class ListTransfersHttp {
  constructor(private readonly queries: QueryBus) {}

  @Reads()
  @Get()
  @ApiOperation({ summary: 'Transfer requests touching a park (or your scope), oldest first, with overdue pending ones flagged' })
  @ApiOkResponse({
    description:
      '{ parkId?, status?, overdueDays, counts: { pending, accepted, rejected, cancelled, overdue }, transfers: [{ transferId, memberId, from, to, openedBy, effectiveDate, status, requestedAt, requestedBy, daysOpen, overdue, accepted?, ended?, memberTransferred }], nextCursor }',
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such park (or outside your scope)' })
  get(@Query() q: TransferListParams, @Meta() caller: RequestMeta) {
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (limit < 1 || limit > 1000) throw validationFailed('limit', 'limit must be a whole number from 1 to 1000');
    const overdueDays = q.overdueDays === undefined ? undefined : Number(q.overdueDays);
    return this.queries.execute(
      new ListTransfers({ parkId: q.parkId, status: q.status, overdueDays, limit, cursor: q.cursor }, caller),
    );
  }
}
