import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
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
