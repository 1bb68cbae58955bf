import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class ServiceLockError extends Error {}

/**
 * One service per data directory. The service keeps the figures in memory, fed by what it
 * projects itself, and is the only writer of `read-models.sqlite`: a second service on the same
 * directory would answer figures missing the other's events. The lock is a file holding the
 * service's pid; a lock whose process is gone (kill -9, a power cut, a container's old pid) is
 * taken over. Returns the release, which also runs when the process exits.
 */
export function takeServiceLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'service.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readFileSync(file, 'utf8').trim();
      // An empty file is a service between creating its lock and writing its pid: held.
      if (holder === '' || (Number(holder) !== process.pid && running(Number(holder))))
        throw new ServiceLockError(
          `another ledger service (pid ${holder || 'unknown'}) runs on ${dataDir}: one service per data directory. ` +
            `If none does, delete ${file}.`,
        );
      unlinkSync(file);
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      try {
        if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
      } catch {
        // Gone already: nothing to release.
      }
    };
    process.once('exit', release);
    return release;
  }
  throw new ServiceLockError(`could not take ${file}: another service took it at the same moment`);
}

function running(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user holds that pid, alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
