import { pino } from 'pino';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import { type BatchAppend } from '../../src/event-store/event-store.port.js';
import { FiguresReadModel } from '../../src/read-models/figures/figures-read-model.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';
import { systemClock } from '../../src/shared/clock.js';

/*
 * How long a figure query waits for the figures to reach the log: the service answers 503
 * PROJECTION_BEHIND after its deadline (its client tries again later), while `ledger figures`
 * runs with no deadline (Infinity), since it loads the figures afresh for each run and a
 * province takes about as long to load as the service's deadline. (The deadline firing is not
 * reproduced here: in one process the load and the catch-up of a small log finish before a
 * timer can run. It was seen on a province: see BENCHMARKS.md.)
 */

const meta = { actor: 'clerk-1', correlationId: 'c-1' };

const dirs: string[] = [];
const stores: SqliteEventStore[] = [];

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
  for (let m = 0; m < members; m++)
    appends.push({
      stream: `member-m${m}`,
      expectedRevision: 'no_stream',
      events: [
        {
          id: `member-m${m}-0`,
          type: 'MemberJoined',
          data: {
            memberId: `m${m}`,
            person: { hash: `h${m}`, masked: '3601**********123X' },
            name: 'sealed',
            category: 'migrant',
            enterpriseId: 'e1',
            parkId: 'p1',
            effectiveDate: '2016-01-01',
          },
          metadata: meta,
        },
      ],
    });
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

  it('given no deadline configured (the service), then it is 10 seconds', async () => {
    const store = await builtLedger(10);
    const model = readModel(store);
    expect((await model.current()).position).toBe(await store.headPosition());
    expect((model as unknown as { readWaitMs: number }).readWaitMs).toBe(10_000);
  });
});
