import Database from 'better-sqlite3';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
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

describeEventStoreContract(
  'SqliteEventStore remembering streams and the latest events of the log (three of each)',
  async (clock) => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-event-store-'));
    return new SqliteEventStore(join(dir, 'events.sqlite'), clock, { rememberedEvents: 3, recentEvents: 3 });
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

  it('given batch appends and single appends sent in one turn, when one batch conflicts, then the others commit in one group (one sync) and that batch leaves nothing, not even its first stream', async () => {
    const clock = new PinnedClock(new Date('2025-03-01T09:00:00.000Z'));
    let syncs = 0;
    const counted = ((fd: number, done: (error: NodeJS.ErrnoException | null) => void) => {
      syncs++;
      fdatasync(fd, done);
    }) as typeof fdatasync;
    const store = new SqliteEventStore(join(onDisk, 'events.sqlite'), clock, { syncFile: counted });
    try {
      await store.appendToStream('member-x', [event('MemberJoined')], { expectedRevision: 'no_stream' });
      syncs = 0;
      const outcomes = await Promise.allSettled([
        store.appendBatch([
          { stream: 'person-1', events: [event('PersonMembershipClaimed')], expectedRevision: 'no_stream' },
          { stream: 'member-a', events: [event('MemberJoined')], expectedRevision: 'no_stream' },
        ]),
        store.appendToStream('member-b', [event('MemberJoined')], { expectedRevision: 'no_stream' }),
        // Its second stream is not at the revision given: the whole batch fails, its claim included.
        store.appendBatch([
          { stream: 'person-2', events: [event('PersonMembershipClaimed')], expectedRevision: 'no_stream' },
          { stream: 'member-x', events: [event('MemberJoined')], expectedRevision: 'no_stream' },
        ]),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect(syncs).toBe(1);
      expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      const log = await store.readAll({ maxCount: 10 });
      expect(log.map((e) => e.streamName)).toEqual(['member-x', 'person-1', 'member-a', 'member-b']);
      expect(await store.readStream('person-2')).toEqual([]);
    } finally {
      await store.close();
    }
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

  it('given a store that keeps the latest events of the log, when it and another connection append between its reads of the log from any position, then every read equals a read of the file', async () => {
    type Op = { append: 'reader' | 'writer'; events: number } | { read: 'follow' | number; maxCount: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ append: fc.constantFrom<'reader' | 'writer'>('reader', 'writer'), events: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ read: fc.oneof(fc.constant<'follow'>('follow'), fc.nat(40)), maxCount: fc.integer({ min: 1, max: 6 }) }),
    );
    let served = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 40 }), async (recentEvents, ops) => {
        const file = join(mkdtempSync(join(onDisk, 'run-')), 'events.sqlite');
        const reader = new SqliteEventStore(file, undefined, { recentEvents });
        const writer = new SqliteEventStore(file);
        const plain = new SqliteEventStore(file);
        try {
          let appended = 0;
          let last: string | undefined;
          for (const o of ops) {
            if ('append' in o) {
              const store = o.append === 'reader' ? reader : writer;
              const types = Array.from({ length: o.events }, (_, i) => `Happened${appended + i}`);
              await store.appendToStream(`s-${appended++}`, types.map(event), { expectedRevision: 'no_stream' });
              continue;
            }
            // Following on from the last event read, as a follower does, or from any position (gaps included).
            const after = o.read === 'follow' ? last : o.read === 0 ? undefined : String(o.read);
            const got = await reader.readAll({ after, maxCount: o.maxCount });
            expect(got).toEqual(await plain.readAll({ after, maxCount: o.maxCount }));
            if (o.read === 'follow' && got.length > 0) served++;
            last = got.at(-1)?.position ?? after;
          }
        } finally {
          await Promise.all([reader.close(), writer.close(), plain.close()]);
        }
      }),
      { numRuns: 40 },
    );
    expect(served).toBeGreaterThan(0);
  });

  it('given a store whose disk fails a sync (simulated disk failure: fdatasync replaced), when it is written and read afterwards, then every call is refused with STORAGE_FAILED, though the disk would now sync; reopened, the file holds what was committed', async () => {
    const file = join(onDisk, 'events.sqlite');
    let failing = false;
    const syncFile = ((fd: number, done: (error: NodeJS.ErrnoException | null) => void) =>
      failing
        ? done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
        : fdatasync(fd, done)) as typeof fdatasync;
    const store = new SqliteEventStore(file, undefined, { syncFile, recentEvents: 10, rememberedEvents: 10 });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'answered',
        (e: { code?: string; message: string }) => e.code ?? e.message,
      );
    try {
      await store.appendToStream('member-a', [event('MemberJoined')], { expectedRevision: 'no_stream' });
      expect((await store.readAll({ maxCount: 10 })).length).toBe(1);
      failing = true;
      expect(await code(store.appendToStream('member-a', [event('MemberLeft')], { expectedRevision: 0 }))).toBe('STORAGE_FAILED');
      failing = false;
      expect(await code(store.appendToStream('member-b', [event('MemberJoined')], { expectedRevision: 'no_stream' }))).toBe(
        'STORAGE_FAILED',
      );
      expect(
        await code(store.appendBatch([{ stream: 'member-c', events: [event('MemberJoined')], expectedRevision: 'no_stream' }])),
      ).toBe('STORAGE_FAILED');
      expect(await code(store.claimCommandId('cmd-1', 'member-d', 'fp'))).toBe('STORAGE_FAILED');
      // Reads too, even of what the store holds in memory: they would show a commit that may not survive.
      expect(await code(store.readAll({ maxCount: 10 }))).toBe('STORAGE_FAILED');
      expect(await code(store.readStream('member-a'))).toBe('STORAGE_FAILED');
      expect(await code(store.headPosition())).toBe('STORAGE_FAILED');
    } finally {
      await store.close();
    }
    // The commit whose sync failed reached the WAL here (on a real failure, whether it survives is unknown); nothing after it was written.
    const reopened = new SqliteEventStore(file);
    try {
      expect((await reopened.readAll({ maxCount: 10 })).map((e) => `${e.streamName} ${e.type}`)).toEqual([
        'member-a MemberJoined',
        'member-a MemberLeft',
      ]);
    } finally {
      await reopened.close();
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
