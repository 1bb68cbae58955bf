import type { Cell, CellKind, ReportTable } from './report-table.js';

/** Columns a terminal draws two cells wide (CJK, Hangul, full-width forms). */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += WIDE.test(ch) || (ch.codePointAt(0) ?? 0) >= 0x20000 ? 2 : 1;
  return width;
}

function show(cell: Cell, kind: CellKind): string {
  if (cell === null) return '-';
  if (typeof cell === 'string') return cell;
  return kind === 'rate' ? `${(cell * 100).toFixed(2)}%` : String(cell);
}

/**
 * The table for a terminal: the context as `label: value` lines, a blank line, then the rows in
 * aligned columns (numbers right-aligned, rates as percentages to two decimals, absent figures `-`).
 */
export function toTextTable(table: ReportTable): string {
  const contextWidth = Math.max(...table.context.map((c) => displayWidth(c.label)));
  const context = table.context.map((c) => `${c.label}${' '.repeat(contextWidth - displayWidth(c.label))}  ${c.value ?? '-'}`);
  const body = [
    table.columns.map((c) => c.label),
    ...table.rows.map((r) => r.map((cell, i) => show(cell, table.columns[i].kind))),
  ];
  const widths = table.columns.map((_, i) => Math.max(...body.map((r) => displayWidth(r[i]))));
  const pad = (text: string, i: number) => {
    const gap = ' '.repeat(widths[i] - displayWidth(text));
    return table.columns[i].kind === 'text' ? text + gap : gap + text;
  };
  const lines = body.map((r) => r.map(pad).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return [...context, '', ...lines].join('\n') + '\n';
}
