import Database from 'better-sqlite3';
import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DomainError } from './domain-error.js';
import { type Outcome } from './group-commit.js';

/**
 * Opens (creating its folder) one of the ledger's SQLite files in WAL mode. FULL syncs every
 * commit (the event log, the member keys); NORMAL may lose the last commits on power loss, fine
 * for what can be rebuilt from the log (read models).
 */
export function openSqliteFile(file: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * Durable commits that do not stop the event loop for the disk. The connection runs with
 * synchronous=NORMAL, so a commit writes the WAL without syncing it, and `sync()` then does what
 * FULL would have done inside the commit (an fdatasync of the WAL file), in libuv's thread pool.
 * Nobody may hear of a commit, or read what it wrote through this connection, before its sync
 * has ended: callers are answered after `sync()`, readers wait for `settled()`. A file that is not
 * in WAL mode (`:memory:`) stays FULL and its syncs do nothing.
 */
export class WalSync {
  private fd: number | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly wal: boolean;
  private failure: StorageFailedError | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    /** The disk's sync (node:fs fdatasync); a test may give one that fails. */
    private readonly syncFile: typeof fdatasync = fdatasync,
  ) {
    this.wal = file !== ':memory:' && db.pragma('journal_mode', { simple: true }) === 'wal';
    db.pragma(`synchronous = ${this.wal ? 'NORMAL' : 'FULL'}`);
  }

  /** Makes every commit so far durable; resolves when the disk says so. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.wal) return Promise.resolve();
    const fd = this.walFd();
    const done = new Promise<void>((resolve, reject) =>
      this.syncFile(fd, (error) => (error ? reject((this.failure ??= new StorageFailedError(this.file, error))) : resolve())),
    );
    this.inFlight.add(done);
    const forget = () => this.inFlight.delete(done);
    done.then(forget, forget);
    return done;
  }

  /** `sync()` for the synchronous paths (fixtures). */
  syncNow(): void {
    this.check();
    if (this.wal) fdatasyncSync(this.walFd());
  }

  /** Throws once a sync has failed: nothing more may be written or read through this connection. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /** The WAL file, opened on the first sync (it exists once something was committed). */
  private walFd(): number {
    return (this.fd ??= openSync(`${this.file}-wal`, 'r'));
  }

  /** Resolves once no commit of this connection waits for its sync: what it reads now is durable. */
  async settled(): Promise<void> {
    await this.drained();
    this.check();
  }

  private async drained(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Before the connection closes: waits for the syncs under way and syncs once more (unless a sync failed). */
  async close(): Promise<void> {
    await this.drained();
    if (this.fd !== undefined) {
      if (!this.failure) fdatasyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/**
 * The disk refused to sync a commit. Whether that commit, or any before it, survives a crash is
 * unknown, and a later sync that succeeds does not say (the kernel may have dropped the pages it
 * could not write). So the connection stops: every later write and read through it fails with
 * this error until the process restarts and SQLite recovers the file from what the disk holds.
 */
export class StorageFailedError extends DomainError {
  constructor(file: string, cause: Error) {
    super(
      'STORAGE_FAILED',
      `the disk did not sync ${basename(file)} (${cause.message}): nothing more is written or read until the service restarts`,
    );
    this.name = 'StorageFailedError';
  }
}

/**
 * The `runAll` of a group commit (group-commit.ts) on a database: one IMMEDIATE transaction, a
 * savepoint per work; nothing at all once the file's `WalSync` has seen a sync fail.
 */
export function savepointsIn(db: Database.Database, wal: WalSync): (works: ReadonlyArray<() => unknown>) => Outcome[] {
  // A transaction function called inside another runs as a savepoint (better-sqlite3).
  const savepoint = db.transaction((work: () => unknown) => work());
  const all = db.transaction((works: ReadonlyArray<() => unknown>): Outcome[] =>
    works.map((work) => {
      try {
        return { ok: true, value: savepoint(work) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  ).immediate;
  return (works) => {
    wal.check();
    return all(works);
  };
}
