import type Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '../../src/event-store/event-store.port.js';
import { linesOf } from '../../src/imports/import-lines.js';
import { ndjsonRecords } from '../../src/imports/import-records.js';
import { catchUpBuild, rebuildFigures } from '../../src/read-models/figures/figure-builder.js';
import { FigureBuilds } from '../../src/read-models/figures/figure-builds.js';
import { FigureProjector } from '../../src/read-models/figures/figure-projector.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';
import { syntheticProvince } from '../../src/synthetic-province/synthetic-province.js';
import { importableLedger } from '../support/imported-ledger.js';
import { TestClock } from '../support/ledger-app.js';

/*
 * The figures built four ways from one embedded log must be the same rows: following the log
 * page by page (the live path), reading every event's stream again (the definition: no memory
 * between events), and split into 1, 2 or 3 shares merged in log order (the rebuild; in this
 * thread here, since ts-jest has no compiled worker; the e2e tier runs the worker threads).
 */

const CALLER = {
  principal: { sub: 'rebuild-test', role: 'provincial-admin' as const },
  actor: 'rebuild-test',
  correlationId: 'r-1',
};
const dirs: string[] = [];
let store: EventStore;
let db: Database.Database;
let head: number;

async function* bytesOf(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text, 'utf8');
}

/** A build's places and events, as the service loads them. */
function contentOf(build: string) {
  return [...new FigureBuilds(db).read(build)];
}

beforeAll(async () => {
  const clock = new TestClock();
  const ledger = await importableLedger('ledger-rebuild-', clock);
  dirs.push(ledger.dir);
  store = ledger.store;
  const { dir, keys, engine } = ledger;
  const lines: string[] = [];
  for (const c of syntheticProvince({ members: 1200, seed: 3, years: 10, endDate: '2026-06-30' }).commands())
    lines.push(JSON.stringify(c));
  const answer = await engine.run(ndjsonRecords(linesOf(bytesOf(lines.join('\n')))), { caller: CALLER, batchLines: 400 });
  expect(answer.rejected).toBe(0);
  await keys.close();
  head = Number(await store.headPosition());
  db = openReadModelDb(join(dir, 'read-models.sqlite'));
}, 120_000);

afterAll(async () => {
  await store.close();
  db.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('figures rebuilt in shares', () => {
  it('given an imported province, when the figures are built by following the log, by re-reading every stream, and in 1, 2 and 3 shares (pages small enough that the shares interleave), then all builds hold the same places and events', async () => {
    const builds = new FigureBuilds(db);
    // The live path over the whole log, remembering entities between pages.
    builds.start('follow', new Date().toISOString());
    await catchUpBuild(builds, store, 'follow', new FigureProjector());
    const followed = contentOf('follow');
    expect(builds.get('follow')?.checkpoint).toBe(String(head));
    // The definition: every event projected from its stream as read from the store.
    const forgetful = new FigureProjector();
    forgetful.project = () => undefined;
    builds.start('reread', new Date().toISOString());
    await catchUpBuild(builds, store, 'reread', forgetful);
    expect(contentOf('reread')).toEqual(followed);
    expect(followed.filter((i) => i.kind === 'event').length).toBeGreaterThan(1200);

    for (const [shares, pageSize] of [
      [1, undefined],
      [2, 97],
      [3, 250],
    ]) {
      const progress: number[] = [];
      const rows: Array<[string, string]> = [];
      const { build, events, sharedUpTo } = await rebuildFigures(db, store, () => new Date().toISOString(), {
        shares,
        pageSize,
        onProgress: (p) => progress.push(p.done),
        onRoster: (r) => rows.push(...r),
      });
      expect(sharedUpTo).toBe(String(head));
      expect(build.checkpoint).toBe(String(head));
      expect(contentOf(build.build)).toEqual(followed);
      // Every figure-stream event read once; progress only moves forward, to the head.
      expect(events).toBeGreaterThan(1200);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(head);
      // The roster rows found on the way: one per join and per transfer.
      const log = await store.readAll({ maxCount: 1_000_000 });
      expect(rows.length).toBe(log.filter((e) => e.type === 'MemberJoined' || e.type === 'MemberTransferred').length);
    }
  }, 120_000);
});
