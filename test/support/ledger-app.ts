import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import type { Principal } from '../../src/auth/principal.js';
import { Tokens } from '../../src/auth/tokens.js';
import { AppModule } from '../../src/app.module.js';
import { type LedgerConfig, loadConfig } from '../../src/config/ledger-config.js';
import {
  SERVICE_RECENT_EVENTS,
  SERVICE_REMEMBERED_EVENTS,
  SqliteEventStore,
} from '../../src/event-store/embedded/sqlite-event-store.js';
import { EVENT_STORE } from '../../src/event-store/event-store.port.js';
import { configureApp } from '../../src/http/configure-app.js';
import { createLogger } from '../../src/http/logging.js';
import { type Clock } from '../../src/shared/clock.js';

export const ADMIN: Principal = { sub: 'test-admin', role: 'provincial-admin' };

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  constructor(private instant = new Date('2026-11-24T02:00:00.000Z')) {}
  now(): Date {
    return new Date(this.instant);
  }
  set(iso: string): void {
    this.instant = new Date(iso);
  }
  advance(ms: number): void {
    this.instant = new Date(this.instant.getTime() + ms);
  }
}

export interface LedgerApp {
  readonly app: INestApplication;
  readonly http: ReturnType<INestApplication['getHttpServer']>;
  readonly dataDir: string;
  readonly clock: TestClock;
  /** A bearer token for the principal (provincial admin by default). */
  readonly token: (principal?: Principal) => string;
  /** Requests signed in as the principal (provincial admin by default). */
  readonly as: (principal?: Principal) => { get: (path: string) => request.Test; post: (path: string) => request.Test };
  /** Every log line the app wrote, as text. */
  readonly logs: () => string;
  /** Closes the app; the data dir stays for a restart. */
  readonly stop: () => Promise<void>;
  /** Closes the app and removes the data dir. */
  readonly close: () => Promise<void>;
}

/**
 * The real service over a real embedded store in a temp dir, with the real HTTP stack
 * (body parsing, validation, error shape) that main.ts uses. Pass `dataDir` to restart on
 * the files of an earlier instance.
 */
export async function startLedger(
  options: {
    dataDir?: string;
    clock?: TestClock;
    env?: Record<string, string>;
    /** The disk's sync under the event log, to simulate a failing disk (the store is otherwise the service's own). */
    syncFile?: typeof fdatasync;
  } = {},
): Promise<LedgerApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ledger-test-'));
  const clock = options.clock ?? new TestClock();
  // The test clock stands still, so one minute's rate-limit window would span a whole suite: lifted unless a test sets it.
  const config: LedgerConfig = loadConfig({ LEDGER_DATA_DIR: dataDir, LEDGER_RATE_LIMIT_PER_MINUTE: '1000000', ...options.env });
  let logged = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      logged += chunk.toString();
      done();
    },
  });
  const logger = createLogger('info', sink);
  const builder = Test.createTestingModule({ imports: [AppModule.forRoot({ config, logger, clock })] });
  if (options.syncFile)
    builder.overrideProvider(EVENT_STORE).useFactory({
      factory: () =>
        new SqliteEventStore(join(dataDir, 'events.sqlite'), clock, {
          rememberedEvents: SERVICE_REMEMBERED_EVENTS,
          recentEvents: SERVICE_RECENT_EVENTS,
          syncFile: options.syncFile,
        }),
    });
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  configureApp(app, config, logger);
  await app.init();
  const stop = async () => {
    await app.close();
  };
  const tokens = new Tokens(config.tokenSigningKey);
  const token = (principal: Principal = ADMIN) => tokens.issue(principal, '1h');
  const http = app.getHttpServer();
  const as = (principal: Principal = ADMIN) => {
    const bearer = `Bearer ${token(principal)}`;
    return {
      get: (path: string) => request(http).get(path).set('Authorization', bearer),
      post: (path: string) => request(http).post(path).set('Authorization', bearer),
    };
  };
  return {
    app,
    http,
    token,
    as,
    dataDir,
    clock,
    logs: () => logged,
    stop,
    close: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Valid resident ID numbers (GB 11643 check character computed), distinct per `n`. */
export function residentId(n: number, birth = '19900101'): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const first17 = `360102${birth}${String(n % 1000).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}
