import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { ErrorBodyDto } from '../http/command-http.js';
import { AdminOnly } from './access.decorators.js';
import { AccessDenials } from './access-denials.js';

export class DenialsQuery {
  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

@ApiTags('security')
@ApiBearerAuth()
@Controller('access-denials')
export class AccessDenialsHttp {
  constructor(private readonly denials: AccessDenials) {}

  @AdminOnly()
  @Get()
  @ApiOperation({ summary: 'Refused attempts, newest first: who, what, when and why (provincial admins)' })
  @ApiOkResponse({ description: '{ denials: [{ at, actor, role, method, path, target, reason, correlationId }] }' })
  @ApiForbiddenResponse({ type: ErrorBodyDto })
  list(@Query() q: DenialsQuery) {
    return { denials: this.denials.latest(q.limit ?? 100) };
  }
}
