import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { Reads } from '../../auth/access.decorators.js';
import { ErrorBodyDto } from '../../http/command-http.js';
import { PageCursor, PageLimit, pageLimit } from '../../http/paging.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerId } from '../../http/validators.js';
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

  @PageLimit('Requests')
  limit?: string;

  @PageCursor()
  @Matches(/^\d{1,20}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;
}

@ApiTags('transfers')
@Controller('transfers')
export class ListTransfersHttp {
  constructor(private readonly queries: QueryBus) {}

  @Reads()
  @Get()
  @ApiOperation({
    summary: 'Transfer requests touching a park (or your scope), oldest first, with overdue and stuck pending ones flagged',
    description:
      'A pending request carries acceptable: whether the rules let it be accepted now, as the member and the enterprises stand now (voids included). When false, blockedBy { code, message } is the refusal accepting it would answer (MEMBER_NOT_ACTIVE when the member left, MEMBER_NOT_AT_ORIGIN when the member was placed in another park meanwhile, ENTERPRISE_NOT_OPEN when the destination closed, TIMELINE_CONFLICT when a later fact no longer fits, …); the acceptance adds to that message that the request is now rejected. It is still pending (the contract status) and counted in pendingTransfersIn/Out until someone rejects, cancels or accepts it. A request that is not pending has acceptable and blockedBy null. Computed for the page only; there is no filter on it.',
  })
  @ApiOkResponse({
    description:
      '{ parkId?, status?, overdueDays, counts: { pending, accepted, rejected, cancelled, overdue }, transfers: [{ transferId, memberId, from, to, openedBy, effectiveDate, status, requestedAt, requestedBy, daysOpen, overdue, accepted?, ended?, memberTransferred, acceptable: boolean | null, blockedBy: { code, message } | null }], nextCursor }',
  })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such park (or outside your scope)' })
  get(@Query() q: TransferListParams, @Meta() caller: RequestMeta) {
    const limit = pageLimit(q.limit);
    const overdueDays = q.overdueDays === undefined ? undefined : Number(q.overdueDays);
    return this.queries.execute(
      new ListTransfers({ parkId: q.parkId, status: q.status, overdueDays, limit, cursor: q.cursor }, caller),
    );
  }
}
