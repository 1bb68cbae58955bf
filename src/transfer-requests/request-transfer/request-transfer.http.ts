import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { Response } from 'express';
import { Writes } from '../../auth/access.decorators.js';
import { answer, ApiCommand, CommandFields, commandParts } from '../../http/command-http.js';
import { Meta, type RequestMeta } from '../../http/request-meta.js';
import { IsLedgerDate, IsLedgerId, IsResidentId } from '../../http/validators.js';
import { validationFailed } from '../../shared/domain-error.js';
import { RequestTransfer } from './request-transfer.handler.js';

export class RequestTransferBody extends CommandFields {
  @ApiProperty({ example: 't-2016-0042', description: 'Chosen by the office that opens the request' })
  @IsLedgerId()
  transferId!: string;

  @ApiPropertyOptional({ example: 'm-1', description: 'The member number (the origin knows it); or give personId' })
  @IsOptional()
  @IsLedgerId()
  memberId?: string;

  @ApiPropertyOptional({
    example: '36010219900307123X',
    description: "The worker's resident ID number (what the destination knows); never stored or echoed in clear",
  })
  @IsOptional()
  @IsResidentId()
  personId?: string;

  @ApiProperty({ example: 'e-2040' }) @IsLedgerId() toEnterpriseId!: string;
  @ApiProperty({ example: '2016-07-01' }) @IsLedgerDate() effectiveDate!: string;
}

@ApiTags('transfers')
@Controller('transfers')
export class RequestTransferHttp {
  constructor(private readonly commands: CommandBus) {}

  @Writes()
  @Post()
  @ApiOperation({
    summary:
      'Opens a transfer request to another enterprise (usually in another park); the member stays counted where they are until it is accepted',
    description:
      'Either side opens it: the origin by memberId, the destination by personId. The side is taken from the caller: a park clerk speaks for their park; an officer over both ends for the origin when naming memberId, for the destination when naming personId.',
  })
  @ApiCommand([
    'MEMBER_NOT_ACTIVE',
    'SAME_ENTERPRISE',
    'ENTERPRISE_NOT_OPEN',
    'TIMELINE_CONFLICT',
    'TRANSFER_ALREADY_PENDING',
    'TRANSFER_ID_TAKEN',
  ])
  async request(@Body() body: RequestTransferBody, @Meta() meta: RequestMeta, @Res({ passthrough: true }) res: Response) {
    if ((body.memberId === undefined) === (body.personId === undefined))
      throw validationFailed('memberId', 'give exactly one of memberId and personId');
    const parts = commandParts(body, meta);
    return answer(res, await this.commands.execute(new RequestTransfer(parts.input, parts.meta)));
  }
}
