import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Logger } from 'pino';
import { LOGGER, type RequestWithContext } from '../http/logging.js';
import { DomainError } from '../shared/domain-error.js';
import { ROUTE_ACCESS, type RouteAccess } from './access.decorators.js';
import { AccessDenials } from './access-denials.js';
import type { Principal } from './principal.js';
import { TokenError, TOKENS, type Tokens } from './tokens.js';

export interface AuthenticatedRequest extends RequestWithContext {
  principal?: Principal;
  actor?: string;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/**
 * Every route needs a signed-in user unless marked @Public(); a route with no access mark at all
 * is closed (fails safe). Role checks happen here; scope checks on each record in the handlers.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKENS) private readonly tokens: Tokens,
    private readonly denials: AccessDenials,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [ctx.getHandler(), ctx.getClass()]);
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    if (access === 'public') return true;
    if (access === undefined) {
      this.logger.error({ route: req.route?.path }, 'route has no access mark: refused');
      throw new DomainError('FORBIDDEN', 'this route is closed');
    }
    const match = BEARER.exec(req.header('authorization') ?? '');
    if (!match) throw new DomainError('UNAUTHORIZED', 'sign in: send Authorization: Bearer <token>');
    let principal: Principal;
    try {
      principal = this.tokens.verify(match[1]);
    } catch (error) {
      throw new DomainError('UNAUTHORIZED', error instanceof TokenError ? error.message : 'the token is not valid');
    }
    req.principal = principal;
    req.actor = principal.sub;
    const refusal =
      access === 'write' && principal.role === 'auditor'
        ? 'auditors read and never write'
        : access === 'admin' && principal.role !== 'provincial-admin'
          ? 'only provincial admins may do this'
          : undefined;
    if (refusal) {
      this.denials.record({
        actor: principal.sub,
        role: principal.role,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        target: null,
        reason: refusal,
        correlationId: req.correlationId ?? null,
      });
      throw new DomainError('FORBIDDEN', refusal);
    }
    return true;
  }
}
