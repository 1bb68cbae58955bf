import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiPreconditionFailedResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { IsInt, IsString, Length, Min, ValidateIf } from 'class-validator';
import type { Response } from 'express';
import { type CommandAnswer, type CommandMeta } from '../command-handling/command-executor.js';
import { expectedRevisionOf, IF_MATCH_PATTERN, TakesIfMatch } from './if-match.js';
import { type RequestMeta } from './request-meta.js';
import { IsPlainText } from './validators.js';

/** Fields every command body may carry. */
export class CommandFields {
  @ApiPropertyOptional({
    description:
      'Makes the command idempotent: the same id and body again answers 200 with the original answer; the same id with another body is refused 409 COMMAND_ID_REUSED.',
    minLength: 1,
    maxLength: 128,
  })
  // Absent is fine; null is not (IsOptional would let null through, and a null commandId is no id).
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @Length(1, 128)
  commandId?: string;

  @ApiPropertyOptional({
    description:
      'The stream revision last read (GET /members/:id answers it, also as the ETag); a mismatch is 412 REVISION_MISMATCH. If-Match may carry it instead.',
    minimum: 0,
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsInt()
  @Min(0)
  expectedRevision?: number;
}

/** Body of every void route. */
export class VoidEntryBody extends CommandFields {
  @ApiProperty({ example: 'recorded for the wrong member' }) @IsPlainText(500) reason!: string;
}

export class CommandAnswerDto {
  @ApiProperty({ example: '0b6f6f1e-4a57-5c3e-9a0e-3f7f0f6f2f3c' }) eventId!: string;
  @ApiProperty({ example: 0 }) streamRevision!: number;
  @ApiProperty({ example: '184467', description: 'Global log position, a decimal integer as a string' }) position!: string;
  @ApiProperty({ example: '2026-11-24T02:00:00.000Z' }) recordedAt!: string;
}

export class ErrorBodyDto {
  @ApiProperty({ example: 409 }) statusCode!: number;
  @ApiProperty({ example: 'MEMBER_NOT_ACTIVE' }) code!: string;
  @ApiProperty({ example: 'member m-1 is not active on 2016-06-30' }) message!: string;
  @ApiPropertyOptional({ description: "Per-field problems for VALIDATION_FAILED; the rule's facts otherwise" }) details?: unknown;
}

/**
 * What every command route shares: its If-Match, and the OpenAPI responses, with the rule codes
 * it can refuse with.
 */
export const ApiCommand = (conflictCodes: readonly string[]) =>
  applyDecorators(
    TakesIfMatch(),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description:
        'The ETag GET /members/:memberId answered ("3"): the same check as expectedRevision 3, which may be sent too if it agrees. ' +
        '* asks only that the stream exist. A weak tag (W/"3"), a list of tags or anything else is 400 VALIDATION_FAILED.',
      schema: { type: 'string', pattern: IF_MATCH_PATTERN, example: '"3"' },
    }),
    ApiCreatedResponse({ type: CommandAnswerDto, description: 'Recorded' }),
    ApiOkResponse({ type: CommandAnswerDto, description: 'Already recorded under this commandId: the original answer' }),
    ApiBadRequestResponse({
      type: ErrorBodyDto,
      description:
        'VALIDATION_FAILED: malformed JSON, unknown or ill-typed fields, impossible or future dates, a malformed If-Match or one that disagrees with expectedRevision, a precondition header commands do not evaluate (If-None-Match, If-Unmodified-Since, If-Modified-Since, If-Range)',
    }),
    ApiNotFoundResponse({ type: ErrorBodyDto, description: 'NOT_FOUND: the park, enterprise or member does not exist' }),
    ApiConflictResponse({
      type: ErrorBodyDto,
      description: `A rule refused it: ${[...conflictCodes, 'COMMAND_ID_REUSED'].join(', ')}`,
    }),
    ApiPreconditionFailedResponse({
      type: ErrorBodyDto,
      description:
        'REVISION_MISMATCH: expectedRevision (or If-Match) is not the current revision, or If-Match: * and no stream yet',
    }),
    ApiPayloadTooLargeResponse({ type: ErrorBodyDto, description: 'PAYLOAD_TOO_LARGE' }),
    ApiUnsupportedMediaTypeResponse({
      type: ErrorBodyDto,
      description: 'UNSUPPORTED_MEDIA_TYPE: the body must be application/json',
    }),
  );

/** Splits a validated body into the command's input and its meta. */
export function commandParts<B extends CommandFields>(
  body: B,
  meta: RequestMeta,
): { input: Omit<B, 'commandId' | 'expectedRevision'>; meta: CommandMeta } {
  const { commandId, expectedRevision, ...input } = body;
  const { ifMatch, ...caller } = meta;
  return { input, meta: { ...caller, commandId, expectedRevision: expectedRevisionOf(expectedRevision, ifMatch) } };
}

/** 201 for a new fact, 200 for a repeated commandId; the contract's four fields either way. */
export function answer(res: Response, a: CommandAnswer): CommandAnswerDto {
  res.status(a.replayed ? 200 : 201);
  return { eventId: a.eventId, streamRevision: a.streamRevision, position: a.position, recordedAt: a.recordedAt };
}
