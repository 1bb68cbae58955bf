import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from '../auth/authenticated-request.js';
import type { Caller } from '../auth/principal.js';

export type RequestMeta = Caller;

/** The signed-in caller of a guarded route (the guard has put the principal on the request). */
export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!req.principal) throw new Error('Meta used on a route without sign-in');
  return {
    principal: req.principal,
    actor: req.principal.sub,
    correlationId: req.correlationId ?? 'none',
    method: req.method,
    path: req.originalUrl.split('?')[0],
  };
});
