import { applyDecorators, Header, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Request } from 'express';
import { validationFailed } from '../../shared/domain-error.js';
import { EXPORT_FORMATS, type ExportFormat, type ExportKnowledge, MEDIA_TYPES, renderExport } from './report-export.js';
import { EXPORT_LANGS, type ExportLang, type ReportTable } from './report-table.js';

/** The `format` query parameter of a report route. */
export const ExportFormatParam = () =>
  applyDecorators(
    ApiPropertyOptional({
      enum: EXPORT_FORMATS,
      default: 'json',
      description: 'json (default), csv (RFC 4180, UTF-8 with a BOM) or xlsx; without it, `Accept: text/csv` also asks for CSV',
    }),
    IsOptional(),
    IsIn(EXPORT_FORMATS),
  );

/** The `lang` query parameter: the language of CSV and sheet headers (refused on a JSON answer). */
export const ExportLangParam = () =>
  applyDecorators(
    ApiPropertyOptional({
      enum: EXPORT_LANGS,
      default: 'en',
      description: "Header language of csv and xlsx answers; 400 on a JSON answer, whose field names are the contract's",
    }),
    IsOptional(),
    IsIn(EXPORT_LANGS),
  );

/** The 200 answer of a report route in its three forms (errors stay JSON). */
export const ApiExportable = (json: string) =>
  applyDecorators(
    Header('Vary', 'Accept'),
    ApiOkResponse({
      description: `${json}; as CSV or a workbook with \`format=csv|xlsx\` (or \`Accept\`), with Content-Disposition: attachment (the file name ends with \`_known-<instant in UTC>\` when knownAt is asked)`,
      content: {
        [MEDIA_TYPES.json]: { schema: { type: 'object' } },
        [MEDIA_TYPES.csv]: { schema: { type: 'string' } },
        [MEDIA_TYPES.xlsx]: { schema: { type: 'string', format: 'binary' } },
      },
    }),
  );

/**
 * `format` when asked; otherwise what `Accept` prefers among JSON, CSV and xlsx (JSON when it
 * names none). A `lang` for a JSON answer is refused: it would be passed over, the JSON's field
 * names being the contract's.
 */
export function exportFormatOf(q: { readonly format?: ExportFormat; readonly lang?: ExportLang }, req: Request): ExportFormat {
  const format = negotiatedFormat(q.format, req);
  if (format === 'json' && q.lang !== undefined)
    throw validationFailed(
      'lang',
      "lang sets the headers of csv and xlsx answers only; a JSON answer keeps the contract's field names: drop lang, or ask format=csv or format=xlsx",
    );
  return format;
}

function negotiatedFormat(asked: ExportFormat | undefined, req: Request): ExportFormat {
  if (asked) return asked;
  const accept = req.headers.accept;
  // A media type's parameters other than q (`text/csv; charset=utf-8`) say how, not what; the
  // negotiation would need each to be offered, and answered JSON to `text/csv; charset=utf-8`.
  const weighed = accept?.replace(/;(?!\s*q=)[^;,]*/gi, '');
  if (weighed !== accept) req.headers.accept = weighed;
  try {
    const best = req.accepts(Object.values(MEDIA_TYPES));
    return (EXPORT_FORMATS.find((f) => MEDIA_TYPES[f] === best) ?? 'json') as ExportFormat;
  } finally {
    req.headers.accept = accept;
  }
}

/**
 * The query's answer as JSON, or rendered as a CSV or workbook attachment, named with the
 * answer's knowledge instant when the query asked one (`asked.knownAt`).
 */
export async function exportAnswer<T extends { readonly knownAt: string }>(
  format: ExportFormat,
  view: T,
  table: () => ReportTable,
  asked: { readonly knownAt?: string },
): Promise<T | StreamableFile> {
  if (format === 'json') return view;
  return exportFile(table(), format, { knownAt: view.knownAt, asked: asked.knownAt !== undefined });
}

/** A table as a CSV or workbook attachment (see renderExport for its name). */
export async function exportFile(
  table: ReportTable,
  format: 'csv' | 'xlsx',
  knowledge: ExportKnowledge,
): Promise<StreamableFile> {
  const file = await renderExport(table, format, knowledge);
  return new StreamableFile(file.body, {
    type: file.contentType,
    disposition: `attachment; filename="${file.fileName}"`,
    length: file.body.length,
  });
}
