import request from 'supertest';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

interface BadRequest {
  readonly title: string;
  readonly method?: 'get' | 'post';
  readonly path: string;
  /** An object is sent as JSON; a string is sent as it is. */
  readonly body?: object | string;
  readonly contentType?: string;
  readonly status: number;
  readonly code: string;
  /** The field that details must name. */
  readonly field?: string;
  /** What that field's message must say. */
  readonly message?: RegExp;
}

const park = { parkId: 'p-new', name: 'New park', cityId: 'nanchang', level: 'national', effectiveDate: '2015-03-01' };
const join = {
  memberId: 'm-new',
  personId: residentId(500),
  name: '李四',
  category: 'regular',
  enterpriseId: 'e1',
  effectiveDate: '2016-03-15',
};
const leave = { reason: 'resigned', effectiveDate: '2018-03-31' };
const headcount = { employees: 12, effectiveDate: '2016-06-30' };
const badCheck = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

/** Each of these would be accepted but for the one thing wrong with it. */
const BAD_REQUESTS: BadRequest[] = [
  {
    title: 'malformed JSON',
    path: '/parks',
    body: '{"parkId": "p-new", "name": ',
    contentType: 'application/json',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'body',
  },
  {
    title: 'a JSON string as the body',
    path: '/parks',
    body: '"p-new"',
    contentType: 'application/json',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    title: 'a JSON array as the body',
    path: '/parks',
    body: '[]',
    contentType: 'application/json',
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    title: 'an unknown field',
    path: '/parks',
    body: { ...park, colour: 'red' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'colour',
  },
  {
    title: 'an unknown field on a member command',
    path: '/members/m1/leave',
    body: { ...leave, note: 'x' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'note',
  },
  {
    title: 'a missing field',
    path: '/parks',
    body: { ...park, effectiveDate: undefined },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'effectiveDate',
  },
  {
    title: 'employees as a string "12"',
    path: '/enterprises/e1/headcount',
    body: { ...headcount, employees: '12' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'employees',
  },
  {
    title: 'employees not an integer',
    path: '/enterprises/e1/headcount',
    body: { ...headcount, employees: 12.5 },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'employees',
  },
  {
    title: 'employees negative',
    path: '/enterprises/e1/headcount',
    body: { ...headcount, employees: -1 },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'employees',
  },
  {
    title: 'employees over 1,000,000',
    path: '/enterprises/e1/headcount',
    body: { ...headcount, employees: 1_000_001 },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'employees',
  },
  { title: 'level 3', path: '/parks', body: { ...park, level: 3 }, status: 400, code: 'VALIDATION_FAILED', field: 'level' },
  {
    title: 'level not in the list',
    path: '/parks',
    body: { ...park, level: 'municipal' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'level',
  },
  {
    title: 'ownership not in the list',
    path: '/enterprises',
    body: { enterpriseId: 'e-new', parkId: 'p1', name: 'E', ownership: 'state', effectiveDate: '2015-03-01' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'ownership',
  },
  {
    title: 'category not in the list',
    path: '/members',
    body: { ...join, category: 'seasonal' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'category',
  },
  {
    title: 'leave reason not in the list',
    path: '/members/m1/leave',
    body: { ...leave, reason: 'bored' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'reason',
  },
  {
    title: 'effectiveDate as the number 20160101',
    path: '/enterprises/e1/union',
    body: { effectiveDate: 20160101 },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'effectiveDate',
  },
  {
    title: 'effectiveDate 2016-02-30',
    path: '/members/m1/leave',
    body: { ...leave, effectiveDate: '2016-02-30' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'effectiveDate',
  },
  {
    title: 'effectiveDate 2016-6-30 (not zero-padded)',
    path: '/enterprises/e1/headcount',
    body: { ...headcount, effectiveDate: '2016-6-30' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'effectiveDate',
  },
  {
    title: 'effectiveDate 1949-09-30, before the founding',
    path: '/parks',
    body: { ...park, effectiveDate: '1949-09-30' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'effectiveDate',
  },
  {
    title: 'personId with a wrong check digit',
    path: '/members',
    body: { ...join, personId: badCheck(residentId(500)) },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'personId',
  },
  {
    title: 'personId with an impossible birth date 1990-02-30',
    path: '/members',
    body: { ...join, personId: residentId(501, '19900230') },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'personId',
  },
  {
    title: 'personId of 17 characters',
    path: '/members',
    body: { ...join, personId: residentId(500).slice(0, 17) },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'personId',
  },
  {
    title: 'personId as a number',
    path: '/members',
    body: { ...join, personId: Number(residentId(502).slice(0, 15)) },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'personId',
  },
  {
    title: 'a body id starting with "-"',
    path: '/parks',
    body: { ...park, parkId: '-p' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'parkId',
  },
  {
    title: 'a body id with a space',
    path: '/members',
    body: { ...join, memberId: 'm new' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'memberId',
  },
  {
    title: 'a body id of 65 characters',
    path: '/enterprises',
    body: { enterpriseId: 'e'.repeat(65), parkId: 'p1', name: 'E', ownership: 'public', effectiveDate: '2015-03-01' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'enterpriseId',
  },
  {
    title: 'a transfer target id with a slash',
    path: '/members/m1/transfer',
    body: { toEnterpriseId: 'e1/e2', effectiveDate: '2017-01-01' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'toEnterpriseId',
  },
  {
    title: 'a name with a control character',
    path: '/parks',
    body: { ...park, name: 'P\u0007ark' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'name',
  },
  {
    title: 'a blank name',
    path: '/members',
    body: { ...join, name: '   ' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'name',
  },
  {
    title: 'a void without a reason',
    path: '/members/m1/entries/00000000-0000-5000-8000-000000000000/void',
    body: {},
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'reason',
  },
  {
    title: 'an eventId that is not a UUID',
    path: '/members/m1/entries/not-a-uuid/void',
    body: { reason: 'x' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'eventId',
  },
  {
    title: 'a commandId of 129 characters',
    path: '/parks',
    body: { ...park, commandId: 'c'.repeat(129) },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'commandId',
  },
  {
    title: 'an empty commandId',
    path: '/parks',
    body: { ...park, commandId: '' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'commandId',
  },
  {
    title: 'expectedRevision as a string',
    path: '/members/m1/leave',
    body: { ...leave, expectedRevision: '0' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'expectedRevision',
  },
  {
    title: 'expectedRevision negative',
    path: '/members/m1/leave',
    body: { ...leave, expectedRevision: -1 },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'expectedRevision',
  },
  {
    title: 'a body over the 65,536-byte limit',
    path: '/parks',
    body: { ...park, name: 'x'.repeat(70_000) },
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    title: 'Content-Type text/plain',
    path: '/parks',
    body: JSON.stringify(park),
    contentType: 'text/plain',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    title: 'Content-Type application/x-www-form-urlencoded',
    path: '/members/m1/leave',
    body: 'reason=resigned&effectiveDate=2018-03-31',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    title: 'an unknown query parameter on GET /members/:id',
    method: 'get',
    path: '/members/m1?colour=red',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'colour',
  },
  {
    title: 'knownAt "yesterday"',
    method: 'get',
    path: '/members/m1?knownAt=yesterday',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'knownAt',
  },
  {
    title: 'knownAt without an offset',
    method: 'get',
    path: '/members/m1?knownAt=2016-07-05T09:00:00',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'knownAt',
  },
  {
    title: 'knownAt on an impossible day',
    method: 'get',
    path: '/members/m1?knownAt=2016-02-30T09:00:00Z',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'knownAt',
  },
  {
    title: 'asOf 2016-02-30',
    method: 'get',
    path: '/members/m1?asOf=2016-02-30',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'asOf',
  },
  {
    title: 'asOf given twice',
    method: 'get',
    path: '/members/m1?asOf=2016-01-01&asOf=2016-01-02',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'asOf',
  },
  { title: 'an unknown route', method: 'get', path: '/nowhere', status: 404, code: 'NOT_FOUND' },
  {
    title: 'an unknown command route',
    path: '/members/m1/promote',
    body: { effectiveDate: '2016-01-01' },
    status: 404,
    code: 'NOT_FOUND',
  },
  ...(
    [
      ['transfers of an unknown status', '/transfers?status=lost', 'status'],
      ['transfers overdue after a negative number of days', '/transfers?overdueDays=-1', 'overdueDays'],
      ['transfers in pages of 0', '/transfers?limit=0', 'limit'],
      ['transfers after a forged cursor', '/transfers?cursor=abc', 'cursor'],
      ['transfers of a park id that breaks the pattern', '/transfers?parkId=_p1', 'parkId'],
    ] as const
  ).map(([title, path, field]) => ({ title, method: 'get' as const, path, status: 400, code: 'VALIDATION_FAILED', field })),
  {
    title: 'transfers of a park that does not exist',
    method: 'get',
    path: '/transfers?parkId=nowhere',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    title: 'a transfer request naming both the member and the person',
    path: '/transfers',
    body: { transferId: 't1', memberId: 'm1', personId: residentId(1), toEnterpriseId: 'e2', effectiveDate: '2016-06-01' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'memberId',
  },
  {
    title: 'a transfer request naming neither the member nor the person',
    path: '/transfers',
    body: { transferId: 't1', toEnterpriseId: 'e2', effectiveDate: '2016-06-01' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'memberId',
  },
  {
    title: 'a transfer request with a wrong check character in the resident ID number',
    path: '/transfers',
    body: { transferId: 't1', personId: badCheck(residentId(1)), toEnterpriseId: 'e2', effectiveDate: '2016-06-01' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'personId',
  },
  {
    title: 'a transfer request without a transferId',
    path: '/transfers',
    body: { memberId: 'm1', toEnterpriseId: 'e2', effectiveDate: '2016-06-01' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'transferId',
  },
  {
    title: 'a rejection without a reason',
    path: '/transfers/t1/reject',
    body: {},
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'reason',
  },
  {
    title: 'an acceptance of a request that does not exist',
    path: '/transfers/nowhere/accept',
    body: {},
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    title: 'an acceptance dated on a day that does not exist',
    path: '/transfers/t1/accept',
    body: { effectiveDate: '2016-02-30' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'effectiveDate',
  },
  ...(
    [
      ['figures without a scope', '/figures?asOf=2016-06-30'],
      ['figures with an unknown kind of scope', '/figures?scope=county:x&asOf=2016-06-30'],
      ['figures without asOf', '/figures?scope=province'],
      ['figures as of a day that does not exist', '/figures?scope=province&asOf=2016-02-30'],
      ['figures known at a time without an offset', '/figures?scope=province&asOf=2016-06-30&knownAt=2016-07-01T09:00:00'],
      ['figures grouped by an unknown key', '/figures?scope=province&asOf=2016-06-30&groupBy=street'],
      ['a park scope grouped by city', '/figures?scope=park:p1&asOf=2016-06-30&groupBy=city'],
      ['a statement ending before it starts', '/statement?scope=province&from=2016-07-01&to=2016-06-30'],
      ['changes without since', '/figures/changes?scope=province&asOf=2016-06-30'],
      [
        'changes with since after until',
        '/figures/changes?scope=province&asOf=2016-06-30&since=2016-08-01T00:00:00Z&until=2016-07-01T00:00:00Z',
      ],
      ['changes with a page of 1001', '/figures/changes?scope=province&asOf=2016-06-30&since=2016-07-01T00:00:00Z&limit=1001'],
      ['changes with a forged cursor', '/figures/changes?scope=province&asOf=2016-06-30&since=2016-07-01T00:00:00Z&cursor=abc'],
      ['a series by week', '/series?scope=province&from=2016-01-01&to=2016-06-30&every=week'],
      ['a daily series of more than 1000 points', '/series?scope=province&from=2010-01-01&to=2016-06-30&every=day'],
    ] as const
  ).map(([title, path]) => ({ title, method: 'get' as const, path, status: 400, code: 'VALIDATION_FAILED' })),
  // A command's fields go in its body: one in the query string would be passed over (a replay
  // recorded twice, a stale revision not checked), so it is refused, naming the parameter.
  {
    title: 'a headcount whose commandId is in the query string',
    path: '/enterprises/e1/headcount?commandId=q-1',
    body: headcount,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'commandId',
    message: /JSON body/,
  },
  {
    title: 'a category change whose expectedRevision is in the query string',
    path: '/members/m1/category?expectedRevision=0',
    body: { category: 'migrant', effectiveDate: '2017-01-01' },
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'expectedRevision',
  },
  {
    title: 'an import with a query string',
    path: '/imports?dryRun=1',
    body: '{"command":"registerPark","parkId":"p-q","name":"Q","cityId":"nanchang","level":"national","effectiveDate":"2015-03-01"}\n',
    contentType: 'application/x-ndjson',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'dryRun',
  },
  // The query parser drops these names before any route sees them: refused, not passed over.
  ...(['__proto__', 'constructor', 'hasOwnProperty'] as const).map((name) => ({
    title: `figures asked with a ${name} parameter`,
    method: 'get' as const,
    path: `/figures?scope=province&asOf=2016-06-30&${name}=1`,
    status: 400,
    code: 'VALIDATION_FAILED',
    field: name,
  })),
  // A parameter given twice would reach its route as a list: refused as given twice.
  ...(
    [
      ['/figures?scope=province&asOf=2016-06-30&asOf=2016-07-01', 'asOf'],
      ['/transfers?limit=1&limit=2', 'limit'],
      ['/access-denials?cursor=1.1&cursor=2.2', 'cursor'],
    ] as const
  ).map(([path, field]) => ({
    title: `${path.split('?')[0]} with ${field} given twice`,
    method: 'get' as const,
    path,
    status: 400,
    code: 'VALIDATION_FAILED',
    field,
    message: new RegExp(`^${field} is given 2 times: give it once$`),
  })),
  {
    // The + of the offset, unencoded, arrives as a space: the refusal says how to send it.
    title: 'figures known at an instant whose offset lost its + in the query string',
    method: 'get',
    path: '/figures?scope=province&asOf=2016-06-30&knownAt=2016-07-01T09:00:00+08:00',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'knownAt',
    message: /%2B/,
  },
  {
    // The changes run between two knowledge instants (since, until]: a knownAt, which other
    // reports take, would otherwise be passed over and the answer run to now.
    title: 'changes asked with knownAt instead of until',
    method: 'get',
    path: '/figures/changes?scope=province&asOf=2016-06-30&since=2016-07-01T00:00:00Z&knownAt=2016-08-01T00:00:00Z',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'knownAt',
    message: /until/,
  },
  {
    title: 'figures of a park that does not exist',
    method: 'get',
    path: '/figures?scope=park:nowhere&asOf=2016-06-30',
    status: 404,
    code: 'NOT_FOUND',
  },
];

/** Path ids that break the pattern; details must name the path parameter. */
const BAD_PATH_IDS: Array<{ path: string; body: object; field: string }> = [
  { path: '/members/m%20x/leave', body: leave, field: 'memberId' },
  { path: '/parks/_p1/union', body: { effectiveDate: '2015-06-01' }, field: 'parkId' },
  { path: `/enterprises/${'e'.repeat(65)}/headcount`, body: headcount, field: 'enterpriseId' },
  { path: '/enterprises/-e1/entries/00000000-0000-5000-8000-000000000000/void', body: { reason: 'x' }, field: 'enterpriseId' },
  { path: '/transfers/t%20x/accept', body: {}, field: 'transferId' },
];

describe('bad input over HTTP', () => {
  let ledger: LedgerApp;
  let api: LedgerClient;

  beforeAll(async () => {
    ledger = await startLedger();
    api = new LedgerClient(ledger);
    expectAnswer(await api.registerPark('p1'));
    expectAnswer(await api.registerEnterprise('e1', 'p1'));
    expectAnswer(await api.join('m1', residentId(1), 'e1', '2016-01-01'));
  });
  afterAll(() => ledger.close());

  async function send(bad: Pick<BadRequest, 'method' | 'path' | 'body' | 'contentType'>): Promise<request.Response> {
    const req = request(ledger.http)[bad.method ?? 'post'](bad.path).set('Authorization', `Bearer ${ledger.token()}`);
    if (bad.contentType) req.set('Content-Type', bad.contentType);
    return bad.body === undefined ? req : req.send(bad.body as object);
  }

  it.each(BAD_REQUESTS)('given $title, when sent, then $status $code in the error shape and nothing is appended', async (bad) => {
    const before = await api.head();
    const res = await send(bad);
    expectRefusal(res, bad.status, bad.code);
    if (bad.field !== undefined)
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: bad.field })]));
    if (bad.message !== undefined)
      expect(res.body.details.find((d: { field: string }) => d.field === bad.field).messages.join(' ')).toMatch(bad.message);
    expect(await api.head()).toBe(before);
  });

  it.each(BAD_PATH_IDS)('given the path $path, when sent, then 400 VALIDATION_FAILED and nothing is appended', async (bad) => {
    const before = await api.head();
    const res = await send({ path: bad.path, body: bad.body });
    expectRefusal(res, 400, 'VALIDATION_FAILED');
    expect(res.body.details).toHaveLength(1);
    expect(await api.head()).toBe(before);
  });

  it('given ids in the path that break the pattern, when sent, then details name the path parameter (memberId, parkId, enterpriseId) as the bad field', async () => {
    const named: Array<{ path: string; field: unknown }> = [];
    for (const bad of BAD_PATH_IDS)
      named.push({ path: bad.path, field: (await send({ path: bad.path, body: bad.body })).body.details?.[0]?.field });
    expect(named).toEqual(BAD_PATH_IDS.map((bad) => ({ path: bad.path, field: bad.field })));
  });

  it('given fields named like Object.prototype members (__proto__, constructor, toString), when sent, then each is an unknown field: 400 and nothing is appended', async () => {
    const before = await api.head();
    const outcomes: Array<{ field: string; status: number; named: boolean }> = [];
    for (const field of ['__proto__', 'constructor', 'toString']) {
      const raw = JSON.stringify({ ...park, parkId: `p-${field.replace(/_/g, 'x')}` }).replace(/}$/, `,"${field}":{"x":1}}`);
      const res = await send({ path: '/parks', body: raw, contentType: 'application/json' });
      const details: Array<{ field: string }> = Array.isArray(res.body.details) ? res.body.details : [];
      outcomes.push({ field, status: res.status, named: details.some((d) => d.field === field) });
    }
    expect(outcomes).toEqual([
      { field: '__proto__', status: 400, named: true },
      { field: 'constructor', status: 400, named: true },
      { field: 'toString', status: 400, named: true },
    ]);
    expect(await api.head()).toBe(before);
  });

  it('given a body of exactly the limit, when sent, then it is parsed (not 413)', async () => {
    const filler = JSON.stringify({ ...park, name: '' });
    const body = JSON.stringify({ ...park, name: 'x'.repeat(65_536 - filler.length) });
    expect(Buffer.byteLength(body)).toBe(65_536);
    const res = await send({ path: '/parks', body, contentType: 'application/json' });
    // The name is longer than 200 characters, so validation refuses it: the parser let it through.
    expectRefusal(res, 400, 'VALIDATION_FAILED');
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'name' })]);
  });

  it('given the date 1949-10-01, when a park is registered on it, then 201 (the earliest date is allowed)', async () => {
    expectAnswer(await api.registerPark('p-1949', '1949-10-01'));
  });

  describe('effective dates after today in Asia/Shanghai', () => {
    beforeAll(() => ledger.clock.set('2026-11-24T16:30:00Z'));

    it('given it is 2026-11-25 00:30 in Shanghai (16:30 UTC the day before), when a fact is dated 2026-11-25, then 201', async () => {
      const before = await api.head();
      const res = await api.post('/enterprises/e1/headcount', { employees: 40, effectiveDate: '2026-11-25' });
      expectAnswer(res);
      expect(res.body.recordedAt).toBe('2026-11-24T16:30:00.000Z');
      expect(BigInt(res.body.position)).toBe(BigInt(before!) + 1n);
    });

    it.each([
      ['/parks', { ...park, effectiveDate: '2026-11-26' }],
      ['/parks/p1/union', { effectiveDate: '2026-11-26' }],
      ['/enterprises', { enterpriseId: 'e-new', parkId: 'p1', name: 'E', ownership: 'public', effectiveDate: '2026-11-26' }],
      ['/enterprises/e1/union', { effectiveDate: '2026-11-26' }],
      ['/enterprises/e1/headcount', { employees: 41, effectiveDate: '2026-11-26' }],
      ['/enterprises/e1/close', { effectiveDate: '2026-11-26' }],
      ['/members', { ...join, effectiveDate: '2026-11-26' }],
      ['/members/m1/transfer', { toEnterpriseId: 'e2', effectiveDate: '2026-11-26' }],
      ['/members/m1/category', { category: 'migrant', effectiveDate: '2026-11-26' }],
      ['/members/m1/leave', { ...leave, effectiveDate: '2026-11-26' }],
    ])(
      'given today is 2026-11-25 in Shanghai, when POST %s is dated 2026-11-26, then 400 VALIDATION_FAILED on effectiveDate and nothing is appended',
      async (path, body) => {
        const before = await api.head();
        const res = await api.post(path, body);
        expectRefusal(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details).toEqual([expect.objectContaining({ field: 'effectiveDate' })]);
        expect(await api.head()).toBe(before);
      },
    );
  });
});
