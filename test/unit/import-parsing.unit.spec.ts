import { linesOf, MAX_LINE_BYTES, type RawLine } from '../../src/imports/import-lines.js';
import { csvRecords, type ImportRecord, ImportRefused, ndjsonRecords } from '../../src/imports/import-records.js';
import { validateLine } from '../../src/imports/import-validation.js';
import { CATEGORIES, LEAVE_REASONS } from '../../src/membership/member.events.js';
import { statementTable } from '../../src/reporting/exports/report-table.js';
import { residentId } from '../support/ledger-app.js';

/** The chunks as a stream would hand them over, one at a time. */
async function* chunksOf(...chunks: Array<Buffer | string>): AsyncGenerator<Buffer | string> {
  for (const chunk of chunks) yield chunk;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const lines = (chunks: Array<Buffer | string>, maxBytes?: number): Promise<RawLine[]> =>
  collect(linesOf(chunksOf(...chunks), maxBytes));

const ndjson = (text: string): Promise<ImportRecord[]> => collect(ndjsonRecords(linesOf(chunksOf(text))));
const csv = (text: string): Promise<ImportRecord[]> => collect(csvRecords(linesOf(chunksOf(text))));

async function refusal(records: Promise<unknown>): Promise<ImportRefused> {
  const error = await records.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportRefused);
  return error as ImportRefused;
}

describe('linesOf: bytes into numbered lines', () => {
  it('given LF, CRLF and a last line without a newline, then every line is numbered from 1 without its line ending', async () => {
    expect(await lines(['a\nb\r\nc'])).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: 'c' },
    ]);
    expect(await lines(['a\n\nb\n'])).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: '' },
      { line: 3, text: 'b' },
    ]);
    expect(await lines([])).toEqual([]);
    expect(await lines([''])).toEqual([]);
  });

  it('given a UTF-8 byte order mark, then it is dropped from the first line only', async () => {
    expect(await lines([Buffer.from('\ufeffa\n\ufeffb\n', 'utf8')])).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: '\ufeffb' },
    ]);
    // The mark itself split across two chunks.
    const bom = Buffer.from('\ufeff', 'utf8');
    expect(await lines([bom.subarray(0, 1), Buffer.concat([bom.subarray(1), Buffer.from('x\n')])])).toEqual([
      { line: 1, text: 'x' },
    ]);
  });

  it('given chunk boundaries inside a line, inside a CRLF and inside a multi-byte character, then the lines come out whole', async () => {
    const text = '{"name":"张三"}\r\n第二行 ünïcödé 🙂\nlast';
    const bytes = Buffer.from(text, 'utf8');
    const expected = [
      { line: 1, text: '{"name":"张三"}' },
      { line: 2, text: '第二行 ünïcödé 🙂' },
      { line: 3, text: 'last' },
    ];
    // Every split point, and every byte its own chunk.
    for (let cut = 0; cut <= bytes.length; cut++)
      expect({ cut, lines: await lines([bytes.subarray(0, cut), bytes.subarray(cut)]) }).toEqual({ cut, lines: expected });
    expect(await lines([...bytes].map((b) => Buffer.from([b])))).toEqual(expected);
  });

  it('given a line longer than the limit, then it is reported as too long with its byte count, and the next line is still read', async () => {
    expect(await lines(['12345\n1234567890\n12345678901\nok\n'], 10)).toEqual([
      { line: 1, text: '12345' },
      { line: 2, text: '1234567890' },
      { line: 3, tooLong: true, bytes: 11 },
      { line: 4, text: 'ok' },
    ]);
    // Spread over many chunks (counted as it goes, never held), and as the last line without a newline.
    const long = Array.from({ length: 20 }, () => 'abcdefgh');
    expect(await lines(['x\n', ...long, '\nafter\n', ...long], 50)).toEqual([
      { line: 1, text: 'x' },
      { line: 2, tooLong: true, bytes: 160 },
      { line: 3, text: 'after' },
      { line: 4, tooLong: true, bytes: 160 },
    ]);
  });

  it('given the default limit, then a line of exactly 1 MiB is read and one byte more is too long', async () => {
    const exact = 'a'.repeat(MAX_LINE_BYTES);
    const read = await lines([`${exact}\n`, `${exact}b\n`, 'next']);
    expect(
      read.map((l) => ('tooLong' in l ? { line: l.line, bytes: l.bytes } : { line: l.line, length: l.text.length })),
    ).toEqual([
      { line: 1, length: MAX_LINE_BYTES },
      { line: 2, bytes: MAX_LINE_BYTES + 1 },
      { line: 3, length: 4 },
    ]);
  });
});

describe('ndjsonRecords: one JSON object a line', () => {
  const park = {
    command: 'registerPark',
    parkId: 'p1',
    name: '高新区',
    cityId: 'nanchang',
    level: 'national',
    effectiveDate: '2015-03-01',
  };

  it('given objects and blank lines, then one record per object, numbered by its physical line', async () => {
    const text = `${JSON.stringify(park)}\n\n   \r\n${JSON.stringify({ command: 'establishParkUnion', parkId: 'p1', effectiveDate: '2015-06-01' })}\n`;
    expect(await ndjson(text)).toEqual([
      { line: 1, fields: park },
      { line: 4, fields: { command: 'establishParkUnion', parkId: 'p1', effectiveDate: '2015-06-01' } },
    ]);
  });

  it('given broken JSON, an array, a number, a string or null, then INVALID_JSON on that line and the other lines still read', async () => {
    const records = await ndjson(
      ['{"command":"registerPark",', JSON.stringify(park), '[1,2]', '42', '"text"', 'null', '{}'].join('\n'),
    );
    expect(records.map((r) => ('error' in r ? [r.line, r.error.code] : [r.line, 'fields']))).toEqual([
      [1, 'INVALID_JSON'],
      [2, 'fields'],
      [3, 'INVALID_JSON'],
      [4, 'INVALID_JSON'],
      [5, 'INVALID_JSON'],
      [6, 'INVALID_JSON'],
      [7, 'fields'],
    ]);
    expect(records[0]).toEqual({
      line: 1,
      error: { code: 'INVALID_JSON', message: expect.stringMatching(/^the line is not valid JSON: /) },
    });
    expect(records[2]).toEqual({ line: 3, error: { code: 'INVALID_JSON', message: 'the line must be one JSON object' } });
  });

  it('given a __proto__ or constructor key, at the top or nested, then VALIDATION_FAILED naming it, and no prototype is touched', async () => {
    const records = await ndjson(
      [
        '{"command":"join","__proto__":{"polluted":true}}',
        '{"command":"join","constructor":{"prototype":{"polluted":true}}}',
        '{"command":"join","name":{"__proto__":{"polluted":true}}}',
      ].join('\n'),
    );
    const refused = (field: string, key: string) => ({
      code: 'VALIDATION_FAILED',
      message: `the request is not valid: ${field}: property ${key} should not exist`,
      details: [{ field, messages: [`property ${key} should not exist`] }],
    });
    expect(records).toEqual([
      { line: 1, error: refused('__proto__', '__proto__') },
      { line: 2, error: refused('constructor', 'constructor') },
      { line: 3, error: refused('name.__proto__', '__proto__') },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('given a line over the limit, then LINE_TOO_LONG with its size, and the next line is still read', async () => {
    const records = await collect(
      ndjsonRecords(linesOf(chunksOf(`${'x'.repeat(MAX_LINE_BYTES + 5)}\n${JSON.stringify(park)}\n`))),
    );
    expect(records).toEqual([
      { line: 1, error: { code: 'LINE_TOO_LONG', message: expect.stringContaining('1,048,581 bytes') } },
      { line: 2, fields: park },
    ]);
  });
});

describe('csvRecords: a header row, then one command a row', () => {
  const person = residentId(7);

  it('given English field names, then each row becomes the fields of its non-empty cells, employees and expectedRevision as numbers', async () => {
    const text = [
      'command,enterpriseId,employees,effectiveDate,expectedRevision,memberId',
      'reportHeadcount,e-1,420,2016-06-30,,',
      'reportHeadcount,e-1,0,2016-07-31,3,',
      'reportHeadcount,e-1,1.5,2016-08-31,,',
      'leave,,,2018-03-31,, m-1 ',
    ].join('\r\n');
    expect(await csv(text)).toEqual([
      { line: 2, fields: { command: 'reportHeadcount', enterpriseId: 'e-1', employees: 420, effectiveDate: '2016-06-30' } },
      {
        line: 3,
        fields: {
          command: 'reportHeadcount',
          enterpriseId: 'e-1',
          employees: 0,
          effectiveDate: '2016-07-31',
          expectedRevision: 3,
        },
      },
      // Not a whole number: left as text for validation to refuse.
      { line: 4, fields: { command: 'reportHeadcount', enterpriseId: 'e-1', employees: '1.5', effectiveDate: '2016-08-31' } },
      // Cells are trimmed.
      { line: 5, fields: { command: 'leave', effectiveDate: '2018-03-31', memberId: 'm-1' } },
    ]);
  });

  it('given the Chinese headers a clerk’s sheet carries (with a BOM), then the columns and the Chinese values map to the contract’s', async () => {
    const text =
      '\ufeff操作,会员编号,身份证号,姓名,会员类别,企业编号,生效日期\r\n' +
      `入会,m-1,${person},张三,农民工,e-1,2016-03-15\r\n` +
      `入会,m-2,${residentId(8)},李四,职工,e-1,2016-03-16\r\n` +
      '变更类别,m-1,,,劳务派遣工,,2017-01-01\r\n';
    expect(await csv(text)).toEqual([
      {
        line: 2,
        fields: {
          command: 'join',
          memberId: 'm-1',
          personId: person,
          name: '张三',
          category: 'migrant',
          enterpriseId: 'e-1',
          effectiveDate: '2016-03-15',
        },
      },
      {
        line: 3,
        fields: {
          command: 'join',
          memberId: 'm-2',
          personId: residentId(8),
          name: '李四',
          category: 'regular',
          enterpriseId: 'e-1',
          effectiveDate: '2016-03-16',
        },
      },
      { line: 4, fields: { command: 'changeCategory', memberId: 'm-1', category: 'dispatched', effectiveDate: '2017-01-01' } },
    ]);
    const more = await csv(
      '操作,园区编号,名称,设区市编号,园区级别,生效日期\n登记园区,p-1,"南昌高新区",nanchang,国家级,2015-03-01\n' +
        '建立园区工会,p-1,,,,2015-06-01\n',
    );
    expect(more.map((r) => ('fields' in r ? r.fields : r))).toEqual([
      {
        command: 'registerPark',
        parkId: 'p-1',
        name: '南昌高新区',
        cityId: 'nanchang',
        level: 'national',
        effectiveDate: '2015-03-01',
      },
      { command: 'establishParkUnion', parkId: 'p-1', effectiveDate: '2015-06-01' },
    ]);
  });

  it('given the words a statement export prints in Chinese for each category and leave reason, when copied into an import, then each reads as the value it was printed for', async () => {
    const exported = statementTable(
      {
        scope: 'province',
        from: '2016-01-01',
        to: '2016-12-31',
        knownAt: '2026-11-24T02:00:00.000Z',
        position: '1',
        opening: 0,
        joined: { total: 0, byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) },
        left: { total: 0, byReason: Object.fromEntries(LEAVE_REASONS.map((r) => [r, 0])) },
        transferredIn: 0,
        transferredOut: 0,
        internalTransfers: 0,
        categoryChanges: [],
        unionsEstablished: 0,
        closing: 0,
      },
      'zh',
    );
    // Rows `joined.byCategory.<category>` and `left.byReason.<reason>`, their line `新入会：普通职工`.
    const printed = (prefix: string) =>
      exported.rows
        .filter(([key]) => String(key).startsWith(prefix))
        .map(([key, line]) => ({ value: String(key).slice(prefix.length), word: String(line).split('：')[1] }));
    const categories = printed('joined.byCategory.');
    const reasons = printed('left.byReason.');
    expect(categories.map((c) => c.value)).toEqual([...CATEGORIES]);
    expect(reasons.map((r) => r.value)).toEqual([...LEAVE_REASONS]);
    expect(categories.find((c) => c.value === 'regular')?.word).toBe('普通职工');

    const records = await csv(
      '操作,会员编号,会员类别,离会原因,生效日期\n' +
        categories.map((c) => `变更类别,m-1,${c.word},,2017-01-01\n`).join('') +
        reasons.map((r) => `离会,m-1,,${r.word},2018-01-01\n`).join(''),
    );
    expect(records.map((r) => ('fields' in r ? (r.fields.category ?? r.fields.reason) : r))).toEqual([
      ...CATEGORIES,
      ...LEAVE_REASONS,
    ]);
    expect(records.filter((r) => 'hints' in r)).toEqual([]);
  });

  it('given the words the import took before (职工, 解除劳动关系, 自愿退会, 除名), then they still read as before', async () => {
    const records = await csv(
      '操作,会员编号,会员类别,离会原因,生效日期\n变更类别,m-1,职工,,2017-01-01\n' +
        '离会,m-1,,解除劳动关系,2018-01-01\n离会,m-2,,自愿退会,2018-01-01\n离会,m-3,,除名,2018-01-01\n',
    );
    expect(records.map((r) => ('fields' in r ? (r.fields.category ?? r.fields.reason) : r))).toEqual([
      'regular',
      'left-employment',
      'resigned',
      'expelled',
    ]);
  });

  it('given a category or leave reason in a word the import does not know, then the line is refused with the API’s message and the Chinese words it takes for that field', async () => {
    const [changed, left] = await csv(
      '操作,会员编号,会员类别,离会原因,生效日期\n变更类别,m-1,临时工,,2017-01-01\n离会,m-1,,辞职,2018-01-01\n',
    );
    const refusal = (record: ImportRecord) => {
      if (!('fields' in record)) throw new Error('a record with fields was expected');
      return validateLine(record.fields, record.hints);
    };
    const category = [
      'category must be one of the following values: regular, migrant, dispatched',
      'category may also be written in Chinese: 职工 or 普通职工 (regular), 农民工 (migrant), 劳务派遣工 (dispatched)',
    ];
    expect(refusal(changed)).toEqual({
      code: 'VALIDATION_FAILED',
      message: `the request is not valid: ${category.join('; ')}`,
      details: [{ field: 'category', messages: category }],
    });
    expect(refusal(left)).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining(
        'reason may also be written in Chinese: 解除劳动关系 or 离职 (left-employment), 自愿退会 or 退会 (resigned), 退休 (retired), ' +
          '去世 (deceased), 除名 or 开除会籍 (expelled), 迁出本省 (moved-out-of-province)',
      ),
    });
  });

  it('given quoted cells with a comma, a doubled quote and a line break, then the cells are read whole and the record keeps the line it starts on', async () => {
    const text =
      'command,enterpriseId,parkId,name,ownership,effectiveDate\n' +
      'registerEnterprise,e-1,p-1,"Acme, ""East"" Works",non-public,2015-04-01\n' +
      'registerEnterprise,e-2,p-1,"two\nlines, ""quoted""\nand three",public,2015-04-02\n' +
      'registerEnterprise,e-3,p-1,"",public,2015-04-03\n';
    expect(await csv(text)).toEqual([
      {
        line: 2,
        fields: {
          command: 'registerEnterprise',
          enterpriseId: 'e-1',
          parkId: 'p-1',
          name: 'Acme, "East" Works',
          ownership: 'non-public',
          effectiveDate: '2015-04-01',
        },
      },
      {
        line: 3,
        fields: {
          command: 'registerEnterprise',
          enterpriseId: 'e-2',
          parkId: 'p-1',
          name: 'two\nlines, "quoted"\nand three',
          ownership: 'public',
          effectiveDate: '2015-04-02',
        },
      },
      // An empty quoted cell is an empty cell: the field is left out.
      {
        line: 6,
        fields: {
          command: 'registerEnterprise',
          enterpriseId: 'e-3',
          parkId: 'p-1',
          ownership: 'public',
          effectiveDate: '2015-04-03',
        },
      },
    ]);
  });

  it('given a row with more or fewer cells than the header, then VALIDATION_FAILED on its line and the next rows still read', async () => {
    const records = await csv(
      'command,memberId,reason,effectiveDate\nleave,m-1,resigned\nleave,m-1,resigned,2018-01-01,x\nleave,m-2,retired,2018-01-02\n',
    );
    expect(records).toEqual([
      { line: 2, error: { code: 'VALIDATION_FAILED', message: 'the row has 3 cells; the header has 4' } },
      { line: 3, error: { code: 'VALIDATION_FAILED', message: 'the row has 5 cells; the header has 4' } },
      { line: 4, fields: { command: 'leave', memberId: 'm-2', reason: 'retired', effectiveDate: '2018-01-02' } },
    ]);
  });

  it('given a quoted cell never closed, then VALIDATION_FAILED on the line it opened', async () => {
    expect(
      await csv('command,memberId,reason,effectiveDate\nleave,m-1,resigned,2018-01-01\nleave,"m-2,retired,2018-01-02\n'),
    ).toEqual([
      { line: 2, fields: { command: 'leave', memberId: 'm-1', reason: 'resigned', effectiveDate: '2018-01-01' } },
      { line: 3, error: { code: 'VALIDATION_FAILED', message: 'a quoted cell is never closed' } },
    ]);
  });

  it('given an unknown or repeated column, or no command column, then the import is refused with IMPORT_HEADER_INVALID listing them', async () => {
    const unknown = await refusal(csv('command,memberId,会员电话,colour\nleave,m-1,1,2\n'));
    expect(unknown.code).toBe('IMPORT_HEADER_INVALID');
    expect(unknown.details).toMatchObject({ unknownColumns: ['会员电话', 'colour'], repeatedColumns: [], missingColumns: [] });
    const repeated = await refusal(csv('操作,姓名,名称,memberId\n'));
    expect(repeated.details).toMatchObject({ unknownColumns: [], repeatedColumns: ['name'], missingColumns: [] });
    const missing = await refusal(csv('memberId,reason\nm-1,resigned\n'));
    expect(missing.details).toMatchObject({ unknownColumns: [], missingColumns: ['command'] });
  });

  it('given a header named like an Object.prototype member, then it is an unknown column, not a field', async () => {
    for (const header of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const error = await refusal(csv(`command,memberId,${header}\nleave,m-1,x\n`));
      expect({ header, code: error.code, details: error.details }).toMatchObject({
        header,
        code: 'IMPORT_HEADER_INVALID',
        details: { unknownColumns: [header] },
      });
    }
  });

  it('given a cell value named like an Object.prototype member, then it stays that text', async () => {
    const records = await csv('command,memberId,reason,effectiveDate\nconstructor,m-1,toString,2018-01-01\n');
    expect(records).toEqual([
      {
        line: 2,
        fields: { command: 'constructor', memberId: 'm-1', reason: 'toString', effectiveDate: '2018-01-01' },
        hints: {
          command: expect.stringMatching(/^command may also be written in Chinese: 登记园区 \(registerPark\), /),
          reason: expect.stringMatching(/^reason may also be written in Chinese: 解除劳动关系 or 离职 \(left-employment\), /),
        },
      },
    ]);
  });

  it('given an empty file, then the import is refused with EMPTY_IMPORT; a header alone gives no records', async () => {
    expect((await refusal(csv(''))).code).toBe('EMPTY_IMPORT');
    expect(await csv('command,memberId\n')).toEqual([]);
  });

  it('given a file of nothing but a BOM and line breaks (an empty sheet saved as CSV), then EMPTY_IMPORT, not a header problem', async () => {
    expect((await refusal(csv('\ufeff'))).code).toBe('EMPTY_IMPORT');
    expect((await refusal(csv('\ufeff\r\n\r\n'))).code).toBe('EMPTY_IMPORT');
  });
});
