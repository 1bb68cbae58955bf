import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { LedgerConfig } from '../config/ledger-config.js';
import { AccessDenials } from './access-denials.js';
import { AccessDenialsHttp } from './access-denials.http.js';
import { AuthGuard } from './auth.guard.js';
import { Scopes } from './scopes.js';
import { TOKENS, Tokens } from './tokens.js';
import { RATE_LIMIT_PER_MINUTE, RateLimiter, RateLimitGuard } from './rate-limit.guard.js';

/** Sign-in on every route, then a rate limit per user; scope checks are the handlers' (via Scopes). */
@Global()
@Module({})
export class AuthModule {
  static forRoot(config: LedgerConfig): DynamicModule {
    return {
      module: AuthModule,
      controllers: [AccessDenialsHttp],
      providers: [
        { provide: TOKENS, useValue: new Tokens(config.tokenSigningKey) },
        { provide: RATE_LIMIT_PER_MINUTE, useValue: config.rateLimitPerMinute },
        AccessDenials,
        Scopes,
        RateLimiter,
        // Guards run in this order: who is it, then how often.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
      ],
      exports: [TOKENS, AccessDenials, Scopes],
    };
  }
}
