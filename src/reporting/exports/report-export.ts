import { toCsv } from './csv.js';
import type { ReportTable } from './report-table.js';
import { XLSX_CONTENT_TYPE, toXlsx } from './xlsx.js';

/** What a report can be answered as over HTTP (`json`, the default, is the query's own answer). */
export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

/** The media types `Accept` may name, in the order preferred when it names several equally. */
export const MEDIA_TYPES: Readonly<Record<ExportFormat, string>> = {
  json: 'application/json',
  csv: 'text/csv',
  xlsx: XLSX_CONTENT_TYPE,
};

export interface RenderedExport {
  readonly contentType: string;
  readonly fileName: string;
  readonly body: Buffer;
}

/** The table as a CSV or workbook file. */
export async function renderExport(table: ReportTable, format: 'csv' | 'xlsx', createdAt?: Date): Promise<RenderedExport> {
  return format === 'csv'
    ? { contentType: CSV_CONTENT_TYPE, fileName: `${table.fileStem}.csv`, body: Buffer.from(toCsv(table), 'utf8') }
    : { contentType: XLSX_CONTENT_TYPE, fileName: `${table.fileStem}.xlsx`, body: await toXlsx(table, createdAt) };
}
