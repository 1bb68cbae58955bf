import { randomUUID } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { GroupBy } from '../../projections/figures/figures-index.js';
import type { Caller } from '../auth/principal.js';
import { MAX_EXPORTED_CHANGES } from '../reporting/explain-changes/export-bound.js';
import { EXPORT_LANGS, type ExportLang } from '../reporting/exports/report-table.js';
import { SCOPE_EXAMPLE, SCOPE_PATTERN } from '../reporting/report-scope.js';
import { EARLIEST_DATE, isCalendarDate, parseInstant } from '../shared/dates.js';
import { DomainError } from '../shared/domain-error.js';
import type { OutputFormat, ReportAsk } from './report-runner.js';

const OUTPUT = `--format table (default, aligned text), csv (RFC 4180, UTF-8 with a BOM), xlsx (needs --out) or json
(the HTTP answer); --lang en (default) or zh for the headers (not with json); --out <file> writes there instead of stdout.
Reads LEDGER_DATA_DIR (default ./data) directly, with the same query as the HTTP route, as an auditor
would see it; the read models there are not written (the service may run meanwhile).`;

export const FIGURES_USAGE = `ledger figures --scope <scope> --as-of <YYYY-MM-DD> [--known-at <instant>] [--group-by city|park|category] [--format table|csv|xlsx|json] [--lang en|zh] [--out <file>]

The figures of a scope (${SCOPE_EXAMPLE}) at the end of --as-of,
as known at --known-at (an ISO 8601 instant with offset; default: everything recorded), as GET /figures answers them.
${OUTPUT}`;

export const STATEMENT_USAGE = `ledger statement --scope <scope> --from <YYYY-MM-DD> --to <YYYY-MM-DD> [--known-at <instant>] [--format table|csv|xlsx|json] [--lang en|zh] [--out <file>]

The movement statement of a scope over [--from, --to], as GET /statement answers it.
${OUTPUT}`;

export const CHANGES_USAGE = `ledger changes --scope <scope> --as-of <YYYY-MM-DD> --since <instant> [--until <instant>] [--format table|csv|xlsx|json] [--lang en|zh] [--out <file>]

Every fact and void recorded in (--since, --until] (ISO 8601 instants with offset; --until defaults to now) that
moved the figures of a scope as of --as-of, with its effect on each figure, as GET /figures/changes answers them:
the whole window at once (at most ${MAX_EXPORTED_CHANGES} changes), between the figures as known at --since and at --until.
${OUTPUT}`;

const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'csv', 'xlsx', 'json'];
const GROUP_BYS: readonly GroupBy[] = ['city', 'park', 'category'];

/** Query fields as the CLI spells them, for messages. */
const OPTION_OF: Record<string, string> = {
  scope: '--scope',
  asOf: '--as-of',
  from: '--from',
  to: '--to',
  knownAt: '--known-at',
  groupBy: '--group-by',
  since: '--since',
  until: '--until',
};

const COMMON_OPTIONS = {
  scope: { type: 'string' },
  'known-at': { type: 'string' },
  format: { type: 'string', default: 'table' },
  lang: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Bad input: one line on stderr, exit 2. */
class UsageError extends Error {}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === '') throw new UsageError(`${option} is required`);
  return value;
}

function date(value: string | undefined, option: string): string {
  const v = required(value, option);
  if (!isCalendarDate(v) || v < EARLIEST_DATE)
    throw new UsageError(`${option} must be a real calendar day YYYY-MM-DD from ${EARLIEST_DATE}`);
  return v;
}

/** The options every report shares, checked before anything is opened. */
function common(values: { scope?: string; 'known-at'?: string; format?: string; lang?: string; out?: string }) {
  const scope = required(values.scope, '--scope');
  if (!SCOPE_PATTERN.test(scope)) throw new UsageError(`--scope must be ${SCOPE_EXAMPLE}`);
  const knownAt = values['known-at'];
  if (knownAt !== undefined && !parseInstant(knownAt))
    throw new UsageError('--known-at must be an ISO 8601 instant with an offset, e.g. 2016-07-05T09:00:00Z');
  const format = values.format as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}`);
  const lang = (values.lang ?? 'en') as ExportLang;
  if (!EXPORT_LANGS.includes(lang)) throw new UsageError(`--lang must be one of ${EXPORT_LANGS.join(', ')}`);
  // As GET /figures refuses lang on a JSON answer: it would be passed over.
  if (format === 'json' && values.lang !== undefined)
    throw new UsageError("--lang sets the headers of table, csv and xlsx output; --format json keeps the contract's field names");
  if (format === 'xlsx' && !values.out)
    throw new UsageError('--format xlsx needs --out <file> (a workbook is not written to stdout)');
  return { scope, knownAt, format, lang };
}

/** `ledger figures`: GET /figures from the command line. */
export async function figuresCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { ...COMMON_OPTIONS, 'as-of': { type: 'string' }, 'group-by': { type: 'string' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${FIGURES_USAGE}\n`);
    return 0;
  }
  return report('figures', values.out, () => {
    const groupBy = values['group-by'] as GroupBy | undefined;
    if (groupBy !== undefined && !GROUP_BYS.includes(groupBy))
      throw new UsageError(`--group-by must be one of ${GROUP_BYS.join(', ')}`);
    return { report: 'figures', ...common(values), asOf: date(values['as-of'], '--as-of'), groupBy };
  });
}

/** `ledger statement`: GET /statement from the command line. */
export async function statementCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { ...COMMON_OPTIONS, from: { type: 'string' }, to: { type: 'string' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${STATEMENT_USAGE}\n`);
    return 0;
  }
  return report('statement', values.out, () => ({
    report: 'statement',
    ...common(values),
    from: date(values.from, '--from'),
    to: date(values.to, '--to'),
  }));
}

/** `ledger changes`: GET /figures/changes from the command line, every change of the window at once. */
export async function changesCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { ...COMMON_OPTIONS, 'as-of': { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${CHANGES_USAGE}\n`);
    return 0;
  }
  return report('changes', values.out, () => {
    // As GET /figures/changes refuses knownAt: the window runs from --since to --until.
    if (values['known-at'] !== undefined)
      throw new UsageError('--known-at does not apply to changes, which run from --since to --until');
    const instant = (value: string | undefined, option: string) => {
      if (value !== undefined && !parseInstant(value))
        throw new UsageError(`${option} must be an ISO 8601 instant with an offset, e.g. 2016-07-05T09:00:00Z`);
      return value;
    };
    const { knownAt: _none, ...rest } = common(values);
    return {
      report: 'changes',
      ...rest,
      asOf: date(values['as-of'], '--as-of'),
      since: instant(required(values.since, '--since'), '--since')!,
      until: instant(values.until, '--until'),
    };
  });
}

/** Refuses, before any work, an --out that names a directory or sits in a directory that does not exist. */
function writableOut(out: string): void {
  const path = resolve(out);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--out: ${path} is a directory; name a file`);
  if (!existsSync(dirname(path))) throw new UsageError(`--out: the directory ${dirname(path)} does not exist`);
}

/** Checks the options, runs the query on the ledger, writes the answer; bad input and refusals exit 2. */
async function report(command: string, out: string | undefined, parse: () => ReportAsk): Promise<number> {
  try {
    const ask = parse();
    if (out !== undefined) writableOut(out);
    const user = `cli:${userInfo().username}`;
    const caller: Caller = {
      principal: { sub: user, role: 'auditor' },
      actor: user,
      correlationId: randomUUID(),
      method: 'CLI',
      path: `ledger ${command}`,
    };
    // Nest, the read side and exceljs load only once the options are good: a usage error answers at once.
    const { answerReport } = await import('./report-runner.js');
    const body = await answerReport(ask, caller);
    if (out !== undefined) {
      try {
        writeFileSync(out, body);
      } catch (error) {
        throw new UsageError(`--out: cannot write ${resolve(out)} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      }
      process.stderr.write(`ledger ${command}: wrote ${resolve(out)}\n`);
    } else process.stdout.write(body);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`ledger ${command}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof DomainError) {
      const fields = Array.isArray(error.details)
        ? (error.details as Array<{ field: string; messages: string[] }>).map(
            (d) => `${OPTION_OF[d.field] ?? d.field}: ${d.messages.join('; ')}`,
          )
        : [];
      process.stderr.write(`ledger ${command}: ${[error.message, ...fields].join(': ')}\n`);
      return ['VALIDATION_FAILED', 'NOT_FOUND', 'FORBIDDEN'].includes(error.code) ? 2 : 1;
    }
    throw error;
  }
}
