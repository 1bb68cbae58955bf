import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Projection } from '../../projections/projection.js';
import { transferRequests } from '../../projections/transfer-requests/transfer-requests.projection.js';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import type { NewEvent, RecordedEvent } from '../../src/event-store/event-store.port.js';
import { rebuildFigures } from '../../src/read-models/figures/figure-builder.js';
import { ProjectionRunner, rebuildProjection, StagedRebuild } from '../../src/read-models/projection-runner.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';

/*
 * The simple read models (the roster, the transfer requests' list) on the real embedded store and
 * read-model file: a projection of another version than the one stored is built again from zero,
 * in its own shape; one of the same version goes on from its checkpoint; and `ledger rebuild`'s
 * rebuild of one (on its own, or the list from the figures' shares) gives exactly what following
 * the log from the start gives, checkpointed at the head.
 */

const meta = { actor: 'clerk-1', correlationId: 'c-1' };
const event = (id: string, type: string, data: object): NewEvent => ({ id, type, data, metadata: meta });

/** A projection of every event's type, in the shape of its version (version 2 adds a column). */
function typesProjection(version: number, seen: RecordedEvent[] = []): Projection<{ position: number; label: string }> {
  return {
    name: 'event-types',
    version,
    table: 'event_types',
    schema: `CREATE TABLE IF NOT EXISTS event_types (position INTEGER PRIMARY KEY, label TEXT NOT NULL${
      version >= 2 ? ', stream TEXT' : ''
    })`,
    columns: { position: 'position', label: 'label' },
    rowsFor(e) {
      seen.push(e);
      return [{ position: Number(e.position), label: `v${version}:${e.type}` }];
    },
  };
}

describe('projection runners and their rebuild', () => {
  let dir: string;
  let store: SqliteEventStore;
  let db: Database.Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-projection-runner-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    db = openReadModelDb(join(dir, 'read-models.sqlite'));
    const from = { parkId: 'p1', enterpriseId: 'e1' };
    const to = { parkId: 'p2', enterpriseId: 'e2' };
    for (let t = 0; t < 5; t++) {
      const transferId = `t${t}`;
      await store.appendToStream(
        `transfer-${transferId}`,
        [event(`${transferId}-0`, 'TransferRequested', { transferId, memberId: `m${t}`, from, to, effectiveDate: '2020-03-01' })],
        { expectedRevision: 'no_stream' },
      );
      await store.appendToStream(`member-m${t}`, [event(`m${t}-0`, 'MemberLeft', { memberId: `m${t}`, reason: 'retired' })], {
        expectedRevision: 'no_stream',
      });
      if (t % 2 === 0)
        await store.appendToStream(`transfer-${transferId}`, [event(`${transferId}-1`, 'TransferAccepted', { transferId })], {
          expectedRevision: 0,
        });
    }
  });

  afterEach(async () => {
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = (table: string) => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
  const checkpoint = (name: string) => db.prepare('SELECT version, position FROM checkpoints WHERE projection = ?').get(name);

  it('given a table built by version 1, when a runner of version 2 starts, then it drops it and builds version 2 from zero, in its own shape', async () => {
    await new ProjectionRunner(db, store, typesProjection(1)).catchUp();
    expect(rows('event_types')).toHaveLength(13);
    expect(rows('event_types').every((r) => (r as { label: string }).label.startsWith('v1:'))).toBe(true);

    await new ProjectionRunner(db, store, typesProjection(2)).catchUp();

    const rebuilt = rows('event_types') as Array<{ label: string; stream: string | null }>;
    expect(rebuilt).toHaveLength(13);
    expect(rebuilt.every((r) => r.label.startsWith('v2:') && 'stream' in r)).toBe(true);
    expect(checkpoint('event-types')).toEqual({ version: 2, position: await store.headPosition() });
  });

  it('given a table built by the same version, when a runner starts again, then it goes on from its checkpoint and reads nothing again', async () => {
    await new ProjectionRunner(db, store, typesProjection(1)).catchUp();
    const seen: RecordedEvent[] = [];
    await new ProjectionRunner(db, store, typesProjection(1, seen)).catchUp();
    expect(seen).toEqual([]);
    expect(rows('event_types')).toHaveLength(13);
    expect(checkpoint('event-types')).toEqual({ version: 1, position: await store.headPosition() });
  });

  it('given a transfer requests list with rows lost and a stray row, when rebuilt, then it equals the list built by following the log, at the head', async () => {
    await new ProjectionRunner(db, store, transferRequests).catchUp();
    const followed = rows(transferRequests.table);
    expect(followed).toHaveLength(8);
    db.prepare(`DELETE FROM ${transferRequests.table} WHERE transfer_id IN ('t0', 't3')`).run();
    db.prepare(
      `INSERT INTO ${transferRequests.table} (transfer_id, position, event_id, type, event) VALUES ('t9', 1, 'x', 'TransferRequested', '{}')`,
    ).run();

    const progress: Array<[number, number]> = [];
    const read = await rebuildProjection(db, store, transferRequests, (done, total) => progress.push([done, total]));

    const head = Number(await store.headPosition());
    expect(rows(transferRequests.table)).toEqual(followed);
    expect(read).toBe(8);
    expect(checkpoint(transferRequests.name)).toEqual({ version: transferRequests.version, position: String(head) });
    expect(progress.at(-1)).toEqual([head, head]);
    expect(db.inTransaction).toBe(false);
  });

  it('given transfer requests, when the list is staged from the shares of a figures rebuild and swapped after one more request, then it equals the list built by following the log, at the head', async () => {
    await store.appendToStream(
      'member-m1',
      [event('m1-1', 'MemberTransferred', { memberId: 'm1', transferId: 't1', from: {}, to: {}, effectiveDate: '2020-03-02' })],
      { expectedRevision: 0 },
    );
    const staged = new StagedRebuild(db, store, transferRequests);
    // A stray row of the serving table: gone once the staged rows take its place.
    db.prepare(
      `INSERT INTO ${transferRequests.table} (transfer_id, position, event_id, type, event) VALUES ('t9', 1, 'x', 'TransferRequested', '{}')`,
    ).run();
    let handed = 0;
    const built = await rebuildFigures(db, store, () => new Date().toISOString(), {
      threads: false,
      shares: 2,
      pageSize: 3,
      onTransferFacts: (facts) => {
        staged.stageRows(facts);
        handed += facts.length;
      },
    });
    // Recorded after the shares' last position: the swap reads it in its own transaction.
    const from = { parkId: 'p1', enterpriseId: 'e1' };
    const to = { parkId: 'p2', enterpriseId: 'e2' };
    await store.appendToStream(
      'transfer-t7',
      [event('t7-0', 'TransferRequested', { transferId: 't7', memberId: 'm7', from, to, effectiveDate: '2020-04-01' })],
      { expectedRevision: 'no_stream' },
    );

    const swapped = await staged.swap(built.sharedUpTo);
    staged.drop();

    const listed = rows(transferRequests.table);
    const db2 = openReadModelDb(join(dir, 'followed.sqlite'));
    try {
      await new ProjectionRunner(db2, store, transferRequests).catchUp();
      expect(listed).toEqual(db2.prepare(`SELECT * FROM ${transferRequests.table} ORDER BY 1, 2`).all());
    } finally {
      db2.close();
    }
    // 5 requests, 3 accepted, one carried out by its member, and the request after the shares.
    expect(listed).toHaveLength(10);
    expect(handed).toBe(9);
    expect(swapped).toEqual({ events: 1, checkpoint: await store.headPosition() });
    expect(checkpoint(transferRequests.name)).toEqual({
      version: transferRequests.version,
      position: await store.headPosition(),
    });
    expect(db.inTransaction).toBe(false);
  });
});
