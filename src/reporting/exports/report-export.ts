import { toCsvBytes } from './csv.js';
import { basicInstant, type ReportTable } from './report-table.js';
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

/** The knowledge an answer was read at: its instant (as the answer reports it) and whether the caller asked one. */
export interface ExportKnowledge {
  readonly knownAt: string;
  readonly asked: boolean;
}

/**
 * `_known-20160705T010000Z` (ISO 8601 basic format in UTC; milliseconds only when there are
 * some): the part of a file name that tells a report as known at an instant from one as known now.
 */
const knownAtFilePart = (knownAt: string): string => `_known-${basicInstant(knownAt)}`;

/**
 * The table as a CSV or workbook file, dated at the answer's knowledge instant. Its name carries
 * that instant when one was asked, so a report "as reported" and the same one "as known now" are
 * two files.
 */
export async function renderExport(
  table: ReportTable,
  format: 'csv' | 'xlsx',
  knowledge: ExportKnowledge,
): Promise<RenderedExport> {
  const name = `${table.fileStem}${knowledge.asked ? knownAtFilePart(knowledge.knownAt) : ''}.${format}`;
  return format === 'csv'
    ? { contentType: CSV_CONTENT_TYPE, fileName: name, body: await toCsvBytes(table) }
    : { contentType: XLSX_CONTENT_TYPE, fileName: name, body: await toXlsx(table, new Date(knowledge.knownAt)) };
}
