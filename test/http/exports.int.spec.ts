import ExcelJS from 'exceljs';
import request from 'supertest';
import { QueryBus } from '@nestjs/cqrs';
import type { Principal } from '../../src/auth/principal.js';
import { ExplainChanges } from '../../src/reporting/explain-changes/explain-changes.query.js';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

/*
 * Exports of GET /figures and GET /statement (issue 5, item 3), over the real app on a temp-dir
 * store. Organisation: city nanchang holds parks p-a (with a park union) and p-b, city jiujiang
 * holds p-c; enterprises e-a1@p-a (union, 4 employees), e-b1@p-b (no headcount: its rate is null),
 * e-c1@p-c (union, 7 employees). Members join in 2016; one moves from p-b to p-c, one retires,
 * one changes category.
 */

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const AUDITOR = {
  principal: { sub: 'exports-test', role: 'auditor' as const },
  actor: 'exports-test',
  correlationId: 'x-1',
  method: 'GET',
  path: '/figures/changes',
};

/** The headers the contract's figures get, restated here so a renamed label is caught. */
const FIGURE_LABELS: Record<string, { en: string; zh: string }> = {
  scope: { en: 'Scope', zh: '范围' },
  asOf: { en: 'As of', zh: '截至日期' },
  knownAt: { en: 'Known at', zh: '记录截至时点' },
  position: { en: 'Log position', zh: '日志位置' },
  groupBy: { en: 'Grouped by', zh: '分组方式' },
  group: { en: 'Group', zh: '分组' },
  members: { en: 'Members', zh: '会员人数' },
  'byCategory.regular': { en: 'Regular members', zh: '普通职工会员' },
  'byCategory.migrant': { en: 'Migrant worker members', zh: '农民工会员' },
  'byCategory.dispatched': { en: 'Dispatched worker members', zh: '劳务派遣工会员' },
  employees: { en: 'Employees', zh: '职工人数' },
  membershipRate: { en: 'Membership rate', zh: '入会率' },
  enterprises: { en: 'Enterprises', zh: '企业数' },
  enterprisesWithUnion: { en: 'Enterprises with a union', zh: '已建工会企业数' },
  unionEstablishmentRate: { en: 'Union establishment rate', zh: '企业建会率' },
  parks: { en: 'Parks', zh: '园区数' },
  parksWithUnion: { en: 'Parks with a union', zh: '已建工会园区数' },
  pendingTransfersIn: { en: 'Pending transfers in', zh: '待确认转入' },
  pendingTransfersOut: { en: 'Pending transfers out', zh: '待确认转出' },
};
const FIGURE_KEYS = Object.keys(FIGURE_LABELS).slice(6);
const RATES = ['membershipRate', 'unionEstablishmentRate'];

/** The figure columns an answer has: those any of its totals carries, in the layout's order. */
const figureColumns = (body: { totals: object; groups?: Array<{ totals: object }> }) =>
  FIGURE_KEYS.filter((k) => [body.totals, ...(body.groups ?? []).map((g) => g.totals)].some((t) => at(t, k) !== undefined));

const at = (o: object, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

/** An RFC 4180 parser, for reading answers back. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  expect({ rest: field, open: record }).toEqual({ rest: '', open: [] });
  return records;
}

/** The answer's bytes, whatever its type. */
const raw = (req: request.Test) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

/** A CSV answer: UTF-8 with a byte order mark, CRLF records; parsed. */
function csvOf(res: request.Response): string[][] {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
  const bytes = res.body as Buffer;
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString('utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  return parseCsv(text);
}

async function sheetOf(res: request.Response): Promise<ExcelJS.Worksheet> {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe(XLSX);
  const workbook = new ExcelJS.Workbook();
  // exceljs types its input as an ArrayBuffer; it reads a Node Buffer as well.
  await workbook.xlsx.load(res.body as unknown as ArrayBuffer);
  expect(workbook.worksheets).toHaveLength(1);
  return workbook.worksheets[0];
}

describe('exports of figures and statements', () => {
  let ledger: LedgerApp;
  let api: LedgerClient;
  const asOf = '2016-06-30';

  const get = (path: string, query: Record<string, string>, principal?: Principal) =>
    ledger.as(principal).get(`${path}?${new URLSearchParams(query)}`);

  beforeAll(async () => {
    ledger = await startLedger();
    api = new LedgerClient(ledger);
    expectAnswer(await api.registerPark('p-a', '2016-01-01'));
    expectAnswer(await api.registerPark('p-b', '2016-01-01'));
    expectAnswer(await api.registerPark('p-c', '2016-01-01', { cityId: 'jiujiang' }));
    expectAnswer(await api.post('/parks/p-a/union', { effectiveDate: '2016-01-05' }));
    for (const [e, p] of [
      ['e-a1', 'p-a'],
      ['e-b1', 'p-b'],
      ['e-c1', 'p-c'],
    ])
      expectAnswer(await api.registerEnterprise(e, p, '2016-01-01'));
    expectAnswer(await api.post('/enterprises/e-a1/union', { effectiveDate: '2016-02-01' }));
    expectAnswer(await api.post('/enterprises/e-c1/union', { effectiveDate: '2016-03-01' }));
    expectAnswer(await api.post('/enterprises/e-a1/headcount', { employees: 4, effectiveDate: '2016-01-10' }));
    expectAnswer(await api.post('/enterprises/e-c1/headcount', { employees: 7, effectiveDate: '2016-01-10' }));
    expectAnswer(await api.join('m-1', residentId(1), 'e-a1', '2016-02-01', { category: 'regular' }));
    expectAnswer(await api.join('m-2', residentId(2), 'e-a1', '2016-02-02'));
    expectAnswer(await api.join('m-3', residentId(3), 'e-b1', '2016-02-03'));
    expectAnswer(await api.join('m-4', residentId(4), 'e-c1', '2016-02-04', { category: 'dispatched' }));
    expectAnswer(await api.join('m-5', residentId(5), 'e-c1', '2016-02-05'));
    expectAnswer(await api.transfer('m-3', 'e-c1', '2016-04-01'));
    expectAnswer(await api.leave('m-2', '2016-05-01', 'retired'));
    expectAnswer(await api.post('/members/m-5/category', { category: 'regular', effectiveDate: '2016-05-02' }));
  });
  afterAll(() => ledger.close());

  describe('GET /figures', () => {
    it('given figures grouped by city, when asked as CSV, then one row per city and a total row carry the JSON answer exactly', async () => {
      const query = { scope: 'province', asOf, groupBy: 'city' };
      const json = await get('/figures', query);
      expect(json.status).toBe(200);
      const res = await raw(get('/figures', { ...query, format: 'csv' }));
      const [header, ...rows] = csvOf(res);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="figures_province_${asOf}_by-city.csv"`);
      expect(res.headers['vary']).toMatch(/Accept/);

      const columns = ['scope', 'asOf', 'knownAt', 'position', 'groupBy', 'group', ...figureColumns(json.body)];
      expect(header).toEqual(columns.map((c) => FIGURE_LABELS[c].en));
      expect(columns).toEqual(expect.arrayContaining(['parks', 'parksWithUnion', 'membershipRate']));
      const groups: Array<{ key: string; totals: object }> = json.body.groups;
      expect(groups.map((g) => g.key).sort()).toEqual(['jiujiang', 'nanchang']);
      expect(rows.map((r) => r[columns.indexOf('group')])).toEqual([...groups.map((g) => g.key), '(total)']);
      const expected = [...groups.map((g) => g.totals), json.body.totals];
      rows.forEach((row, i) => {
        expect(row.slice(0, 5)).toEqual(['province', asOf, json.body.knownAt, json.body.position, 'city']);
        for (const key of figureColumns(json.body)) {
          const cell = row[columns.indexOf(key)];
          const value = at(expected[i], key);
          // Numbers are plain; rates are fractions at full precision; an absent figure is an empty field.
          expect({ key, value: cell === '' ? null : Number(cell) }).toEqual({ key, value: value ?? null });
        }
      });
      // The answer has real numbers to compare: 4 members in 11 employees, a rate that does not end.
      expect(json.body.totals).toMatchObject({ members: 4, employees: 11, membershipRate: 4 / 11 });
      expect(rows[2][columns.indexOf('membershipRate')]).toBe(String(4 / 11));
    });

    it('given lang=zh, when asked as CSV, then the headers are Chinese and the total row is 合计', async () => {
      const query = { scope: 'city:nanchang', asOf, groupBy: 'park' };
      const json = await get('/figures', query);
      const [header, ...rows] = csvOf(await raw(get('/figures', { ...query, format: 'csv', lang: 'zh' })));
      const columns = ['scope', 'asOf', 'knownAt', 'position', 'groupBy', 'group', ...figureColumns(json.body)];
      expect(header).toEqual(columns.map((c) => FIGURE_LABELS[c].zh));
      expect(header).toEqual(expect.arrayContaining(['会员人数', '入会率', '企业建会率', '农民工会员']));
      const groups: Array<{ key: string; totals: { members: number } }> = json.body.groups;
      expect(groups.map((g) => g.key).sort()).toEqual(['p-a', 'p-b']);
      expect(rows.map((r) => [r[4], r[5], r[columns.indexOf('members')]])).toEqual([
        ...groups.map((g) => ['园区', g.key, String(g.totals.members)]),
        ['园区', '合计', String(json.body.totals.members)],
      ]);
      // p-b reported no headcount: its membership rate is null, an empty field
      const pb = groups.findIndex((g) => g.key === 'p-b');
      expect(at(groups[pb].totals, 'membershipRate')).toBeNull();
      expect(rows[pb][columns.indexOf('membershipRate')]).toBe('');
    });

    it('given Accept: text/csv and no format, then CSV; format=json wins over Accept; without either, the JSON answer is unchanged', async () => {
      const query = { scope: 'park:p-c', asOf };
      const plain = await get('/figures', query);
      expect(plain.headers['content-type']).toMatch(/^application\/json/);
      const viaAccept = await raw(get('/figures', query).set('Accept', 'text/csv'));
      const [header, total] = csvOf(viaAccept);
      expect(header.slice(0, 5)).toEqual(['Scope', 'As of', 'Known at', 'Log position', 'Group']);
      expect(total[header.indexOf('Members')]).toBe(String(plain.body.totals.members));
      expect(header).not.toContain('Parks');

      const asJson = await get('/figures', { ...query, format: 'json' }).set('Accept', 'text/csv');
      expect(asJson.headers['content-type']).toMatch(/^application\/json/);
      expect(asJson.body).toEqual(plain.body);
      const browser = await get('/figures', query).set('Accept', 'text/html,*/*;q=0.8');
      expect(browser.body).toEqual(plain.body);
    });

    it('given Accept naming CSV with a charset, then CSV; weighed below JSON, then JSON', async () => {
      const query = { scope: 'park:p-c', asOf };
      const withCharset = await raw(get('/figures', query).set('Accept', 'text/csv; charset=utf-8'));
      expect(withCharset.headers['content-type']).toMatch(/^text\/csv/);
      expect(csvOf(withCharset)[0].slice(0, 2)).toEqual(['Scope', 'As of']);
      const weighed = await get('/figures', query).set('Accept', 'text/csv; charset=utf-8; q=0.5, application/json');
      expect(weighed.headers['content-type']).toMatch(/^application\/json/);
    });

    it('given format=xlsx, then a workbook whose figures are numeric cells equal to the JSON answer, rates formatted as percentages', async () => {
      const query = { scope: 'province', asOf, groupBy: 'park' };
      const json = await get('/figures', query);
      const res = await raw(get('/figures', { ...query, format: 'xlsx', lang: 'zh' }));
      const sheet = await sheetOf(res);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="figures_province_${asOf}_by-park.xlsx"`);
      expect(sheet.name).toBe('会员统计');

      const columns = ['scope', 'asOf', 'knownAt', 'position', 'groupBy', 'group', ...figureColumns(json.body)];
      const headerRow = sheet.getRow(1).values as unknown[];
      expect(headerRow.slice(1)).toEqual(columns.map((c) => FIGURE_LABELS[c].zh));
      const groups: Array<{ key: string; totals: object }> = json.body.groups;
      const expected = [...groups.map((g) => [g.key, g.totals] as const), ['合计', json.body.totals] as const];
      expect(sheet.rowCount).toBe(1 + expected.length);
      expected.forEach(([group, totals], i) => {
        const row = sheet.getRow(2 + i);
        const cell = (key: string) => row.getCell(columns.indexOf(key) + 1);
        expect([cell('scope').value, cell('asOf').value, cell('knownAt').value, cell('group').value]).toEqual([
          'province',
          asOf,
          json.body.knownAt,
          group,
        ]);
        for (const key of figureColumns(json.body)) {
          const value = at(totals, key);
          if (value === null || value === undefined) {
            expect({ key, cell: cell(key).value }).toEqual({ key, cell: null });
            continue;
          }
          expect({ key, type: cell(key).type, value: cell(key).value }).toEqual({ key, type: ExcelJS.ValueType.Number, value });
          expect({ key, numFmt: cell(key).numFmt }).toEqual({ key, numFmt: RATES.includes(key) ? '0.00%' : '#,##0' });
        }
      });
      expect(sheet.getRow(expected.length + 1).getCell(columns.indexOf('membershipRate') + 1).value).toBe(4 / 11);
    });

    it('given a bad format or lang, then 400 VALIDATION_FAILED naming it, as JSON', async () => {
      for (const [extra, field] of [
        [{ format: 'pdf' }, 'format'],
        [{ format: 'CSV' }, 'format'],
        [{ lang: 'fr' }, 'lang'],
        [{ format: 'csv', lang: '' }, 'lang'],
      ] as const) {
        const res = await get('/figures', { scope: 'province', asOf, ...extra }).set('Accept', 'text/csv');
        expectRefusal(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
      }
    });

    it('given a scope outside the caller, then csv and xlsx are refused exactly as JSON is (404 or 403, as JSON)', async () => {
      const clerk: Principal = { sub: 'clerk-a', role: 'park-clerk', parkId: 'p-a' };
      const officer: Principal = { sub: 'officer-jj', role: 'city-officer', cityId: 'jiujiang' };
      for (const [principal, scope, status, code] of [
        [clerk, 'park:p-c', 404, 'NOT_FOUND'],
        [clerk, 'park:nowhere', 404, 'NOT_FOUND'],
        [officer, 'city:nanchang', 404, 'NOT_FOUND'],
        [officer, 'province', 403, 'FORBIDDEN'],
      ] as const) {
        const json = await get('/figures', { scope, asOf }, principal);
        expectRefusal(json, status, code);
        for (const format of ['csv', 'xlsx']) {
          const res = await get('/figures', { scope, asOf, format }, principal);
          expectRefusal(res, status, code);
          expect(res.body).toEqual(json.body);
        }
        expectRefusal(await get('/figures', { scope, asOf }, principal).set('Accept', 'text/csv'), status, code);
      }
      // In scope, the clerk gets the export.
      expect(csvOf(await raw(get('/figures', { scope: 'park:p-a', asOf, format: 'csv' }, clerk))).length).toBe(2);
    });
  });

  describe('GET /statement', () => {
    const query = { scope: 'city:nanchang', from: '2016-01-01', to: '2016-06-30' };

    /** The statement's line items as the JSON answer has them, by item code. */
    function items(body: any): Record<string, number> {
      return {
        opening: body.opening,
        'joined.total': body.joined.total,
        ...Object.fromEntries(Object.entries(body.joined.byCategory).map(([c, n]) => [`joined.byCategory.${c}`, n as number])),
        'left.total': body.left.total,
        ...Object.fromEntries(Object.entries(body.left.byReason).map(([r, n]) => [`left.byReason.${r}`, n as number])),
        transferredIn: body.transferredIn,
        transferredOut: body.transferredOut,
        internalTransfers: body.internalTransfers,
        ...Object.fromEntries(
          body.categoryChanges.map((c: { from: string; to: string; count: number }) => [
            `categoryChanges.${c.from}->${c.to}`,
            c.count,
          ]),
        ),
        unionsEstablished: body.unionsEstablished,
        closing: body.closing,
      };
    }

    it('given a statement as CSV, then one row per line item, from the opening to the closing, each equal to the JSON answer', async () => {
      const json = await get('/statement', query);
      expect(json.status).toBe(200);
      expect(json.body).toMatchObject({ joined: { total: 3 }, left: { total: 1 }, transferredOut: 1, closing: 1 });
      const res = await raw(get('/statement', { ...query, format: 'csv' }));
      expect(res.headers['content-disposition']).toBe('attachment; filename="statement_city-nanchang_2016-01-01_2016-06-30.csv"');
      const [header, ...rows] = csvOf(res);
      expect(header).toEqual(['Scope', 'From', 'To', 'Known at', 'Log position', 'Item code', 'Line item', 'Count']);
      for (const row of rows)
        expect(row.slice(0, 5)).toEqual([query.scope, query.from, query.to, json.body.knownAt, json.body.position]);
      expect(Object.fromEntries(rows.map((r) => [r[5], Number(r[7])]))).toEqual(items(json.body));
      expect(rows.map((r) => r[5])[0]).toBe('opening');
      expect(rows.map((r) => r[5]).at(-1)).toBe('closing');
      expect(rows.find((r) => r[5] === 'left.byReason.retired')![6]).toBe('Left: retired');
    });

    it('given a statement with a category change as xlsx in Chinese, then numeric count cells equal the JSON answer', async () => {
      const pc = { scope: 'park:p-c', from: '2016-01-01', to: '2016-06-30' };
      const json = await get('/statement', pc);
      expect(json.body.categoryChanges).toEqual([{ from: 'migrant', to: 'regular', count: 1 }]);
      const sheet = await sheetOf(await raw(get('/statement', { ...pc, format: 'xlsx', lang: 'zh' })));
      expect(sheet.name).toBe('会员变动');
      expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
        '范围',
        '起始日期',
        '截止日期',
        '记录截至时点',
        '日志位置',
        '项目代码',
        '项目',
        '数量',
      ]);
      const read: Record<string, number> = {};
      const labels: Record<string, string> = {};
      for (let r = 2; r <= sheet.rowCount; r++) {
        const row = sheet.getRow(r);
        expect(row.getCell(8).type).toBe(ExcelJS.ValueType.Number);
        read[String(row.getCell(6).value)] = row.getCell(8).value as number;
        labels[String(row.getCell(6).value)] = String(row.getCell(7).value);
      }
      expect(read).toEqual(items(json.body));
      expect(labels).toMatchObject({
        opening: '期初会员数',
        transferredIn: '转入',
        'categoryChanges.migrant->regular': '类别变更：农民工 → 普通职工',
        closing: '期末会员数',
      });
    });

    it('given a bad format, a statement outside the caller, or a period ending before it starts, then the JSON errors of JSON requests', async () => {
      expectRefusal(await get('/statement', { ...query, format: 'txt' }), 400, 'VALIDATION_FAILED');
      expectRefusal(await get('/statement', { ...query, lang: 'de', format: 'csv' }), 400, 'VALIDATION_FAILED');
      expectRefusal(await get('/statement', { ...query, from: '2016-07-01', format: 'xlsx' }), 400, 'VALIDATION_FAILED');
      const clerk: Principal = { sub: 'clerk-c', role: 'park-clerk', parkId: 'p-c' };
      expectRefusal(await get('/statement', { ...query, format: 'csv' }, clerk), 404, 'NOT_FOUND');
      expectRefusal(await get('/statement', { ...query, scope: 'province', format: 'xlsx' }, clerk), 403, 'FORBIDDEN');
    });
  });

  it('given a quarterly series as CSV and as xlsx in Chinese, then one row per point, each equal to the JSON answer, numbers as numbers', async () => {
    const query = { scope: 'city:nanchang', from: '2016-01-01', to: '2016-12-31', every: 'quarter' };
    const json = await ledger.as().get(`/series?${new URLSearchParams(query)}`);
    expect(json.status).toBe(200);
    const res = await raw(ledger.as().get(`/series?${new URLSearchParams({ ...query, format: 'csv' })}`));
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="series_city-nanchang_2016-01-01_2016-12-31_quarter.csv"',
    );
    const [header, ...rows] = csvOf(res);
    expect(header.slice(0, 5)).toEqual(['Scope', 'Every', 'Known at', 'Log position', 'As of']);
    expect(rows.map((r) => r[4])).toEqual(json.body.points.map((p: { asOf: string }) => p.asOf));
    expect(rows.map((r) => Number(r[header.indexOf('Members')]))).toEqual(
      json.body.points.map((p: { totals: { members: number } }) => p.totals.members),
    );
    const viaAccept = await raw(
      ledger
        .as()
        .get(`/series?${new URLSearchParams(query)}`)
        .set('Accept', 'text/csv'),
    );
    expect(csvOf(viaAccept)).toEqual(csvOf(res));

    const sheet = await sheetOf(
      await raw(ledger.as().get(`/series?${new URLSearchParams({ ...query, format: 'xlsx', lang: 'zh' })}`)),
    );
    expect(sheet.name).toBe('会员统计序列');
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers.slice(0, 5)).toEqual(['范围', '周期', '记录截至时点', '日志位置', '截至日期']);
    const members = headers.indexOf('会员人数') + 1;
    for (const [i, point] of json.body.points.entries()) {
      const cell = sheet.getRow(i + 2).getCell(members);
      expect(cell.type).toBe(ExcelJS.ValueType.Number);
      expect(cell.value).toBe(point.totals.members);
    }
  });

  it('given a report downloaded as known at an instant and as known now, then the two files have two names: the asked one carries the instant in UTC (as its Known at column does)', async () => {
    // The first fact was recorded at the test clock's 2026-11-24T02:00:00.000Z, the others a millisecond apart.
    const reported = '2026-11-24T10:00:00.003+08:00';
    const reports: Array<[string, Record<string, string>, string]> = [
      ['/figures', { scope: 'province', asOf, groupBy: 'city', format: 'csv' }, `figures_province_${asOf}_by-city`],
      [
        '/statement',
        { scope: 'park:p-a', from: '2016-01-01', to: asOf, format: 'xlsx' },
        `statement_park-p-a_2016-01-01_${asOf}`,
      ],
      [
        '/series',
        { scope: 'city:nanchang', from: '2016-01-01', to: '2016-12-31', every: 'year', format: 'csv' },
        'series_city-nanchang_2016-01-01_2016-12-31_year',
      ],
    ];
    for (const [path, query, stem] of reports) {
      const extension = query.format;
      const now = await raw(get(path, query));
      expect(now.headers['content-disposition']).toBe(`attachment; filename="${stem}.${extension}"`);
      const asReported = await raw(get(path, { ...query, knownAt: reported }));
      expect(asReported.status).toBe(200);
      expect(asReported.headers['content-disposition']).toBe(
        `attachment; filename="${stem}_known-20261124T020000.003Z.${extension}"`,
      );
      const onTheSecond = await raw(get(path, { ...query, knownAt: '2026-11-24T02:00:00Z' }));
      expect(onTheSecond.headers['content-disposition']).toBe(
        `attachment; filename="${stem}_known-20261124T020000Z.${extension}"`,
      );
    }
    // An instant after every recorded fact and after now is read as none asked: the file is named with
    // the instant the answer reports (its last recorded fact), which asked again gives the same file.
    const query = { scope: 'province', asOf, format: 'json' };
    const later = await get('/figures', { ...query, knownAt: '2099-01-01T00:00:00Z' });
    const named = await raw(get('/figures', { ...query, format: 'csv', knownAt: '2099-01-01T00:00:00Z' }));
    const instant = later.body.knownAt.replace(/[-:]/g, '').replace('.000Z', 'Z');
    expect(named.headers['content-disposition']).toBe(`attachment; filename="figures_province_${asOf}_known-${instant}.csv"`);
    expect(csvOf(named)[1][2]).toBe(later.body.knownAt);
  });

  it('given lang on an answer that is JSON (no format, format=json, or an Accept that picks JSON), then 400 VALIDATION_FAILED naming lang on every report route; the exports still take it', async () => {
    const reports: Array<[string, Record<string, string>]> = [
      ['/figures', { scope: 'province', asOf }],
      ['/statement', { scope: 'park:p-a', from: '2016-01-01', to: asOf }],
      ['/series', { scope: 'city:nanchang', from: '2016-01-01', to: '2016-12-31', every: 'year' }],
    ];
    const message =
      "lang sets the headers of csv and xlsx answers only; a JSON answer keeps the contract's field names: drop lang, or ask format=csv or format=xlsx";
    for (const [path, query] of reports) {
      for (const [extra, accept] of [
        [{ lang: 'zh' }, undefined],
        [{ lang: 'en' }, undefined],
        [{ lang: 'zh', format: 'json' }, 'text/csv'],
        [{ lang: 'zh' }, 'application/json'],
        [{ lang: 'zh' }, 'text/csv; q=0.5, application/json'],
      ] as const) {
        const asked = get(path, { ...query, ...extra });
        const res = await (accept ? asked.set('Accept', accept) : asked);
        expectRefusal(res, 400, 'VALIDATION_FAILED');
        expect({ path, extra, accept, details: res.body.details }).toEqual({
          path,
          extra,
          accept,
          details: [{ field: 'lang', messages: [message] }],
        });
      }
      expect((await get(path, query)).status).toBe(200);
      const viaAccept = await raw(get(path, { ...query, lang: 'zh' }).set('Accept', 'text/csv'));
      expect(csvOf(viaAccept)[0][0]).toBe('范围');
      expect((await raw(get(path, { ...query, lang: 'zh', format: 'xlsx' }))).status).toBe(200);
    }
  });

  describe('GET /figures/changes', () => {
    // Facts were recorded a millisecond apart from the test clock's 2026-11-24T02:00:00.000Z: this
    // window holds the members' joins, the transfer, the retirement and the category change.
    const window = { scope: 'city:nanchang', asOf, since: '2026-11-24T02:00:00.010Z', until: '2026-11-24T03:00:00Z' };

    it('given the changes between two instants as CSV, then a before row, one row per fact with its effects, and an after row: each count column of the facts sums to after − before', async () => {
      const json = await get('/figures/changes', { ...window, limit: '1000' });
      expect(json.status).toBe(200);
      expect(json.body.entries.length).toBeGreaterThanOrEqual(4);
      const res = await raw(get('/figures/changes', { ...window, format: 'csv' }));
      // An until after every recorded fact is reported as the last recorded instant, as the file is named.
      expect(json.body.until).toBe('2026-11-24T02:00:00.018Z');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="changes_city-nanchang_${asOf}_20261124T020000.010Z_20261124T020000.018Z.csv"`,
      );
      const [header, ...rows] = csvOf(res);
      expect(header.slice(0, 14)).toEqual([
        'Scope',
        'As of',
        'Since',
        'Until',
        'Line',
        'Event id',
        'Fact',
        'Member id',
        'Enterprise id',
        'Park id',
        'Effective date',
        'Voided event id',
        'Recorded at',
        'Recorded by',
      ]);
      expect(rows.map((r) => r.slice(0, 4))).toEqual(rows.map(() => ['city:nanchang', asOf, json.body.since, json.body.until]));
      const figures = header.slice(14);
      expect(figures).toEqual(figureColumns({ totals: json.body.before }).map((k) => FIGURE_LABELS[k].en));
      const keys = figureColumns({ totals: json.body.before });
      const number = (cell: string) => (cell === '' ? null : Number(cell));
      const [before, ...rest] = rows;
      const after = rest.pop()!;
      expect(before[4]).toBe('before');
      expect(after[4]).toBe('after');
      expect(before.slice(14).map(number)).toEqual(keys.map((k) => at(json.body.before, k) ?? null));
      expect(after.slice(14).map(number)).toEqual(keys.map((k) => at(json.body.after, k) ?? null));
      expect(rest.map((r) => [r[4], r[5], r[6], r[7], r[12], number(r[14])])).toEqual(
        json.body.entries.map((e: { eventId: string; type: string; memberId?: string; recordedAt: string; effect: number }) => [
          'change',
          e.eventId,
          e.type,
          e.memberId ?? '',
          e.recordedAt,
          e.effect,
        ]),
      );
      for (const [i, key] of keys.entries()) {
        if (RATES.includes(key)) {
          expect(rest.map((r) => r[14 + i])).toEqual(rest.map(() => ''));
          continue;
        }
        const sum = rest.reduce((n, r) => n + Number(r[14 + i]), 0);
        expect({ key, sum }).toEqual({ key, sum: Number(after[14 + i]) - Number(before[14 + i]) });
      }
      expect(rest.some((r) => Number(r[14]) !== 0)).toBe(true);
    });

    it('given the changes as xlsx in Chinese, then numeric cells, negative effects included, equal the JSON answer', async () => {
      const json = await get('/figures/changes', { ...window, limit: '1000' });
      const sheet = await sheetOf(await raw(get('/figures/changes', { ...window, format: 'xlsx', lang: 'zh' })));
      expect(sheet.name).toBe('数据变更说明');
      const headers = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(headers.slice(0, 6)).toEqual(['范围', '截至日期', '起始时点', '截止时点', '行', '事件编号']);
      const members = headers.indexOf('会员人数') + 1;
      expect(sheet.getRow(2).getCell(5).value).toBe('变更前');
      expect(sheet.getRow(2).getCell(members).value).toBe(json.body.before.members);
      const effects = json.body.entries.map((e: { effect: number }) => e.effect);
      expect(effects.some((n: number) => n < 0)).toBe(true);
      for (const [i, effect] of effects.entries()) {
        const cell = sheet.getRow(i + 3).getCell(members);
        expect(cell.type).toBe(ExcelJS.ValueType.Number);
        expect(cell.value).toBe(effect);
      }
      expect(sheet.getRow(effects.length + 3).getCell(5).value).toBe('变更后');
      expect(sheet.getRow(effects.length + 3).getCell(members).value).toBe(json.body.after.members);
    });

    it('given limit or cursor with a csv or xlsx answer, or a bad format, then 400 naming it: a file holds the whole window', async () => {
      for (const [extra, field] of [
        [{ format: 'csv', limit: '2' }, 'limit'],
        [{ format: 'xlsx', cursor: '5' }, 'cursor'],
        [{ format: 'pdf' }, 'format'],
      ] as const) {
        const res = await get('/figures/changes', { ...window, ...extra });
        expectRefusal(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
      }
      // A window with more changes than a file may hold is refused before any is read (the route's bound is 100,000).
      const json = await get('/figures/changes', { ...window, limit: '1000' });
      const n = json.body.entries.length;
      const whole = (atMost: number) =>
        ledger.app
          .get(QueryBus)
          .execute(new ExplainChanges(window.scope, asOf, window.since, window.until, 1, undefined, AUDITOR, atMost));
      await expect(whole(n - 1)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [
          {
            field: 'since',
            messages: [
              `more than ${n - 1} changes were recorded between since and until (a file holds at most ${n - 1}): narrow the window, or read them as JSON pages`,
            ],
          },
        ],
      });
      const all = await whole(n);
      expect({ entries: all.entries, nextCursor: all.nextCursor }).toEqual({ entries: json.body.entries, nextCursor: null });
      const paged = await get('/figures/changes', { ...window, limit: '2' }).set('Accept', 'text/csv');
      expectRefusal(paged, 400, 'VALIDATION_FAILED');
      expect(paged.body.details).toEqual([
        {
          field: 'limit',
          messages: ['limit pages the JSON answer; a csv or xlsx answer holds every change of the window: drop limit'],
        },
      ]);
    });
  });

  it('given the OpenAPI document, then format and lang are documented on the exportable routes with the three answer types', async () => {
    const doc = (await ledger.as().get('/docs-json')).body;
    for (const path of ['/figures', '/statement', '/series', '/figures/changes']) {
      const op = doc.paths[path].get;
      const params = Object.fromEntries(op.parameters.map((p: { name: string; schema: object }) => [p.name, p.schema]));
      expect(params.format).toMatchObject({ enum: ['json', 'csv', 'xlsx'] });
      expect(params.lang).toMatchObject({ enum: ['en', 'zh'] });
      expect(Object.keys(op.responses['200'].content).sort()).toEqual(['application/json', 'text/csv', XLSX].sort());
      expect(Object.keys(op.responses['400'].content)).toEqual(['application/json']);
    }
  });
});
