import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import { type NewEvent, WrongExpectedRevisionError } from '../../src/event-store/event-store.port.js';
import { describeEventStoreContract, PinnedClock } from './event-store.contract.js';

let dir: string;

describeEventStoreContract(
  'SqliteEventStore',
  async (clock) => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-event-store-'));
    return new SqliteEventStore(join(dir, 'events.sqlite'), clock);
  },
  () => rmSync(dir, { recursive: true, force: true }),
);

describe('SqliteEventStore on disk', () => {
  let onDisk: string;
  beforeEach(() => (onDisk = mkdtempSync(join(tmpdir(), 'ledger-event-store-'))));
  afterEach(() => rmSync(onDisk, { recursive: true, force: true }));

  const event = (type: string): NewEvent => ({
    id: randomUUID(),
    type,
    data: { type },
    metadata: { actor: 'clerk-7', correlationId: 'corr-1' },
  });

  it('given events and a claim written, when the store is closed and reopened on the same file, then everything is still there and appends continue', async () => {
    const file = join(onDisk, 'nested', 'events.sqlite');
    const clock = new PinnedClock(new Date('2025-03-01T09:00:00.000Z'));
    const first = new SqliteEventStore(file, clock);
    await first.appendToStream('member-a', [event('MemberJoined'), event('MemberLeft')], { expectedRevision: 'no_stream' });
    await first.appendToStream('member-b', [event('MemberJoined')], { expectedRevision: 'no_stream' });
    await first.claimCommandId('cmd-1', 'member-a', 'fp-1');
    const before = await first.readAll({ maxCount: 100 });
    const headBefore = await first.headPosition();
    await first.close();

    clock.set('2025-03-01T08:00:00.000Z');
    const reopened = new SqliteEventStore(file, clock);
    try {
      expect(await reopened.readAll({ maxCount: 100 })).toEqual(before);
      expect(await reopened.headPosition()).toBe(headBefore);
      expect(await reopened.claimCommandId('cmd-1', 'member-b', 'fp-2')).toEqual({
        status: 'existing',
        stream: 'member-a',
        fingerprint: 'fp-1',
      });
      const next = await reopened.appendToStream('member-a', [event('MemberRejoined')], { expectedRevision: 1 });
      expect(next.streamRevision).toBe(2);
      expect(BigInt(next.position)).toBeGreaterThan(BigInt(headBefore!));
      // The clock went back across the restart; the log's recordedAt does not: one millisecond after the last append.
      expect(next.recordedAt).toBe('2025-03-01T09:00:00.002Z');
      expect((await reopened.readStream('member-a')).map((e) => e.type)).toEqual([
        'MemberJoined',
        'MemberLeft',
        'MemberRejoined',
      ]);
    } finally {
      await reopened.close();
    }
  });

  it('given a file made by the earlier schema (a table of streams, an index on event ids), when opened, then its streams go on at their revisions, a stale expected revision still fails, and the table of streams is gone', async () => {
    const file = join(onDisk, 'events.sqlite');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE events (position INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
        revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream, revision));
      CREATE TABLE streams (stream TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE command_ids (command_id TEXT PRIMARY KEY, stream TEXT NOT NULL, fingerprint TEXT NOT NULL) WITHOUT ROWID;`);
    const insert = old.prepare('INSERT INTO events (event_id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    const metadata = JSON.stringify({ actor: 'clerk-7', correlationId: 'corr-1', recordedAt: '2024-01-01T00:00:00.000Z' });
    for (const revision of [0, 1, 2]) insert.run(randomUUID(), 'member-a', revision, 'MemberJoined', '{}', metadata);
    old.prepare('INSERT INTO streams (stream, revision) VALUES (?, ?)').run('member-a', 2);
    old.close();

    const store = new SqliteEventStore(file, new PinnedClock(new Date('2025-03-01T09:00:00.000Z')));
    try {
      await expect(store.appendToStream('member-a', [event('MemberLeft')], { expectedRevision: 1 })).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
      const next = await store.appendToStream('member-a', [event('MemberLeft')], { expectedRevision: 2 });
      expect(next.streamRevision).toBe(3);
      expect((await store.readStream('member-a')).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
    } finally {
      await store.close();
    }
    const after = new Database(file, { readonly: true });
    try {
      expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual([
        'command_ids',
        'events',
      ]);
    } finally {
      after.close();
    }
  });

  it('given a stream read once, when another connection appends to it and the reader changes the array it got, then the next read has every event in order and nothing of the change', async () => {
    const file = join(onDisk, 'events.sqlite');
    const reader = new SqliteEventStore(file, undefined, { rememberedEvents: 100 });
    const writer = new SqliteEventStore(file, undefined, { rememberedEvents: 100 });
    try {
      await reader.appendToStream('enterprise-e1', [event('EnterpriseRegistered')], { expectedRevision: 'no_stream' });
      const first = await reader.readStream('enterprise-e1');
      expect(first.map((e) => e.revision)).toEqual([0]);
      first.pop();
      await writer.appendToStream('enterprise-e1', [event('HeadcountReported'), event('HeadcountReported')], {
        expectedRevision: 0,
      });
      await reader.appendToStream('enterprise-e1', [event('EnterpriseClosed')], { expectedRevision: 2 });
      const again = await reader.readStream('enterprise-e1');
      expect(again.map((e) => [e.revision, e.type])).toEqual([
        [0, 'EnterpriseRegistered'],
        [1, 'HeadcountReported'],
        [2, 'HeadcountReported'],
        [3, 'EnterpriseClosed'],
      ]);
      expect(again).toEqual(await writer.readStream('enterprise-e1'));
      expect(await reader.readStream('enterprise-e1')).toEqual(again);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('given a store that remembers two events, when streams outgrow that or push each other out, then every read still has every event', async () => {
    const file = join(onDisk, 'events.sqlite');
    const reader = new SqliteEventStore(file, undefined, { rememberedEvents: 2 });
    const writer = new SqliteEventStore(file);
    try {
      await writer.appendToStream('member-a', [event('MemberJoined'), event('MemberLeft')], { expectedRevision: 'no_stream' });
      await writer.appendToStream('member-b', [event('MemberJoined'), event('MemberLeft')], { expectedRevision: 'no_stream' });
      expect(await reader.readStream('member-a')).toHaveLength(2);
      expect(await reader.readStream('member-b')).toHaveLength(2); // member-a is forgotten
      await writer.appendToStream('member-a', [event('MemberRejoined')], { expectedRevision: 1 });
      await writer.appendToStream('member-b', [event('MemberRejoined')], { expectedRevision: 1 });
      for (const stream of ['member-a', 'member-b', 'member-a'])
        expect((await reader.readStream(stream)).map((e) => e.type)).toEqual(['MemberJoined', 'MemberLeft', 'MemberRejoined']);
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});
