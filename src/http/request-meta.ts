import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/authenticated-request.js';
import type { Caller } from '../auth/principal.js';
import type { ClientRevision } from '../command-handling/command-executor.js';
import type { RequestWithIfMatch } from './if-match.js';

export interface RequestMeta extends Caller {
  /** A command's If-Match, as the IfMatchInterceptor read it. */
  readonly ifMatch?: ClientRevision;
}

/** The signed-in caller of a guarded route (the guard has put the principal on the request). */
export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest & RequestWithIfMatch>();
  if (!req.principal) throw new Error('Meta used on a route without sign-in');
  return {
    principal: req.principal,
    actor: req.principal.sub,
    correlationId: req.correlationId ?? 'none',
    method: req.method,
    path: req.originalUrl.split('?')[0],
    ...(req.ifMatch !== undefined ? { ifMatch: req.ifMatch } : {}),
  };
});
