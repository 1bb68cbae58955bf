import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class ServiceLockError extends Error {}

// Held for the life of the process: a collected connection would drop the lock.
const held = new Set<Database.Database>();

/**
 * One service per data directory. The service keeps the figures in memory, fed by what it
 * projects itself, and is the only writer of `read-models.sqlite`: a second service on the same
 * directory would answer figures missing the other's events.
 *
 * The lock is SQLite's exclusive lock on `service.lock.sqlite`, an empty file: the kernel drops
 * it the moment the holder dies (kill -9, a crash), even while the dead process waits to be
 * reaped, so no stale lock survives and no reused pid is mistaken for a live service. The pid
 * goes to `service.lock` so that a refused start can name the holder. Returns the release, which
 * also runs when the process exits.
 */
export function takeServiceLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const pidFile = join(dataDir, 'service.lock');
  const lock = new Database(join(dataDir, 'service.lock.sqlite'), { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    const holder = readHolder(pidFile);
    throw new ServiceLockError(
      `another ledger service (pid ${holder ?? 'unknown'}) runs on ${dataDir}: one service per data directory.`,
    );
  }
  held.add(lock);
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o600 });
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      if (readHolder(pidFile) === String(process.pid)) unlinkSync(pidFile);
    } catch {
      // Gone already: nothing to remove.
    }
    held.delete(lock);
    lock.close();
  };
  process.once('exit', release);
  return release;
}

function readHolder(pidFile: string): string | undefined {
  try {
    return readFileSync(pidFile, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
