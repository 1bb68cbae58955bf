import type Database from 'better-sqlite3';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommit } from '../../src/shared/group-commit.js';
import { openSqliteFile, savepointsIn, WalSync } from '../../src/shared/sqlite-file.js';

/*
 * Group commit with the sync done apart (WalSync): the ledger's SQLite files commit with
 * synchronous=NORMAL and sync the WAL in the thread pool, and nobody is answered before that sync.
 */
describe('group commit with a sync done apart', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-group-commit-'));
    db = openSqliteFile(join(dir, 'file.sqlite'), 'FULL');
    db.exec('CREATE TABLE t (v TEXT NOT NULL UNIQUE)');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (v: string) => () => db.prepare('INSERT INTO t (v) VALUES (?)').run(v).changes;
  const rows = () => db.prepare('SELECT v FROM t ORDER BY v').pluck().all();
  const settledState = async (p: Promise<unknown>) =>
    Promise.race([
      p.then(
        () => 'answered',
        () => 'refused',
      ),
      new Promise((r) => setTimeout(() => r('waiting'), 20)),
    ]);

  it('given writes of one turn, when their commit is not yet synced, then nobody is answered; when the sync ends, each is answered with its own outcome', async () => {
    let synced!: () => void;
    const group = new GroupCommit(
      savepointsIn(db, new WalSync(db, join(dir, 'file.sqlite'))),
      () => {},
      () => new Promise<void>((resolve) => (synced = resolve)),
    );
    const a = group.run(insert('a'));
    const dup = group.run(insert('a'));
    const b = group.run(insert('b'));
    expect(await settledState(a)).toBe('waiting');
    expect(rows()).toEqual(['a', 'b']);
    synced();
    const outcomes = await Promise.allSettled([a, dup, b]);
    // The reason is read by its message: better-sqlite3's errors come from outside jest's realm.
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : String((o.reason as Error).message)))).toEqual([
      1,
      expect.stringMatching(/UNIQUE/),
      1,
    ]);
  });

  it('given a commit, when its sync fails, then every caller of the group is refused with that error', async () => {
    const group = new GroupCommit(
      savepointsIn(db, new WalSync(db, join(dir, 'file.sqlite'))),
      () => {},
      () => Promise.reject(new Error('EIO: the disk said no')),
    );
    const results = await Promise.allSettled([group.run(insert('a')), group.run(insert('b'))]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'answered'))).toEqual([
      'EIO: the disk said no',
      'EIO: the disk said no',
    ]);
  });

  it('given a WAL file, when WalSync takes it, then commits are NORMAL and synced apart; settled() waits for a sync under way', async () => {
    const wal = new WalSync(db, join(dir, 'file.sqlite'));
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    const group = new GroupCommit(
      savepointsIn(db, wal),
      () => {},
      () => wal.sync(),
    );
    const order: string[] = [];
    const written = group.run(insert('a')).then(() => order.push('answered'));
    await new Promise((r) => setImmediate(r));
    await wal.settled().then(() => order.push('settled'));
    await written;
    expect(order).toEqual(['answered', 'settled']);
    await wal.close();
  });

  it('given a sync that fails once (simulated disk failure: fdatasync replaced), when more is committed and read, then everything is refused with STORAGE_FAILED and nothing more is written, though the disk would now sync', async () => {
    let failures = 1;
    const syncFile = ((fd: number, done: (error: NodeJS.ErrnoException | null) => void) =>
      failures-- > 0
        ? done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
        : fdatasync(fd, done)) as typeof fdatasync;
    const wal = new WalSync(db, join(dir, 'file.sqlite'), syncFile);
    const group = new GroupCommit(
      savepointsIn(db, wal),
      () => {},
      () => wal.sync(),
    );
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'answered',
        (e: { code?: string; message: string }) => e.code ?? e.message,
      );
    expect(await Promise.all([code(group.run(insert('a'))), code(group.run(insert('b')))])).toEqual([
      'STORAGE_FAILED',
      'STORAGE_FAILED',
    ]);
    // Later work is refused before any transaction begins, and so are reads that wait for syncs.
    expect(await code(group.run(insert('c')))).toBe('STORAGE_FAILED');
    expect(await code(wal.settled())).toBe('STORAGE_FAILED');
    expect(await code(wal.sync())).toBe('STORAGE_FAILED');
    expect(() => wal.syncNow()).toThrow(
      expect.objectContaining({ code: 'STORAGE_FAILED', message: expect.stringContaining('EIO') }),
    );
    expect(rows()).toEqual(['a', 'b']);
    await wal.close();
  });

  it('given an in-memory database, when WalSync takes it, then it stays FULL and its syncs do nothing', async () => {
    const memory = openSqliteFile(':memory:', 'FULL');
    try {
      const wal = new WalSync(memory, ':memory:');
      expect(memory.pragma('synchronous', { simple: true })).toBe(2); // FULL
      await expect(wal.sync()).resolves.toBeUndefined();
      await wal.close();
    } finally {
      memory.close();
    }
  });
});
