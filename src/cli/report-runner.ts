import 'reflect-metadata';
import type { GroupBy } from '../../projections/figures/figures-index.js';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule, QueryBus } from '@nestjs/cqrs';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { AuthModule } from '../auth/auth.module.js';
import type { Caller } from '../auth/principal.js';
import { ConfigError, loadConfig } from '../config/ledger-config.js';
import { createLogger, PinoNestLogger } from '../http/logging.js';
import { InfrastructureModule, type InfrastructureOptions } from '../infrastructure.module.js';
import { FIGURES_SUMMARISED, READ_WAIT_MS } from '../read-models/figures/figures-read-model.js';
import { openReadModelDb, READ_MODEL_DB } from '../read-models/read-model-store.js';
import { toCsv } from '../reporting/exports/csv.js';
import {
  changesTable,
  type ExportLang,
  figuresTable,
  type ReportTable,
  statementTable,
} from '../reporting/exports/report-table.js';
import { ExplainChanges } from '../reporting/explain-changes/explain-changes.query.js';
import { toTextTable } from '../reporting/exports/text-table.js';
import { toXlsx } from '../reporting/exports/xlsx.js';
import { GetFigures } from '../reporting/get-figures/get-figures.query.js';
import { GetStatement } from '../reporting/get-statement/get-statement.query.js';
import { ReportingModule } from '../reporting/reporting.module.js';

/** How the CLI writes a report: an aligned text table, CSV, a workbook, or the JSON answer. */
export type OutputFormat = 'table' | 'csv' | 'xlsx' | 'json';

/** What the command asks, checked: the query's parameters and how to write the answer. */
export type ReportAsk = (
  | { readonly report: 'figures'; readonly asOf: string; readonly groupBy?: GroupBy; readonly knownAt?: string }
  | { readonly report: 'statement'; readonly from: string; readonly to: string; readonly knownAt?: string }
  | { readonly report: 'changes'; readonly asOf: string; readonly since: string; readonly until?: string }
) & {
  readonly scope: string;
  readonly format: OutputFormat;
  readonly lang: ExportLang;
};

/** A query's answer, its table, and the instant it is known at (a workbook's creation date). */
interface Answered {
  readonly view: object;
  readonly table: () => ReportTable;
  readonly createdAt: string;
}

/** Runs the report's query on the ledger in LEDGER_DATA_DIR and renders the answer as asked. */
export async function answerReport(ask: ReportAsk, caller: Caller): Promise<string | Buffer> {
  const { view, table, createdAt } = await withLedger(async (queries): Promise<Answered> => {
    if (ask.report === 'changes') {
      const view = await queries.execute(ExplainChanges.wholeWindow(ask.scope, ask.asOf, ask.since, ask.until, caller));
      return { view, table: () => changesTable(view, ask.lang), createdAt: view.until };
    }
    if (ask.report === 'figures') {
      const view = await queries.execute(new GetFigures(ask.scope, ask.asOf, ask.knownAt, ask.groupBy, caller));
      return { view, table: () => figuresTable(view, ask.groupBy, ask.lang), createdAt: view.knownAt };
    }
    const view = await queries.execute(new GetStatement(ask.scope, ask.from, ask.to, ask.knownAt, caller));
    return { view, table: () => statementTable(view, ask.lang), createdAt: view.knownAt };
  });
  switch (ask.format) {
    case 'json':
      return `${JSON.stringify(view, null, 2)}\n`;
    case 'csv':
      return toCsv(table());
    case 'table':
      return toTextTable(table());
    case 'xlsx':
      return toXlsx(table(), new Date(createdAt));
  }
}

/**
 * The read side of the ledger, booted without HTTP: the same query handlers, scope checks and
 * figures read model as the service. The read models are loaded from a private copy (a temporary
 * file), caught up with the log there and dropped: the service stays the only writer of read-models.sqlite (its
 * in-memory figures would miss events another process applied to the file).
 */
async function withLedger<T>(run: (queries: QueryBus) => Promise<T>): Promise<T> {
  const dataDir = resolve(process.env.LEDGER_DATA_DIR ?? './data');
  if (process.env.EVENTSTORE_CONNECTION_STRING === undefined && !existsSync(join(dataDir, 'events.sqlite')))
    throw new ConfigError(`no ledger in ${dataDir} (events.sqlite not found); set LEDGER_DATA_DIR`);
  const config = loadConfig(process.env, { createTokenSigningKey: false });
  // stdout carries the report: logs go to stderr, warnings and worse unless LOG_LEVEL says otherwise.
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn', pino.destination({ dest: 2, sync: true }));
  const scratch = scratchFolder();
  try {
    const app = await NestFactory.createApplicationContext(ReportsCliModule.forRoot({ config, logger }, scratch), {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    try {
      return await run(app.get(QueryBus));
    } finally {
      await app.close();
    }
  } finally {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

/** A folder of its own in the system's temporary folder, or none where that cannot be made. */
function scratchFolder(): string | undefined {
  try {
    return mkdtempSync(join(tmpdir(), 'ledger-report-'));
  } catch {
    return undefined;
  }
}

/**
 * A private copy of the read models (empty when the service never ran: then built from the log).
 * SQLite's VACUUM INTO writes only the live pages to a temporary file (~1 s for a province's
 * ~260 MiB); the file itself also holds the free pages of dropped builds (~500 MiB), which an
 * in-memory copy held twice over (peak RSS ~1.4 GiB). Where the temporary folder cannot take the
 * copy, it is made in memory as before.
 */
export function readModelCopy(file: string, scratch: string | undefined): Database.Database {
  if (!existsSync(file)) return openReadModelDb(':memory:');
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (scratch !== undefined) {
      const copy = join(scratch, 'read-models.sqlite');
      try {
        source.prepare('VACUUM INTO ?').run(copy);
        return openReadModelDb(copy);
      } catch {
        rmSync(copy, { force: true });
      }
    }
    const image = source.serialize();
    // Header bytes 18-19 say "WAL" (2); an in-memory database cannot open in WAL mode, so mark it rollback-journal (1).
    image[18] = image[19] = 1;
    return new Database(image);
  } finally {
    source.close();
  }
}

const isReadModelDb = (p: Provider) => typeof p === 'object' && 'provide' in p && p.provide === READ_MODEL_DB;

/** The reporting slices over the service's infrastructure, with the read models in memory. */
@Module({})
class ReportsCliModule {
  static forRoot(options: InfrastructureOptions, scratch: string | undefined): DynamicModule {
    const infrastructure = InfrastructureModule.forRoot(options);
    const readModels: Provider = {
      provide: READ_MODEL_DB,
      useFactory: () => readModelCopy(join(options.config.dataDir, 'read-models.sqlite'), scratch),
    };
    // One run, one answer: the CLI waits for its figures however long a province takes to load
    // (~10 s at 1.5 million members), where the service answers 503 and its client tries again.
    const noDeadline: Provider = { provide: READ_WAIT_MS, useValue: Number.POSITIVE_INFINITY };
    // One question: the figures' rows are scanned for it, with no summary nodes built to answer many fast.
    const rowsOnly: Provider = { provide: FIGURES_SUMMARISED, useValue: false };
    return {
      module: ReportsCliModule,
      imports: [
        CqrsModule.forRoot(),
        {
          ...infrastructure,
          providers: [...(infrastructure.providers ?? []).map((p) => (isReadModelDb(p) ? readModels : p)), noDeadline, rowsOnly],
        },
        AuthModule.forRoot(options.config),
        ReportingModule,
      ],
    };
  }
}
