import Database from 'better-sqlite3';
import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
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

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {
    this.wal = file !== ':memory:' && db.pragma('journal_mode', { simple: true }) === 'wal';
    db.pragma(`synchronous = ${this.wal ? 'NORMAL' : 'FULL'}`);
  }

  /** Makes every commit so far durable; resolves when the disk says so. */
  sync(): Promise<void> {
    if (!this.wal) return Promise.resolve();
    const fd = this.walFd();
    const done = new Promise<void>((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
    this.inFlight.add(done);
    const forget = () => this.inFlight.delete(done);
    done.then(forget, forget);
    return done;
  }

  /** `sync()` for the synchronous paths (fixtures). */
  syncNow(): void {
    if (this.wal) fdatasyncSync(this.walFd());
  }

  /** The WAL file, opened on the first sync (it exists once something was committed). */
  private walFd(): number {
    return (this.fd ??= openSync(`${this.file}-wal`, 'r'));
  }

  /** Resolves once no commit of this connection waits for its sync: what it reads now is durable. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Before the connection closes: waits for the syncs under way and syncs once more. */
  async close(): Promise<void> {
    await this.settled();
    if (this.fd !== undefined) {
      fdatasyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** The `runAll` of a group commit (group-commit.ts) on a database: one IMMEDIATE transaction, a savepoint per work. */
export function savepointsIn(db: Database.Database): (works: ReadonlyArray<() => unknown>) => Outcome[] {
  // A transaction function called inside another runs as a savepoint (better-sqlite3).
  const savepoint = db.transaction((work: () => unknown) => work());
  return db.transaction((works: ReadonlyArray<() => unknown>): Outcome[] =>
    works.map((work) => {
      try {
        return { ok: true, value: savepoint(work) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  ).immediate;
}
