import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type RequestWithContext } from './logging.js';

/** Who is asking and under which correlation id. */
export interface RequestMeta {
  readonly actor: string;
  readonly correlationId: string;
}

/** Until sign-in exists every request acts as `anonymous`; the actor then comes from the token. */
export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta => {
  const req = ctx.switchToHttp().getRequest<RequestWithContext & { actor?: string }>();
  return { actor: req.actor ?? 'anonymous', correlationId: req.correlationId ?? 'none' };
});
