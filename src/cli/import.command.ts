import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { ConfigError, type LedgerConfig, loadConfig } from '../config/ledger-config.js';
import { openEventStore, openMemberKeys } from '../event-store/event-store-at.js';
import { answerWrite, StoreBatchWriter } from '../imports/batch-writer.js';
import { systemClock } from '../shared/clock.js';
import type { ImportFormat } from '../imports/import-records.js';
import type { ImportAnswer, LineError } from '../imports/ledger-import.js';
import type { ImportJob, ImportWorkerMessage } from './import.worker.js';
import { ProgressBar } from './progress.js';

export const IMPORT_USAGE = `ledger import <file> [--format ndjson|csv] [--errors <file>] [--max-memory 1024] [--json]

Imports a file of commands (contract section 9) straight into the ledger's store (embedded store
in LEDGER_DATA_DIR, default ./data, or EventStoreDB when EVENTSTORE_CONNECTION_STRING is set),
with a progress bar on stderr (lines, rate, ETA). NDJSON: one JSON command a line. CSV: a header
row of field names or their Chinese headers (README), then one command a row. --format defaults
from the extension (.csv is CSV, anything else NDJSON).
Every line is applied in order under the API's rules; a bad line is reported with its number,
code and message, and the details the API gives for the same refusal (each bad field and why, the
memberId and parkId a person already holds, …), and the others go on. A line without commandId
gets one derived from its content, so running the same file again records nothing new, and a run
cut short (even by kill -9) is finished by running it again. A running service picks the new
events up within a second.
--errors  also write every error as one JSON line to this file (the summary lists the first 1,000)
--max-memory  the process's memory budget in MiB (default 1024: a province of 1.5 million members peaks at ~830);
          past it the import stops with exit 1, every batch written so far kept: run it again with more
--json    print the answer as one line of JSON:
          { accepted, duplicates, rejected, errors, errorsOmitted, position, recordedAt, seconds, linesPerSecond, peakRssMiB }
Exit status: 0 when every line was recorded or a duplicate, 1 when some were rejected, 2 on bad usage.`;

const MAX_PRINTED_ERRORS = 20;
/** The whole process's memory budget by default: a province of 1.5 million members with room to spare. */
const DEFAULT_MAX_MEMORY_MIB = 1024;
/**
 * The log's page cache during an import: the (stream, revision) and commandId indexes take
 * keys in random order, and a province's outgrow the store's default 64 MiB (measured on the
 * 1.5 M-member province: 3,556 lines/s instead of 3,212, +24 % over its first 600,000 lines).
 */
const IMPORT_CACHE_MIB = 256;
/**
 * What the process needs beside the worker's heap: code, buffers, this thread's heap (the batch
 * being written) and SQLite's caches (~190 MiB, and the writer's import cache), and the import's
 * tables of members and persons, kept outside the heap (~250 MiB for a province of 1.5 million
 * members).
 */
const NON_HEAP_MIB = 448 + IMPORT_CACHE_MIB;
/** The smallest budget: a heap of 192 MiB. */
const MIN_MAX_MEMORY_MIB = NON_HEAP_MIB + 192;

/** `ledger import <file>`: the bulk import, run against the store directly. */
export async function importCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      errors: { type: 'string' },
      'max-memory': { type: 'string' },
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
  if (!existsSync(file)) throw new ConfigError(`no such file: ${file}`);
  if (statSync(file).isDirectory()) throw new ConfigError(`${file} is a directory: give the file to import`);
  const format = (values.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson')) as ImportFormat;
  if (format !== 'csv' && format !== 'ndjson') throw new ConfigError(`--format must be ndjson or csv, not "${values.format}"`);
  const size = statSync(file).size;
  if (size === 0) throw new ConfigError(`${file} is empty: nothing to import`);

  const maxMemory = values['max-memory'] === undefined ? DEFAULT_MAX_MEMORY_MIB : Number(values['max-memory']);
  if (!Number.isInteger(maxMemory) || maxMemory < MIN_MAX_MEMORY_MIB)
    throw new ConfigError(
      `--max-memory must be a whole number of MiB, at least ${MIN_MAX_MEMORY_MIB}, not "${values['max-memory']}"`,
    );

  const started = Date.now();
  const bar = new ProgressBar('import');
  let lines = 0;
  // On the embedded store this thread writes the batches while the worker decides the next one.
  const config = loadConfig(process.env, { createTokenSigningKey: false });
  // A mistyped LEDGER_DATA_DIR would otherwise fill a new ledger unnoticed.
  if (config.eventStoreConnectionString === undefined && !existsSync(join(config.dataDir, 'events.sqlite')))
    process.stderr.write(`ledger import: no ledger in ${config.dataDir} yet: a new one is created there\n`);
  const writer = config.eventStoreConnectionString === undefined ? await openWriter(config) : undefined;
  const job: ImportJob = {
    file,
    format,
    errorsPath: values.errors === undefined ? undefined : resolve(values.errors),
    cacheMiB: IMPORT_CACHE_MIB,
    writesElsewhere: writer !== undefined,
  };
  try {
    // The import runs in a worker whose heap is bounded, so that the whole process stays within
    // --max-memory (V8 would otherwise let its heap grow far past what the import keeps alive).
    const answer = await new Promise<ImportAnswer>((done, fail) => {
      const worker = new Worker(new URL('./import.worker.js', import.meta.url), {
        workerData: job,
        resourceLimits: { maxOldGenerationSizeMb: maxMemory - NON_HEAP_MIB },
      });
      worker.on('message', (m: ImportWorkerMessage) => {
        if (m.kind === 'progress') {
          lines = m.lines;
          // The bar and ETA by bytes read (the file's line count is known only at its end), the rate in lines.
          bar.update(m.bytes, size, 'bytes', { count: m.lines, unit: 'lines' });
        } else if (m.kind === 'write' && writer) {
          answerWrite(m, writer.batches, (reply) => worker.postMessage(reply));
        } else if (m.kind === 'done') {
          done(m.answer);
          // Its store and files are closed before it answers.
          void worker.terminate();
        } else if (m.kind === 'refused') fail(new ConfigError(m.message));
        else if (m.kind === 'failed') fail(new Error(m.message));
      });
      worker.on('error', (error: Error & { code?: string }) =>
        fail(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new ImportOutOfMemory(
                `the import needed more than --max-memory ${maxMemory} MiB; every batch written so far stays recorded: run it again with a larger --max-memory to finish`,
              )
            : error,
        ),
      );
      worker.on('exit', (code) => fail(new Error(`the import worker stopped (exit ${code}) before answering`)));
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
      for (const e of answer.errors.slice(0, MAX_PRINTED_ERRORS)) process.stdout.write(`${errorLine(e)}\n`);
      const more = answer.rejected - Math.min(answer.errors.length, MAX_PRINTED_ERRORS);
      if (more > 0)
        process.stdout.write(
          `… and ${more.toLocaleString('en')} more${values.errors ? ` (all in ${values.errors})` : ' (--errors <file> lists them all)'}\n`,
        );
      process.stdout.write(
        answer.recordedAt === null
          ? `nothing new recorded; the log ends at position ${answer.position ?? '0'}\n`
          : `recorded up to position ${answer.position}, last at ${answer.recordedAt}\n`,
      );
    }
    return answer.rejected > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof ImportOutOfMemory)) throw error;
    process.stderr.write(`\nledger import: ${error.message}\n`);
    return 1;
  } finally {
    await writer?.close();
  }
}

/**
 * One refused line as printed: its number, code and message, then the refusal's details (the
 * existing memberId and parkId of PERSON_ALREADY_MEMBER, …) unless the message already names
 * them, as VALIDATION_FAILED's names each bad field.
 */
export function errorLine(e: LineError): string {
  const details = e.details === undefined || e.code === 'VALIDATION_FAILED' ? '' : ` ${JSON.stringify(e.details)}`;
  return `line ${e.line}: ${e.code}: ${e.message}${details}`;
}

/** This thread's writer of the worker's batches, with its own connections to the log (and its large cache) and the key file. */
async function openWriter(config: LedgerConfig) {
  const store = await openEventStore(config, systemClock, { cacheMiB: IMPORT_CACHE_MIB });
  const keys = await openMemberKeys(config, systemClock);
  return {
    batches: new StoreBatchWriter(store, keys),
    close: async () => {
      await store.close();
      await keys.close();
    },
  };
}

class ImportOutOfMemory extends Error {}
