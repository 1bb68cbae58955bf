import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { CLOCK, type Clock } from '../shared/clock.js';
import { DomainError } from '../shared/domain-error.js';
import type { AuthenticatedRequest } from './auth.guard.js';

export const RATE_LIMIT_PER_MINUTE = Symbol('RateLimitPerMinute');
const WINDOW_MS = 60_000;

/**
 * A fixed one-minute window per signed-in user (per address before sign-in), so one user's
 * burst never slows another. Past the limit: 429 with Retry-After (seconds to the next window).
 * (@nestjs/throttler 6 is CommonJS requiring the ESM-only Nest 12, which jest cannot load.)
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    @Inject(RATE_LIMIT_PER_MINUTE) private readonly limit: number,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = req.principal ? `user:${req.principal.role}:${req.principal.sub}` : `address:${req.ip}`;
    const now = this.clock.now().getTime();
    let window = this.windows.get(key);
    if (!window || now - window.start >= WINDOW_MS) {
      if (this.windows.size > 10_000) this.forgetOld(now);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    if (window.count <= this.limit) return true;
    const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000));
    ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new DomainError('TOO_MANY_REQUESTS', `more than ${this.limit} requests in a minute; retry in ${retryAfter} s`);
  }

  private forgetOld(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(key);
  }
}
