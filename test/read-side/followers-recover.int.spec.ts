import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { membersByEnterprise } from '../../projections/members-by-enterprise/members-by-enterprise.projection.js';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import type { EventStore, NewEvent } from '../../src/event-store/event-store.port.js';
import { FiguresReadModel } from '../../src/read-models/figures/figures-read-model.js';
import { ProjectionRunner } from '../../src/read-models/projection-runner.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { joinedEvent } from '../support/member-events.js';

/*
 * The service's live followers (the roster's runner, the figures) after a failure: a write to the
 * read-model file refused because another process held its lock past the busy timeout, or a
 * subscription that dropped. Each goes on from its durable checkpoint, so nothing recorded
 * meanwhile is passed over, and it follows the log again by itself, with no query asked.
 */

const joined = (m: number): NewEvent => joinedEvent(`m${m}`);

/** Each test waits for a follower's retry (1 s after a failure). */
const RETRIES_WAIT_MS = 15_000;

/** Waits (at most 10 s) until `done` holds. */
async function eventually(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000 && !(await done()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await done()).toBe(true);
}

/**
 * The store, but the first subscription to the log drops (its handler throws, as a lost
 * connection ends delivery) at the first event delivered once `drop.armed` is set: a test double.
 */
function droppingOnce(store: SqliteEventStore, drop: { armed: boolean; dropped: number }): EventStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'subscribeToAll')
        return (handler: Parameters<EventStore['subscribeToAll']>[0], options: Parameters<EventStore['subscribeToAll']>[1]) =>
          target.subscribeToAll((event) => {
            if (drop.armed) {
              drop.armed = false;
              drop.dropped++;
              throw new Error('subscription dropped (test double)');
            }
            return handler(event);
          }, options);
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('live followers after a failure', () => {
  let dir: string;
  let store: SqliteEventStore;
  let db: Database.Database;
  const errors: unknown[] = [];
  const stops: Array<() => Promise<void>> = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-followers-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    db = openReadModelDb(join(dir, 'read-models.sqlite'));
    errors.length = 0;
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const join1 = (m: number) => store.appendToStream(`member-m${m}`, [joined(m)], { expectedRevision: 'no_stream' });
  const rosterRows = () =>
    (db.prepare('SELECT member_id FROM members_by_enterprise ORDER BY member_id').all() as Array<{ member_id: string }>).map(
      (r) => r.member_id,
    );

  function following(runner: ProjectionRunner<object>): ProjectionRunner<object> {
    runner.start((error) => errors.push(error));
    stops.push(() => runner.stop());
    return runner;
  }

  it(
    'given the read-model file locked by another process past the busy timeout while members join, when it is released, then the roster holds every join, none passed over',
    async () => {
      db.pragma('busy_timeout = 20');
      const runner = following(new ProjectionRunner(db, store, membersByEnterprise));
      await join1(1);
      await eventually(() => runner.checkpoint() === '1');

      const other = openReadModelDb(join(dir, 'read-models.sqlite'));
      other.exec('BEGIN IMMEDIATE');
      for (let m = 2; m <= 4; m++) await join1(m);
      await eventually(() => errors.length > 0);
      other.exec('ROLLBACK');
      other.close();
      await join1(5);

      await eventually(async () => runner.checkpoint() === (await store.headPosition()) && rosterRows().length === 5);
      expect(rosterRows()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(String(errors[0])).toMatch(/locked|busy/i);
    },
    RETRIES_WAIT_MS,
  );

  it(
    'given a runner whose subscription drops (a store double), then it subscribes again from its checkpoint and applies what is recorded after, with no query asked',
    async () => {
      const drop = { armed: false, dropped: 0 };
      const runner = following(new ProjectionRunner(db, droppingOnce(store, drop), membersByEnterprise));
      await join1(1);
      await eventually(() => runner.checkpoint() === '1');

      drop.armed = true;
      await join1(2);
      await eventually(() => drop.dropped === 1);
      await join1(3);

      await eventually(() => runner.checkpoint() === '3');
      // Following again, not only caught up once: the next join is applied as it is recorded.
      await join1(4);
      await eventually(() => runner.checkpoint() === '4');
      expect(rosterRows()).toEqual(['m1', 'm2', 'm3', 'm4']);
      expect(errors).toHaveLength(1);
    },
    RETRIES_WAIT_MS,
  );

  it(
    'given the figures read model whose subscription drops (a store double), then it follows the log again: its lag returns to 0 with no query asked',
    async () => {
      const drop = { armed: false, dropped: 0 };
      const model = new FiguresReadModel(db, droppingOnce(store, drop), pino({ level: 'silent' }), systemClock);
      model.onApplicationBootstrap();
      stops.push(() => model.stop());
      await join1(1);
      await eventually(async () => (await model.health()).lag === 0);

      drop.armed = true;
      await join1(2);
      await eventually(() => drop.dropped === 1);
      await join1(3);

      await eventually(async () => (await model.health()).lag === 0);
      await join1(4);
      await eventually(async () => (await model.health()).lag === 0);
      const { index, position } = await model.current();
      expect(position).toBe('4');
      expect(index).toBeDefined();
    },
    RETRIES_WAIT_MS,
  );

  it(
    'given the log unreachable when the figures first open (a store double whose first look at the head fails), then they open by themselves a moment later and a query answers, with no restart',
    async () => {
      await join1(1);
      let failures = 0;
      const flaky = new Proxy(store, {
        get(target, key) {
          if (key === 'headPosition' && failures === 0)
            return async () => {
              failures++;
              throw new Error('the store is not up yet (test double)');
            };
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as EventStore;
      const model = new FiguresReadModel(db, flaky, pino({ level: 'silent' }), systemClock);
      model.onApplicationBootstrap();
      stops.push(() => model.stop());

      const { position } = await model.current();
      expect(failures).toBe(1);
      expect(position).toBe('1');
      await join1(2);
      expect((await model.current()).position).toBe('2');
    },
    RETRIES_WAIT_MS,
  );
});
