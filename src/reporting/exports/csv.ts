import { type Cell, flatten, type ReportTable } from './report-table.js';

/** Excel reads a UTF-8 file as the local code page unless it starts with a byte order mark. */
export const UTF8_BOM = '\uFEFF';

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function field(cell: Cell): string {
  if (cell === null) return '';
  const text = typeof cell === 'number' ? String(cell) : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The table as RFC 4180 CSV: a header row, then one record per row with the context (scope, dates,
 * knownAt, position) in the leading columns; CRLF line ends; UTF-8 with a byte order mark.
 * Numbers are plain (rates as fractions at full precision); an absent figure is an empty field.
 */
export function toCsv(table: ReportTable): string {
  const { columns, rows } = flatten(table);
  const records = [columns.map((c) => field(c.label)), ...rows.map((r) => r.map(field))];
  return UTF8_BOM + records.map((r) => r.join(',')).join('\r\n') + '\r\n';
}
