import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorBodyDto } from '../http/command-http.js';
import { PageCursor, PageLimit, pageLimit } from '../http/paging.js';
import { AdminOnly } from './access.decorators.js';
import { AccessDenials } from './access-denials.js';

export class DenialsQuery {
  @PageLimit('Refusals')
  limit?: string;

  @PageCursor('nextCursor of the previous page: the page goes on after its last refusal')
  cursor?: string;
}

@ApiTags('security')
@ApiBearerAuth()
@Controller('access-denials')
export class AccessDenialsHttp {
  constructor(private readonly denials: AccessDenials) {}

  @AdminOnly()
  @Get()
  @ApiOperation({ summary: 'Refused attempts, newest first, in pages: who, what, when and why (provincial admins)' })
  @ApiOkResponse({
    description:
      '{ denials: [{ at, actor, role, method, path, target, reason, correlationId }], nextCursor }: nextCursor is null on the last page',
  })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'VALIDATION_FAILED: a limit out of 1 to 1000, or a cursor not given by this list',
  })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  list(@Query() q: DenialsQuery) {
    return this.denials.page(pageLimit(q.limit), q.cursor);
  }
}
