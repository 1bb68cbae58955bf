import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '../http/logging.js';
import type { AuthenticatedRequest } from './authenticated-request.js';
import { DomainError } from '../shared/domain-error.js';
import { ROUTE_ACCESS, type RouteAccess } from './access.decorators.js';
import { AccessDenials } from './access-denials.js';
import { RateLimiter } from './rate-limit.guard.js';
import type { Principal } from './principal.js';
import { TokenError, TOKENS, type Tokens } from './tokens.js';

// The scheme name is case-insensitive (RFC 7235); the token is a compact JWS.
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/i;

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
    private readonly limiter: RateLimiter,
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
    let principal: Principal;
    try {
      if (!match) throw new TokenError('sign in: send Authorization: Bearer <token>');
      principal = this.tokens.verify(match[1]);
    } catch (error) {
      // Failed sign-ins count against the address, so guessing tokens is throttled too.
      this.limiter.hit(`address:${req.ip}`, ctx.switchToHttp().getResponse<Response>());
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
