import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, loadConfig } from '../config/ledger-config.js';
import { type BatchPort, PortBatchWriter, type WriteRequest } from '../imports/batch-writer.js';
import { linesOf } from '../imports/import-lines.js';
import { csvRecords, type ImportFormat, ImportRefused, ndjsonRecords } from '../imports/import-records.js';
import { type ImportAnswer, type LineError, LedgerImport } from '../imports/ledger-import.js';
import { openEventStore, openMemberKeys } from '../event-store/event-store-at.js';
import { PersonClaims } from '../membership/person-claims.js';
import { PersonIdentity } from '../personal-data/person-identity.js';
import { systemClock } from '../shared/clock.js';

/** What `ledger import` hands its worker. */
export interface ImportJob {
  readonly file: string;
  readonly format: ImportFormat;
  readonly errorsPath?: string;
  /** The log's page cache, MiB. */
  readonly cacheMiB: number;
  /** Whether `ledger import` writes the batches in its own thread (the embedded store) while this one decides. */
  readonly writesElsewhere: boolean;
}

/** What the worker tells `ledger import`. */
export type ImportWorkerMessage =
  | { readonly kind: 'progress'; readonly bytes: number; readonly lines: number }
  | WriteRequest
  | { readonly kind: 'done'; readonly answer: ImportAnswer }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

/** The import itself, against the store of LEDGER_DATA_DIR (or EventStoreDB), run in the worker. */
async function runImport(job: ImportJob, tell: (m: ImportWorkerMessage) => void): Promise<ImportAnswer> {
  const config = loadConfig(process.env, { createTokenSigningKey: false });
  // When batches are written elsewhere, this thread's connection only reads: the store's default cache.
  const store = await openEventStore(config, systemClock, job.writesElsewhere ? {} : { cacheMiB: job.cacheMiB });
  const writer = job.writesElsewhere && parentPort ? new PortBatchWriter(parentPort as BatchPort) : undefined;
  const keys = await openMemberKeys(config, systemClock);
  const errorsOut = job.errorsPath === undefined ? undefined : createWriteStream(job.errorsPath);
  const input = createReadStream(job.file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  // Counted as the import pulls them (a 'data' listener would read the whole file ahead).
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  try {
    const rawLines = linesOf(counted());
    const records = job.format === 'csv' ? csvRecords(rawLines) : ndjsonRecords(rawLines);
    const operator = `ledger import (${userInfo().username})`;
    return await new LedgerImport({
      store,
      keys,
      identity: new PersonIdentity(config.personHashKey),
      claims: new PersonClaims(store),
      clock: systemClock,
      writer,
    }).run(records, {
      caller: {
        principal: { sub: operator, role: 'provincial-admin' },
        actor: operator,
        correlationId: `import-${randomUUID()}`,
      },
      onError: (error: LineError) => errorsOut?.write(`${JSON.stringify(error)}\n`),
      onProgress: (p) => tell({ kind: 'progress', bytes, lines: p.lines }),
    });
  } finally {
    writer?.close();
    input.destroy();
    await new Promise<void>((done) => (errorsOut ? errorsOut.end(done) : done()));
    await store.close();
    await keys.close();
  }
}

if (parentPort) {
  const port = parentPort;
  const tell = (m: ImportWorkerMessage) => port.postMessage(m);
  try {
    tell({ kind: 'done', answer: await runImport(workerData as ImportJob, tell) });
  } catch (error) {
    if (error instanceof ImportRefused)
      tell({
        kind: 'refused',
        message: `${error.code}: ${error.message}${error.details === undefined ? '' : ` ${JSON.stringify(error.details)}`}`,
      });
    else if (error instanceof ConfigError) tell({ kind: 'refused', message: error.message });
    else tell({ kind: 'failed', message: (error as Error).stack ?? String(error) });
  }
}
