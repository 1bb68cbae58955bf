import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/ledger-config.js';
import {
  IMPORT_COMMANDS,
  MAX_MEMBERS,
  MIN_MEMBERS,
  PROVINCE_DEFAULTS,
  type ProvinceOptions,
  provinceOptionsProblem,
  type ProvinceSummary,
  syntheticProvince,
} from '../synthetic-province/synthetic-province.js';
import { ProgressBar } from './progress.js';

export const GENERATE_USAGE = `ledger generate --members <n> --out <file.ndjson> [--seed ${PROVINCE_DEFAULTS.seed}] [--years ${PROVINCE_DEFAULTS.years}] [--end-date ${PROVINCE_DEFAULTS.endDate}] [--json]

Writes a seeded synthetic province as import commands, one JSON command a line (the contract's
section 9 format, no commandId): 11 cities, 94 parks (11 national), an enterprise per 100 member
ids with headcounts and unions, an opening membership joined in the 8 years before the window,
then --years years to --end-date of joins, rejoins, transfers within and between parks, category
changes, leaves and closures. Every line is valid under the ledger's rules when the lines are
applied in order. The same options always write the same bytes.
--members  member ids in the file (${MIN_MEMBERS} to ${MAX_MEMBERS.toLocaleString('en')}); most (about 95 %) are members at the end date
--seed     0 to 4294967295 (default ${PROVINCE_DEFAULTS.seed})
--years    years simulated day by day, 1 to 40 (default ${PROVINCE_DEFAULTS.years})
--end-date the last effective date (default ${PROVINCE_DEFAULTS.endDate}); the ledger refuses dates after today
Progress goes to stderr; a one-line summary (commands of each kind, expected figures) to stdout,
or with --json one line of JSON. An interrupted run leaves <file>.partial, never a cut <file>.`;

/** Lines gathered before one write (characters). */
const CHUNK = 1 << 20;

const integer = (value: string, option: string): number => {
  if (!/^\d{1,10}$/.test(value)) throw new ConfigError(`${option} must be a whole number, not "${value}"`);
  return Number(value);
};

/** The options; node:util's parse errors come as one line (some of them span three). */
function parseOptions(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        members: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string', default: String(PROVINCE_DEFAULTS.seed) },
        years: { type: 'string', default: String(PROVINCE_DEFAULTS.years) },
        'end-date': { type: 'string', default: PROVINCE_DEFAULTS.endDate },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    if (!(error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) throw error;
    throw new ConfigError((error as Error).message.replace(/\s*\n\s*/g, ' '));
  }
}

/** `ledger generate`: a synthetic province written as an import file. */
export function generateCommand(args: readonly string[]): number {
  const { values } = parseOptions(args);
  if (values.help) {
    process.stdout.write(`${GENERATE_USAGE}\n`);
    return 0;
  }
  if (values.members === undefined) throw new ConfigError('--members is required');
  if (values.out === undefined || values.out === '') throw new ConfigError('--out is required');
  const options: ProvinceOptions = {
    members: integer(values.members, '--members'),
    seed: integer(values.seed!, '--seed'),
    years: integer(values.years!, '--years'),
    endDate: values['end-date']!,
  };
  const problem = provinceOptionsProblem(options);
  if (problem !== undefined) throw new ConfigError(problem);
  const out = resolve(values.out);
  if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory())
    throw new ConfigError(`--out: the directory ${dirname(out)} does not exist`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new ConfigError(`--out: ${out} is a directory`);

  const started = Date.now();
  const partial = `${out}.partial`;
  const summary = writeProvince(options, partial);
  renameSync(partial, out);
  const bytes = statSync(out).size;
  const seconds = (Date.now() - started) / 1000;
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ file: out, bytes, seconds, peakRssMiB, ...summary })}\n`
      : `${summaryLine(summary, out, bytes, seconds, peakRssMiB)}\n`,
  );
  return 0;
}

/** Streams the province to `file` in chunks, with a progress bar on stderr; removes the file if that fails. */
function writeProvince(options: ProvinceOptions, file: string): ProvinceSummary {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'w');
  } catch (error) {
    throw new ConfigError(`--out: cannot write ${file}: ${(error as Error).message}`);
  }
  try {
    const province = syntheticProvince(options);
    const bar = new ProgressBar('generate');
    const commands = province.commands();
    let chunk: string[] = [];
    let size = 0;
    let lines = 0;
    let next = commands.next();
    for (; !next.done; next = commands.next()) {
      const line = `${JSON.stringify(next.value)}\n`;
      chunk.push(line);
      size += line.length;
      if (size >= CHUNK) {
        writeAll(fd, chunk.join(''));
        chunk = [];
        size = 0;
      }
      if (++lines % 16_384 === 0) bar.update(lines, province.progress().estimatedLines, 'lines');
    }
    writeAll(fd, chunk.join(''));
    closeSync(fd);
    fd = undefined;
    bar.done(`${lines.toLocaleString('en')} lines`);
    return next.value;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(file, { force: true });
    const code = (error as { code?: string }).code;
    if (code !== undefined && /^E[A-Z]+$/.test(code)) throw new ConfigError(`cannot write ${file}: ${(error as Error).message}`);
    throw error;
  }
}

/** writeSync may write less than asked: loop until every byte is out. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
}

function summaryLine(s: ProvinceSummary, file: string, bytes: number, seconds: number, peakRssMiB: number): string {
  const n = (x: number) => x.toLocaleString('en');
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)} %`);
  const e = s.expected;
  return (
    `generate: ${n(s.lines)} commands (${IMPORT_COMMANDS.map((c) => `${c} ${n(s.counts[c])}`).join(', ')}) ` +
    `in ${seconds.toFixed(1)} s, ${n(bytes)} bytes to ${file}, peak RSS ${peakRssMiB} MiB; ` +
    `as of ${e.asOf}: ${n(e.members)} members of ${n(s.memberIds)} member ids, ${n(e.enterprises)} enterprises ` +
    `(${pct(e.unionEstablishmentRate)} with a union), membership rate ${pct(e.membershipRate)}, ${e.parks} parks`
  );
}
