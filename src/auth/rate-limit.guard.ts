import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { CLOCK, type Clock } from '../shared/clock.js';
import { DomainError } from '../shared/domain-error.js';
import type { AuthenticatedRequest } from './authenticated-request.js';

export const RATE_LIMIT_PER_MINUTE = Symbol('RateLimitPerMinute');
const WINDOW_MS = 60_000;

/**
 * A fixed one-minute window per signed-in user, so one user's burst never slows another, and
 * one per address for failed sign-ins, so floods of bad tokens are slowed too. Past the limit:
 * 429 with Retry-After (seconds to the next window).
 * (@nestjs/throttler 6 is CommonJS requiring the ESM-only Nest 12, which jest cannot load.)
 */
@Injectable()
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    @Inject(RATE_LIMIT_PER_MINUTE) private readonly limit: number,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Counts one request against `key`; past the limit sets Retry-After and refuses with 429. */
  hit(key: string, res: Response): void {
    const now = this.clock.now().getTime();
    let window = this.windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      if (this.windows.size > 10_000) this.forgetOld(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit) return;
    const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
    res.setHeader('Retry-After', String(retryAfter));
    throw new DomainError('TOO_MANY_REQUESTS', `more than ${this.limit} requests in a minute; retry in ${retryAfter} s`);
  }

  private forgetOld(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(key);
  }
}

/** After sign-in: one window per user. Public routes (health probes) are not limited. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    if (req.principal)
      this.limiter.hit(`user:${req.principal.role}:${req.principal.sub}`, ctx.switchToHttp().getResponse<Response>());
    return true;
  }
}
