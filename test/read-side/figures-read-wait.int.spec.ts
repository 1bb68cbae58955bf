import { pino } from 'pino';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import { type BatchAppend } from '../../src/event-store/event-store.port.js';
import { FiguresReadModel } from '../../src/read-models/figures/figures-read-model.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { DomainError } from '../../src/shared/domain-error.js';
import { joinedEvent } from '../support/member-events.js';

/*
 * How long a figure query waits for the figures to reach the log: the service answers 503
 * PROJECTION_BEHIND after its deadline (its client tries again later), while `ledger figures`
 * runs with no deadline (Infinity), since it loads the figures afresh for each run and a
 * province takes about as long to load as the service's deadline. A small log loads and catches
 * up before any timer can run, so the deadline is reached here through a store whose reads of the
 * log are slowed (a test double, said so in the tests' names).
 */

const meta = { actor: 'clerk-1', correlationId: 'c-1' };

const dirs: string[] = [];
const stores: SqliteEventStore[] = [];

/** The joins of members `from` … `from + count − 1` at enterprise e1. */
const joins = (from: number, count: number): BatchAppend[] =>
  Array.from({ length: count }, (_, i) => {
    const m = from + i;
    return {
      stream: `member-m${m}`,
      expectedRevision: 'no_stream' as const,
      events: [joinedEvent(`m${m}`, { id: `member-m${m}-0` })],
    };
  });

/**
 * The store with every page of the log it reads delayed by 25 ms: a test double around the real
 * store, standing in for a province whose catch-up takes longer than a deadline.
 */
const slowed = (store: SqliteEventStore): SqliteEventStore =>
  new Proxy(store, {
    get(target, key) {
      if (key === 'readAll')
        return async (options: Parameters<SqliteEventStore['readAll']>[0]) => {
          await new Promise((resolve) => setTimeout(resolve, 25));
          return target.readAll(options);
        };
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

/** An embedded store holding 1 park, 1 enterprise and `members` joins: far more than 1 ms of building figures. */
async function ledgerOf(members: number): Promise<SqliteEventStore> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-read-wait-'));
  dirs.push(dir);
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  stores.push(store);
  const appends: BatchAppend[] = [
    {
      stream: 'park-p1',
      expectedRevision: 'no_stream',
      events: [
        {
          id: 'park-p1-0',
          type: 'ParkRegistered',
          data: { parkId: 'p1', name: 'P1', cityId: 'c1', level: 'provincial', effectiveDate: '2015-01-01' },
          metadata: meta,
        },
      ],
    },
    {
      stream: 'enterprise-e1',
      expectedRevision: 'no_stream',
      events: [
        {
          id: 'enterprise-e1-0',
          type: 'EnterpriseRegistered',
          data: { enterpriseId: 'e1', parkId: 'p1', name: 'E1', ownership: 'public', effectiveDate: '2015-01-01' },
          metadata: meta,
        },
      ],
    },
  ];
  appends.push(...joins(0, members));
  await store.appendBatch(appends, []);
  return store;
}

describe('figure queries waiting for the figures to reach the log', () => {
  const models: FiguresReadModel[] = [];
  afterEach(async () => {
    for (const model of models.splice(0)) await model.stop();
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A read model over the read-model file of the store's data dir, as a process starts one. */
  const readModel = (store: SqliteEventStore, waitMs?: number) => {
    const db = openReadModelDb(join(dirs.at(-1)!, 'read-models.sqlite'));
    const logger = pino({ level: 'silent' });
    // An undefined `waitMs` leaves the constructor's default, as when Nest has no READ_WAIT_MS to give.
    const model = new FiguresReadModel(db, store, logger, systemClock, waitMs);
    models.push(model);
    model.onApplicationBootstrap();
    return model;
  };

  /** A log whose figures were built and stored by an earlier process: the next one loads them, as `ledger figures` does. */
  async function builtLedger(members: number): Promise<SqliteEventStore> {
    const store = await ledgerOf(members);
    const first = readModel(store, Number.POSITIVE_INFINITY);
    await first.current();
    await first.stop();
    return store;
  }

  it('given stored figures of a long log, when a process loads them with no deadline (Infinity, as ledger figures runs), then the query waits for the load and answers at the head of the log', async () => {
    const store = await builtLedger(20_000);
    const { index, position } = await readModel(store, Number.POSITIVE_INFINITY).current();
    expect(position).toBe(await store.headPosition());
    // Every event of the log is in the index: the park, the enterprise and 20,000 joins.
    expect(index.eventsKnownAt(Number.MAX_SAFE_INTEGER)).toBe(20_002);
  });

  it('given stored figures behind the log, when the catch-up (on a store double slowed 25 ms a read) outlasts a 1 ms deadline, then the query is refused with 503 PROJECTION_BEHIND', async () => {
    const store = await builtLedger(100);
    await store.appendBatch(joins(100, 10), []);
    const refusal = await readModel(slowed(store), 1)
      .current()
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'PROJECTION_BEHIND' });
  });

  it('given the same, when there is no deadline (Infinity, as ledger figures runs; store double slowed 25 ms a read), then the query waits for the catch-up and answers at the head', async () => {
    const store = await builtLedger(100);
    await store.appendBatch(joins(100, 10), []);
    const { index, position } = await readModel(slowed(store), Number.POSITIVE_INFINITY).current();
    expect(position).toBe(await store.headPosition());
    expect(index.eventsKnownAt(Number.MAX_SAFE_INTEGER)).toBe(112);
  });

  it('given no deadline configured (the service), then it is 10 seconds', async () => {
    const store = await builtLedger(10);
    const model = readModel(store);
    expect((await model.current()).position).toBe(await store.headPosition());
    expect((model as unknown as { readWaitMs: number }).readWaitMs).toBe(10_000);
  });
});
