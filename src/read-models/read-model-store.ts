import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const READ_MODEL_DB = Symbol('ReadModelDb');

/** The read models' own SQLite file, beside (not inside) the event log, whichever store runs. */
export function openReadModelDb(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
    projection TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    position   TEXT NOT NULL
  ) WITHOUT ROWID`);
  return db;
}
