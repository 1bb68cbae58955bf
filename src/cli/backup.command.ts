import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/ledger-config.js';

export const BACKUP_USAGE = `ledger backup --out <new dir> [--json]

Copies the ledger in LEDGER_DATA_DIR (default ./data) to a new directory, safely while the service
or an import runs: the event log (events.sqlite) and the member keys (member-keys.sqlite), each as
one consistent snapshot of its committed transactions (SQLite's VACUUM INTO: live pages only, so
erased keys' bytes are not carried), then the key files (person-hash.key, token-signing.key) where
they are files. The read models are left out: a service started on the copy rebuilds them from the
log. Restore: start the service with LEDGER_DATA_DIR=<the copy> (or copy its files into a new data
dir). The log is copied before the keys, so every name in the copied log has its key in the copy.
--json prints what was written as one JSON object.`;

/** The files a backup copies, in this order (keys after the log: a key is written before any event that uses it). */
const DATABASES = ['events.sqlite', 'member-keys.sqlite'] as const;
const KEY_FILES = ['person-hash.key', 'token-signing.key'] as const;

/** `ledger backup`: a consistent copy of the embedded ledger, taken while it may be in use. */
export function backupCommand(args: readonly string[]): number {
  const { values } = parseArgs({
    args: [...args],
    options: { out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${BACKUP_USAGE}\n`);
    return 0;
  }
  if (!values.out) throw new ConfigError('--out <new dir> is required');
  if (process.env.EVENTSTORE_CONNECTION_STRING !== undefined)
    throw new ConfigError(
      'the log is in EventStoreDB (EVENTSTORE_CONNECTION_STRING is set): back it up with EventStoreDB’s own backup, which holds the member keys too, and keep person-hash.key apart',
    );
  const dataDir = resolve(process.env.LEDGER_DATA_DIR ?? './data');
  if (!existsSync(join(dataDir, 'events.sqlite')))
    throw new ConfigError(`no ledger in ${dataDir} (events.sqlite not found); set LEDGER_DATA_DIR`);
  const out = resolve(values.out);
  if (out === dataDir) throw new ConfigError('--out must be a new directory, not the data dir itself');
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0))
    throw new ConfigError(`--out: ${out} already exists and is not an empty directory; name a new one`);

  const started = Date.now();
  mkdirSync(out, { recursive: true });
  const written: Array<{ file: string; bytes: number }> = [];
  let events = 0;
  let position: number | null = null;
  try {
    for (const name of DATABASES) {
      const source = join(dataDir, name);
      if (!existsSync(source)) continue;
      if (!values.json) process.stderr.write(`ledger backup: copying ${name}…\n`);
      const target = join(out, name);
      const db = new Database(source, { readonly: true, fileMustExist: true });
      try {
        // One read transaction: the copy holds exactly the transactions committed when it began.
        db.prepare('VACUUM INTO ?').run(target);
      } finally {
        db.close();
      }
      const copy = new Database(target, { readonly: true });
      try {
        const check = copy.pragma('quick_check', { simple: true });
        if (check !== 'ok')
          throw Object.assign(new Error(`the copy of ${name} fails SQLite's quick_check: ${String(check)}`), {
            code: 'LEDGER_BACKUP_FAILED',
          });
        if (name === 'events.sqlite') {
          const head = copy.prepare('SELECT COUNT(*) AS n, MAX(position) AS p FROM events').get() as {
            n: number;
            p: number | null;
          };
          events = head.n;
          position = head.p;
        }
      } finally {
        copy.close();
      }
      // The copy is as private as what it copies (member keys, person hashes).
      chmodSync(target, statSync(source).mode & 0o777);
      written.push({ file: name, bytes: statSync(target).size });
    }
    for (const name of KEY_FILES) {
      const source = join(dataDir, name);
      if (!existsSync(source)) continue;
      copyFileSync(source, join(out, name));
      chmodSync(join(out, name), 0o600);
      written.push({ file: name, bytes: statSync(source).size });
    }
  } catch (error) {
    // Half a backup is worse than none: it would restore as a ledger missing facts or keys.
    rmSync(out, { recursive: true, force: true });
    throw error;
  }
  const seconds = (Date.now() - started) / 1000;
  const missingKeys = KEY_FILES.filter((k) => !written.some((w) => w.file === k));
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ out, events, position: position === null ? null : String(position), files: written, seconds })}\n`,
    );
    return 0;
  }
  const size = (bytes: number) => (bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`);
  process.stdout.write(
    [
      `ledger backup: wrote ${out} in ${seconds.toFixed(1)} s: ${events.toLocaleString('en-US')} events up to log position ${position ?? '-'}`,
      ...written.map((w) => `  ${w.file}  ${size(w.bytes)}`),
      ...missingKeys.map(
        (k) =>
          `  (no ${k} file in ${dataDir}: ${k === 'person-hash.key' ? 'LEDGER_PERSON_HASH_KEY' : 'LEDGER_TOKEN_SIGNING_KEY'} must be kept elsewhere, or the service has not started yet)`,
      ),
      `Restore: LEDGER_DATA_DIR=${out} npm start (the read models are rebuilt from the log).`,
    ].join('\n') + '\n',
  );
  return 0;
}
