import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/ledger-config.js';
import { linesOf } from '../imports/import-lines.js';
import { csvRecords, type ImportFormat, ImportRefused, ndjsonRecords } from '../imports/import-records.js';
import { type LineError, LedgerImport } from '../imports/ledger-import.js';
import { createEventStore, createMemberKeys } from '../infrastructure.module.js';
import { PersonClaims } from '../membership/person-claims.js';
import { PersonIdentity } from '../personal-data/person-identity.js';
import { systemClock } from '../shared/clock.js';
import { ProgressBar } from './progress.js';

export const IMPORT_USAGE = `ledger import <file> [--format ndjson|csv] [--errors <file>] [--json]

Imports a file of commands (contract section 9) straight into the ledger's store (embedded store
in LEDGER_DATA_DIR, default ./data, or EventStoreDB when EVENTSTORE_CONNECTION_STRING is set),
with a progress bar on stderr (lines, rate, ETA). NDJSON: one JSON command a line. CSV: a header
row of field names or their Chinese headers (README), then one command a row. --format defaults
from the extension (.csv is CSV, anything else NDJSON).
Every line is applied in order under the API's rules; a bad line is reported with its number and
code and the others go on. A line without commandId gets one derived from its content, so running
the same file again records nothing new, and a run cut short (even by kill -9) is finished by
running it again. A running service picks the new events up within a second.
--errors  also write every error as one JSON line to this file (the summary lists the first 1,000)
--json    print the answer as one line of JSON:
          { accepted, duplicates, rejected, errors, errorsOmitted, position, recordedAt, seconds, linesPerSecond, peakRssMiB }
Exit status: 0 when every line was recorded or a duplicate, 1 when some were rejected, 2 on bad usage.`;

const MAX_PRINTED_ERRORS = 20;

/** `ledger import <file>`: the bulk import, run against the store directly. */
export async function importCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      errors: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${IMPORT_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new ConfigError('give one file to import: ledger import <file>');
  const file = resolve(positionals[0]);
  if (!existsSync(file) || !statSync(file).isFile()) throw new ConfigError(`no such file: ${file}`);
  const format = (values.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson')) as ImportFormat;
  if (format !== 'csv' && format !== 'ndjson') throw new ConfigError(`--format must be ndjson or csv, not "${values.format}"`);
  const size = statSync(file).size;
  if (size === 0) throw new ConfigError(`${file} is empty: nothing to import`);

  const config = loadConfig();
  const store = createEventStore(config, systemClock);
  const keys = createMemberKeys(config, systemClock);
  const errorsOut = values.errors === undefined ? undefined : createWriteStream(resolve(values.errors));
  const started = Date.now();
  const bar = new ProgressBar('import');
  let bytesRead = 0;
  let lines = 0;
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  // Counted as the import pulls them (a 'data' listener would read the whole file ahead).
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      yield chunk;
    }
  }
  try {
    const rawLines = linesOf(counted());
    const records = format === 'csv' ? csvRecords(rawLines) : ndjsonRecords(rawLines);
    const operator = `ledger import (${userInfo().username})`;
    const answer = await new LedgerImport({
      store,
      keys,
      identity: new PersonIdentity(config.personHashKey),
      claims: new PersonClaims(store),
      clock: systemClock,
    }).run(records, {
      caller: {
        principal: { sub: operator, role: 'provincial-admin' },
        actor: operator,
        correlationId: `import-${randomUUID()}`,
      },
      onError: (error: LineError) => errorsOut?.write(`${JSON.stringify(error)}\n`),
      onProgress: (p) => {
        lines = p.lines;
        // The bar and ETA by bytes read (the file's line count is known only at its end), the rate in lines.
        bar.update(bytesRead, size, 'bytes', { count: p.lines, unit: 'lines' });
      },
    });
    const seconds = (Date.now() - started) / 1000;
    bar.done(
      `${answer.accepted.toLocaleString('en')} accepted, ${answer.duplicates.toLocaleString('en')} duplicates, ` +
        `${answer.rejected.toLocaleString('en')} rejected in ${seconds.toFixed(1)} s`,
    );
    if (values.json)
      process.stdout.write(
        `${JSON.stringify({
          ...answer,
          seconds,
          linesPerSecond: Math.round(lines / Math.max(seconds, 1e-3)),
          peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        })}\n`,
      );
    else {
      for (const e of answer.errors.slice(0, MAX_PRINTED_ERRORS))
        process.stdout.write(`line ${e.line}: ${e.code}: ${e.message}\n`);
      const more = answer.rejected - Math.min(answer.errors.length, MAX_PRINTED_ERRORS);
      if (more > 0)
        process.stdout.write(
          `… and ${more.toLocaleString('en')} more${values.errors ? ` (all in ${values.errors})` : ' (--errors <file> lists them all)'}\n`,
        );
      process.stdout.write(`position ${answer.position ?? '-'}, recorded at ${answer.recordedAt ?? '-'}\n`);
    }
    return answer.rejected > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof ImportRefused) throw new ConfigError(`${error.code}: ${error.message} ${JSON.stringify(error.details)}`);
    throw error;
  } finally {
    input.destroy();
    await new Promise<void>((done) => (errorsOut ? errorsOut.end(done) : done()));
    await store.close();
    await keys.close();
  }
}
