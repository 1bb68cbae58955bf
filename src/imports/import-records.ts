import { bodyShapeProblem } from '../http/body-parsing.js';
import { DomainError } from '../shared/domain-error.js';
import { MAX_LINE_BYTES, type RawLine } from './import-lines.js';

/**
 * One command of an import file as plain fields (the REST body plus `command`), or why the line
 * is unreadable. `hints`: per field, a message the reader adds if that field is refused (the
 * Chinese values a CSV cell may carry, when it carried another word).
 */
export type ImportRecord =
  | { readonly line: number; readonly fields: Record<string, unknown>; readonly hints?: FieldHints }
  | { readonly line: number; readonly error: LineProblem };

export type FieldHints = Readonly<Record<string, string>>;

export interface LineProblem {
  readonly code: string;
  readonly message: string;
  /** What the API's refusal carries beside its message: each bad field and why, or the rule's facts. */
  readonly details?: Record<string, unknown> | readonly unknown[];
}

/** One bad field and why, as the API's VALIDATION_FAILED details list them (`to.enterpriseId`). */
export interface FieldProblem {
  readonly field: string;
  readonly messages: readonly string[];
}

/**
 * A refusal as an import line reports it: the API's code and details, and a message that says
 * on its own what is wrong (an error file or a terminal shows no details): for VALIDATION_FAILED,
 * the API's message followed by every field's problems.
 */
export function lineProblemOf(error: DomainError): LineProblem {
  const { code, message, details } = error;
  const problems = code === 'VALIDATION_FAILED' && Array.isArray(details) ? (details as FieldProblem[]) : [];
  return {
    code,
    message: problems.length > 0 ? `${message}: ${problemsText(problems)}` : message,
    ...(details !== undefined ? { details } : {}),
  };
}

/** VALIDATION_FAILED for these fields, as the API answers it. */
export const invalidLine = (problems: readonly FieldProblem[]): LineProblem =>
  lineProblemOf(new DomainError('VALIDATION_FAILED', 'the request is not valid', problems));

/** Every problem's message, each led by its field where the message does not already start with it. */
const problemsText = (problems: readonly FieldProblem[]): string =>
  problems.flatMap(({ field, messages }) => messages.map((m) => (m.startsWith(`${field} `) ? m : `${field}: ${m}`))).join('; ');

export type ImportFormat = 'ndjson' | 'csv';

/** The whole import is refused before anything is recorded (wrong header, empty file). */
export class ImportRefused extends DomainError {}

const tooLong = (bytes: number): LineProblem => ({
  code: 'LINE_TOO_LONG',
  message: `the line is ${bytes.toLocaleString('en')} bytes; a line may hold at most ${MAX_LINE_BYTES.toLocaleString('en')}`,
});

/** NDJSON: one JSON object a line; blank lines are skipped. */
export async function* ndjsonRecords(lines: AsyncIterable<RawLine>): AsyncGenerator<ImportRecord> {
  for await (const raw of lines) {
    if ('tooLong' in raw) {
      yield { line: raw.line, error: tooLong(raw.bytes) };
      continue;
    }
    if (raw.text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw.text);
    } catch (error) {
      yield {
        line: raw.line,
        error: { code: 'INVALID_JSON', message: `the line is not valid JSON: ${(error as Error).message}` },
      };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line: raw.line, error: { code: 'INVALID_JSON', message: 'the line must be one JSON object' } };
      continue;
    }
    const shape = bodyShapeProblem(value);
    if (shape) {
      yield { line: raw.line, error: invalidLine([shape]) };
      continue;
    }
    yield { line: raw.line, fields: value as Record<string, unknown> };
  }
}

/**
 * Column headers a CSV may use: the contract's field names, or the Chinese headers clerks'
 * spreadsheets carry (both `名称` and `姓名` are the `name` column: a park, enterprise or person).
 */
export const CSV_HEADERS: Readonly<Record<string, string>> = {
  操作: 'command',
  命令编号: 'commandId',
  园区编号: 'parkId',
  名称: 'name',
  姓名: 'name',
  设区市编号: 'cityId',
  园区级别: 'level',
  企业编号: 'enterpriseId',
  企业性质: 'ownership',
  职工人数: 'employees',
  会员编号: 'memberId',
  身份证号: 'personId',
  会员类别: 'category',
  转入企业编号: 'toEnterpriseId',
  离会原因: 'reason',
  生效日期: 'effectiveDate',
  预期版本: 'expectedRevision',
};

const FIELDS = new Set([...Object.values(CSV_HEADERS)]);

/**
 * Cell values a Chinese sheet may carry, per column; English values pass as they are. Categories
 * and leave reasons also take the words the exports print with `lang=zh` (普通职工, 离职, 退会,
 * 开除会籍), so that a clerk may copy terms from an export into an import file.
 */
export const CSV_VALUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  command: {
    登记园区: 'registerPark',
    建立园区工会: 'establishParkUnion',
    登记企业: 'registerEnterprise',
    建立企业工会: 'establishEnterpriseUnion',
    申报职工人数: 'reportHeadcount',
    企业关闭: 'closeEnterprise',
    入会: 'join',
    转会: 'transfer',
    变更类别: 'changeCategory',
    离会: 'leave',
  },
  level: { 国家级: 'national', 省级: 'provincial' },
  ownership: { 非公有制: 'non-public', 公有制: 'public' },
  category: { 职工: 'regular', 普通职工: 'regular', 农民工: 'migrant', 劳务派遣工: 'dispatched' },
  reason: {
    解除劳动关系: 'left-employment',
    离职: 'left-employment',
    自愿退会: 'resigned',
    退会: 'resigned',
    退休: 'retired',
    去世: 'deceased',
    除名: 'expelled',
    开除会籍: 'expelled',
    迁出本省: 'moved-out-of-province',
  },
};

/** A column's English values, for telling a word the table does not know from one that needs no translation. */
const ENGLISH_VALUES: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries(CSV_VALUES).map(([column, values]) => [column, new Set(Object.values(values))]),
);

/** What a refusal of a column's value adds: `category may also be written in Chinese: 职工 or 普通职工 (regular), …`. */
const CHINESE_HINTS: FieldHints = Object.fromEntries(
  Object.entries(CSV_VALUES).map(([column, values]) => {
    const words = [...ENGLISH_VALUES[column]].map(
      (english) =>
        `${Object.keys(values)
          .filter((word) => values[word] === english)
          .join(' or ')} (${english})`,
    );
    return [column, `${column} may also be written in Chinese: ${words.join(', ')}`];
  }),
);

const INTEGER_FIELDS = new Set(['employees', 'expectedRevision']);

/** Splits one CSV record (RFC 4180: quotes, doubled quotes); undefined while a quoted cell is still open. */
export function csvCells(text: string): string[] | undefined {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  if (quoted) return undefined;
  cells.push(cell);
  return cells;
}

/** Maps the header row to field names, or refuses the import with every unknown or repeated column. */
export function csvColumns(header: readonly string[]): string[] {
  const columns = header.map((h) => {
    const name = h.trim();
    // Own keys only: a header named `constructor` or `__proto__` is an unknown column, not a prototype member.
    return (Object.hasOwn(CSV_HEADERS, name) ? CSV_HEADERS[name] : undefined) ?? (FIELDS.has(name) ? name : undefined);
  });
  const unknown = header.filter((_, i) => columns[i] === undefined).map((h) => h.trim());
  const repeated = columns.filter((c, i) => c !== undefined && columns.indexOf(c) !== i);
  if (unknown.length > 0 || repeated.length > 0 || !columns.includes('command'))
    throw new ImportRefused('IMPORT_HEADER_INVALID', 'the CSV header row is not one the ledger reads', {
      unknownColumns: unknown,
      repeatedColumns: [...new Set(repeated)],
      missingColumns: columns.includes('command') ? [] : ['command'],
      knownColumns: [...FIELDS, ...Object.keys(CSV_HEADERS)],
    });
  return columns as string[];
}

/**
 * CSV with a header row: each record becomes the fields of its non-empty cells, values in
 * Chinese translated, `employees` and `expectedRevision` read as integers. A record's line is
 * the physical line it starts on. A quoted cell may span lines (up to the line limit in all).
 */
export async function* csvRecords(lines: AsyncIterable<RawLine>): AsyncGenerator<ImportRecord> {
  let columns: string[] | undefined;
  let open: { line: number; text: string } | undefined;
  for await (const raw of lines) {
    if ('tooLong' in raw) {
      if (columns === undefined) throw new ImportRefused('IMPORT_HEADER_INVALID', 'the CSV header row is too long');
      yield { line: open?.line ?? raw.line, error: tooLong(raw.bytes) };
      open = undefined;
      continue;
    }
    const start = open?.line ?? raw.line;
    const text = open ? `${open.text}\n${raw.text}` : raw.text;
    const cells = csvCells(text);
    if (cells === undefined) {
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_LINE_BYTES) {
        yield { line: start, error: tooLong(bytes) };
        open = undefined;
      } else open = { line: start, text };
      continue;
    }
    open = undefined;
    if (columns === undefined) {
      if (cells.every((c) => c.trim() === '')) continue;
      columns = csvColumns(cells);
      continue;
    }
    if (cells.every((c) => c.trim() === '')) continue;
    if (cells.length !== columns.length) {
      yield {
        line: start,
        error: { code: 'VALIDATION_FAILED', message: `the row has ${cells.length} cells; the header has ${columns.length}` },
      };
      continue;
    }
    const fields: Record<string, unknown> = {};
    let hints: Record<string, string> | undefined;
    columns.forEach((column, i) => {
      const cell = cells[i].trim();
      if (cell === '') return;
      const values = CSV_VALUES[column];
      let value = cell;
      if (values !== undefined) {
        if (Object.hasOwn(values, cell)) value = values[cell];
        else if (!ENGLISH_VALUES[column].has(cell)) (hints ??= {})[column] = CHINESE_HINTS[column];
      }
      fields[column] = INTEGER_FIELDS.has(column) && /^-?\d{1,15}$/.test(value) ? Number(value) : value;
    });
    yield hints ? { line: start, fields, hints } : { line: start, fields };
  }
  if (open) yield { line: open.line, error: { code: 'VALIDATION_FAILED', message: 'a quoted cell is never closed' } };
  if (columns === undefined) throw new ImportRefused('EMPTY_IMPORT', 'the file holds no header row and no commands');
}
