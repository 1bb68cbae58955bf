import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { type ClientRevision } from '../command-handling/command-executor.js';
import { DomainError, validationFailed } from '../shared/domain-error.js';

/** A command request once its If-Match has been read. */
export interface RequestWithIfMatch extends Request {
  ifMatch?: ClientRevision;
}

const TAKES_IF_MATCH = 'ledger:takes-if-match';

/** Conditional request headers (RFC 9110, 13.1) that no command evaluates. */
const UNEVALUATED_PRECONDITIONS = ['If-None-Match', 'If-Unmodified-Since', 'If-Modified-Since', 'If-Range'] as const;

/** Marks a command route whose body takes `expectedRevision`: its If-Match is read as the same. */
export const TakesIfMatch = () => SetMetadata(TAKES_IF_MATCH, true);

/** What a member read's ETag looks like (`"3"`), as a client echoes it. */
const REVISION = '"(0|[1-9][0-9]{0,14})"';
const REVISION_TAG = new RegExp(`^${REVISION}$`);

/** Every If-Match a command takes, as OpenAPI documents it: `*` or one revision tag. */
export const IF_MATCH_PATTERN = `^(\\*|${REVISION})$`;

/**
 * The revision an If-Match header asks for: the ETag's revision, or `*` (the stream exists).
 * The ETag is strong, so a weak tag (`W/"3"`, what a proxy may make of it) is refused rather
 * than compared: it could never match (RFC 9110 compares If-Match strongly). So are a list of tags.
 */
export function parseIfMatch(header: string): ClientRevision {
  const value = header.trim();
  if (value === '*') return 'stream_exists';
  const tag = REVISION_TAG.exec(value);
  if (tag) return Number(tag[1]);
  throw validationFailed(
    'If-Match',
    value.includes(',')
      ? 'If-Match takes one revision, not a list'
      : value.startsWith('W/')
        ? 'If-Match takes the ETag as GET /members/:memberId answers it ("3"), not a weak tag'
        : 'If-Match must be a revision as the ETag gives it, in double quotes ("3"), or *',
  );
}

/**
 * A command's expected revision from its body and its If-Match: either one, or both when they
 * agree. `*` agrees with any revision, which says the stream exists too.
 */
export function expectedRevisionOf(body: number | undefined, ifMatch: ClientRevision | undefined): ClientRevision | undefined {
  if (body === undefined) return ifMatch;
  if (ifMatch === undefined || ifMatch === 'stream_exists' || ifMatch === body) return body;
  const disagree = `If-Match "${ifMatch}" and expectedRevision ${body} disagree: send one of them, or the same revision in both`;
  throw new DomainError('VALIDATION_FAILED', 'the request is not valid', [
    { field: 'If-Match', messages: [disagree] },
    { field: 'expectedRevision', messages: [disagree] },
  ]);
}

/**
 * Reads If-Match on every command before its body is validated: on a route that takes a revision
 * it becomes the expected revision; anywhere else it is refused, never passed over (a client that
 * sends it counts on a check), and so are the other preconditions. Queries are left alone.
 */
@Injectable()
export class IfMatchInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler) {
    const req = ctx.switchToHttp().getRequest<RequestWithIfMatch>();
    if (req.method === 'GET' || req.method === 'HEAD') return next.handle();
    // The other preconditions are not evaluated on commands: refused, as a client that sends one counts on it.
    for (const name of UNEVALUATED_PRECONDITIONS)
      if (req.headers[name.toLowerCase()] !== undefined)
        throw validationFailed(
          name,
          `commands do not evaluate ${name}: send If-Match with the ETag a read answered ("3"), or expectedRevision`,
        );
    const header = req.headers['if-match'];
    if (header !== undefined) {
      if (this.reflector.get<boolean | undefined>(TAKES_IF_MATCH, ctx.getHandler()) !== true)
        throw validationFailed(
          'If-Match',
          `${req.method} ${req.originalUrl.split('?')[0]} takes no If-Match: it checks no one stream's revision`,
        );
      req.ifMatch = parseIfMatch(header);
    }
    return next.handle();
  }
}
