import type Database from 'better-sqlite3';
import { openSqliteFile } from '../shared/sqlite-file.js';

export const READ_MODEL_DB = Symbol('ReadModelDb');

/** The read models' own SQLite file, beside (not inside) the event log, whichever store runs. */
export function openReadModelDb(file: string): Database.Database {
  const db = openSqliteFile(file, 'NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
    projection TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    position   TEXT NOT NULL
  ) WITHOUT ROWID`);
  return db;
}
