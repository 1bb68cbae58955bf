import type Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import type { ScopeRef } from '../../projections/figures/figures-index.js';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { linesOf } from '../../src/imports/import-lines.js';
import { ndjsonRecords } from '../../src/imports/import-records.js';
import { FiguresReadModel } from '../../src/read-models/figures/figures-read-model.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';
import { syntheticProvince } from '../../src/synthetic-province/synthetic-province.js';
import { importableLedger } from '../support/imported-ledger.js';
import { TestClock } from '../support/ledger-app.js';

/*
 * The figures read model loads a build's rows first and serves from them (each sum scans the
 * rows), then builds the cubes' summary nodes between turns of the event loop; `ledger figures`
 * never builds them. Over an imported province whose cubes hold more than one leaf of rows, the
 * service's model (nodes built) and the CLI's (rows only) answer every question alike.
 */

const CALLER = {
  principal: { sub: 'summary-test', role: 'provincial-admin' as const },
  actor: 'summary-test',
  correlationId: 's-1',
};
const dirs: string[] = [];
const models: FiguresReadModel[] = [];
let store: EventStore;
let db: Database.Database;
let clock: TestClock;
const parks: Array<{ parkId: string; cityId: string }> = [];
/** The knowledge instant after each imported chunk of lines. */
const instants: number[] = [];

async function* bytesOf(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text, 'utf8');
}

async function eventually(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('not within the time allowed');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function model(summarised: boolean): FiguresReadModel {
  const m = new FiguresReadModel(db, store, pino({ level: 'silent' }), clock, 60_000, summarised);
  m.onApplicationBootstrap();
  models.push(m);
  return m;
}

beforeAll(async () => {
  clock = new TestClock();
  const ledger = await importableLedger('ledger-summary-', clock);
  dirs.push(ledger.dir);
  store = ledger.store;
  const { dir, keys, engine } = ledger;
  const lines: string[] = [];
  for (const c of syntheticProvince({ members: 5000, seed: 11, years: 10, endDate: '2026-06-30' }).commands()) {
    if (c.command === 'registerPark') parks.push({ parkId: c.parkId, cityId: c.cityId });
    lines.push(JSON.stringify(c));
  }
  // Chunks recorded an hour apart: knowledge instants fall inside the cubes' leaves and nodes.
  for (let at = 0; at < lines.length; at += 1500) {
    const answer = await engine.run(ndjsonRecords(linesOf(bytesOf(lines.slice(at, at + 1500).join('\n')))), {
      caller: CALLER,
      batchLines: 500,
    });
    expect(answer.rejected).toBe(0);
    instants.push(clock.now().getTime());
    clock.advance(3_600_000);
  }
  await keys.close();
  db = openReadModelDb(join(dir, 'read-models.sqlite'));
}, 120_000);

afterAll(async () => {
  for (const m of models) await m.stop();
  await store.close();
  db.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('figures served from rows, then from summary nodes', () => {
  it('given a build with more than a leaf of rows, when loaded by the service (nodes built after) and by the CLI (never), then health tells the rows awaiting nodes and both answer every figure, statement and change alike', async () => {
    const service = model(true);
    const { index: served } = await service.current();
    await eventually(async () => (await service.health()).summaryLag === 0);
    expect(served.unsummarisedRows).toBe(0);
    // The cubes really span more than one leaf (4,096 rows): nodes exist to be compared with.
    expect(served.members.length).toBeGreaterThan(4096);

    const cli = model(false);
    const { index: rowsOnly } = await cli.current();
    expect(rowsOnly.unsummarisedRows).toBeGreaterThanOrEqual(4096);
    expect((await cli.health()).summaryLag).toBe(0);

    const scopes: ScopeRef[] = [
      served.scope('province')!,
      served.scope('city', parks[0].cityId)!,
      served.scope('park', parks[0].parkId)!,
      served.scope('park', parks[parks.length - 1].parkId)!,
    ];
    const asked = (index: typeof served, scope: ScopeRef, asOf: string, knownMs: number) => ({
      byPark: scope.kind === 'park' ? null : index.stocks(scope, asOf, knownMs, 'park'),
      byCity: scope.kind === 'province' ? index.stocks(scope, asOf, knownMs, 'city') : null,
      whole: index.stocks(scope, asOf, knownMs),
      statement: index.statement(scope, '2018-01-01', asOf, knownMs),
      changes: index.changes(scope, asOf, instants[0], knownMs),
      firstChanges: index.changes(scope, asOf, instants[0], knownMs, { afterPosition: 100, limit: 5 }),
    });
    let compared = 0;
    for (const scope of scopes)
      for (const asOf of ['2017-06-30', '2021-12-31', '2026-06-30'])
        for (const knownMs of instants) {
          // Scopes are numbered alike in both indexes: places are registered in log order.
          expect(asked(rowsOnly, scope, asOf, knownMs)).toEqual(asked(served, scope, asOf, knownMs));
          compared++;
        }
    expect(compared).toBe(4 * 3 * instants.length);
    expect(served.stocks(scopes[0], '2026-06-30', instants.at(-1)!).sums[0][0]).toBeGreaterThan(0);
  }, 120_000);
});
