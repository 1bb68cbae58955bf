import type { Principal } from '../../src/auth/principal.js';
import { expectRefusal } from './ledger-http.js';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';

/*
 * POST /imports over the real HTTP stack and the embedded store: the body streamed line by line,
 * bad input refused per line or for the whole request, nothing partial lost or doubled.
 */

const CLERK_P1: Principal = { sub: 'clerk-p1', role: 'park-clerk', parkId: 'p1' };
const AUDITOR: Principal = { sub: 'auditor-1', role: 'auditor' };

const organisation = [
  { command: 'registerPark', parkId: 'p1', name: '高新区', cityId: 'nanchang', level: 'national', effectiveDate: '2015-01-01' },
  { command: 'registerPark', parkId: 'p2', name: '经开区', cityId: 'jiujiang', level: 'provincial', effectiveDate: '2015-01-01' },
  {
    command: 'registerEnterprise',
    enterpriseId: 'e1',
    parkId: 'p1',
    name: '甲公司',
    ownership: 'non-public',
    effectiveDate: '2015-02-01',
  },
  {
    command: 'registerEnterprise',
    enterpriseId: 'e2',
    parkId: 'p2',
    name: '乙公司',
    ownership: 'public',
    effectiveDate: '2015-02-01',
  },
  { command: 'reportHeadcount', enterpriseId: 'e1', employees: 10, effectiveDate: '2015-02-01' },
];
const join = (n: number, enterpriseId = 'e1') => ({
  command: 'join',
  memberId: `m-${n}`,
  personId: residentId(n),
  name: `会员${n}`,
  category: 'migrant',
  enterpriseId,
  effectiveDate: '2016-03-01',
});
const lines = (commands: readonly unknown[]) =>
  commands.map((c) => (typeof c === 'string' ? c : JSON.stringify(c))).join('\n') + '\n';

describe('POST /imports', () => {
  let ledger: LedgerApp;

  beforeEach(async () => {
    ledger = await startLedger();
  });
  afterEach(async () => {
    await ledger.close();
  });

  const importBody = (body: string | Buffer, type = 'application/x-ndjson', principal?: Principal) =>
    ledger.as(principal).post('/imports').set('content-type', type).send(body);
  const provinceMembers = async () =>
    (await ledger.as().get('/figures?scope=province&asOf=2016-12-31')).body.totals.members as number;

  it('given good lines, broken JSON and a 10 MB line, then the others are recorded, those two reported by line, and a second post records nothing', async () => {
    const huge = JSON.stringify({ ...join(99), name: 'x'.repeat(10 * 1024 * 1024) });
    const body = lines([...organisation, join(1), '{"command":"join", broken', huge, join(2)]);

    const first = await importBody(body);

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 7, duplicates: 0, rejected: 2, errorsOmitted: 0 });
    expect(first.body.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
      [7, 'INVALID_JSON'],
      [8, 'LINE_TOO_LONG'],
    ]);
    expect(first.body.position).toMatch(/^\d+$/);
    expect(await provinceMembers()).toBe(2);

    const again = await importBody(body);
    expect(again.body).toMatchObject({
      accepted: 0,
      duplicates: 7,
      rejected: 2,
      recordedAt: null,
      position: first.body.position,
    });
    expect(await provinceMembers()).toBe(2);
  }, 30_000);

  it('given a rule refusal on one line, then it carries the rule code and the details the API gives for it (the existing memberId and parkId)', async () => {
    const res = await importBody(lines([...organisation, join(1), { ...join(1), memberId: 'm-other' }, join(3)]));

    expect(res.body).toMatchObject({ accepted: 7, rejected: 1 });
    expect(res.body.errors).toEqual([
      {
        line: 7,
        code: 'PERSON_ALREADY_MEMBER',
        message: 'this person is already a member under member id m-1',
        details: { memberId: 'm-1', parkId: 'p1' },
      },
    ]);
    const api = await ledger
      .as()
      .post('/members')
      .send({ ...join(1), command: undefined, memberId: 'm-other' });
    expect({ status: api.status, code: api.body.code, message: api.body.message, details: api.body.details }).toEqual({
      status: 409,
      code: 'PERSON_ALREADY_MEMBER',
      message: res.body.errors[0].message,
      details: res.body.errors[0].details,
    });
  });

  it('given lines the API would refuse as not valid (a date after today, a birth date after today, bad fields), then each error names every bad field and why, with the API’s details', async () => {
    const today = '2026-11-24';
    const leave = { memberId: 'm13', reason: 'retired', effectiveDate: '2099-01-01' };
    const unborn = { ...join(13), personId: residentId(13, '20300101') };
    const badFields = { memberId: 'm-1', reason: 'fired', effectiveDate: '2016-02-30' };
    const res = await importBody(
      lines([...organisation, { command: 'leave', ...leave }, unborn, { command: 'leave', ...badFields }]),
    );

    expect(res.body).toMatchObject({ accepted: 5, rejected: 3 });
    const afterToday = `effectiveDate must not be after today (${today}, Asia/Shanghai)`;
    const bornAfterToday = `personId holds a birth date in the future (after today, ${today}, Asia/Shanghai)`;
    expect(res.body.errors).toEqual([
      {
        line: 6,
        code: 'VALIDATION_FAILED',
        message: `the request is not valid: ${afterToday}`,
        details: [{ field: 'effectiveDate', messages: [afterToday] }],
      },
      {
        line: 7,
        code: 'VALIDATION_FAILED',
        message: `the request is not valid: ${bornAfterToday}`,
        details: [{ field: 'personId', messages: [bornAfterToday] }],
      },
      {
        line: 8,
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(
          /^the request is not valid: reason must be one of .*; effectiveDate must be a real calendar day/,
        ),
        details: [
          { field: 'reason', messages: [expect.stringMatching(/^reason must be one of the following values: /)] },
          { field: 'effectiveDate', messages: [expect.stringMatching(/^effectiveDate must be a real calendar day/)] },
        ],
      },
    ]);
    const { memberId: _m13, ...leaveBody } = leave;
    const { memberId: _m1, ...badBody } = badFields;
    const { command: _join, ...joinBody } = unborn;
    const api = [
      await ledger.as().post('/members/m13/leave').send(leaveBody),
      await ledger.as().post('/members').send(joinBody),
      await ledger.as().post('/members/m-1/leave').send(badBody),
    ];
    expect(api.map((r) => ({ status: r.status, code: r.body.code, details: r.body.details }))).toEqual(
      res.body.errors.map((e: { details: unknown }) => ({ status: 400, code: 'VALIDATION_FAILED', details: e.details })),
    );
  });

  it('given a back-dated leave that a later transfer forbids, then TIMELINE_CONFLICT carries the conflicting event’s id, as the API gives it', async () => {
    const res = await importBody(
      lines([
        ...organisation,
        join(1),
        { command: 'transfer', memberId: 'm-1', toEnterpriseId: 'e2', effectiveDate: '2017-06-01' },
        { command: 'leave', memberId: 'm-1', reason: 'resigned', effectiveDate: '2017-01-01' },
      ]),
    );

    expect(res.body).toMatchObject({ accepted: 7, rejected: 1 });
    const history = await ledger.as().get('/members/m-1/history');
    const transferId = (history.body.entries as Array<{ type: string; eventId: string }>).find(
      (e) => e.type === 'MemberTransferred',
    )!.eventId;
    expect(res.body.errors).toEqual([
      {
        line: 8,
        code: 'TIMELINE_CONFLICT',
        message: expect.stringMatching(/^a later fact would become invalid: /),
        details: { conflictingEventId: transferId, reason: 'MEMBER_NOT_ACTIVE' },
      },
    ]);
    const api = await ledger.as().post('/members/m-1/leave').send({ reason: 'resigned', effectiveDate: '2017-01-01' });
    expect({ status: api.status, code: api.body.code, details: api.body.details }).toEqual({
      status: 409,
      code: 'TIMELINE_CONFLICT',
      details: res.body.errors[0].details,
    });
  });

  it.each([
    ['application/json', 'UNSUPPORTED_MEDIA_TYPE', 415],
    ['text/plain', 'UNSUPPORTED_MEDIA_TYPE', 415],
  ])('given content type %s, then the request is refused whole (%s) and nothing is recorded', async (type, code, status) => {
    const res = await importBody(lines(organisation), type);
    expectRefusal(res, status, code);
    expect(await provinceMembers()).toBe(0);
    expect((await ledger.as().get('/figures?scope=province&asOf=2016-12-31')).body.totals.parks).toBe(0);
  });

  it('given a CSV carrying the Chinese words the exports print (普通职工, 离职, 退会, 开除会籍), then those lines are recorded; a word the import does not know is refused, naming the Chinese words it takes', async () => {
    expect((await importBody(lines(organisation))).body).toMatchObject({ accepted: 5, rejected: 0 });
    const csv =
      '操作,会员编号,身份证号,姓名,会员类别,企业编号,离会原因,生效日期\n' +
      `入会,m-1,${residentId(1)},张三,普通职工,e1,,2016-03-01\n` +
      `入会,m-2,${residentId(2)},李四,临时工,e1,,2016-03-01\n` +
      `入会,m-3,${residentId(3)},王五,农民工,e1,,2016-03-01\n` +
      `入会,m-4,${residentId(4)},赵六,劳务派遣工,e1,,2016-03-01\n` +
      '离会,m-1,,,,,离职,2016-06-01\n' +
      '离会,m-3,,,,,退会,2016-06-01\n' +
      '离会,m-4,,,,,开除会籍,2016-06-01\n';

    const res = await importBody(csv, 'text/csv');

    expect(res.body).toMatchObject({ accepted: 6, rejected: 1 });
    const hint = 'category may also be written in Chinese: 职工 or 普通职工 (regular), 农民工 (migrant), 劳务派遣工 (dispatched)';
    expect(res.body.errors).toEqual([
      {
        line: 3,
        code: 'VALIDATION_FAILED',
        message: `the request is not valid: category must be one of the following values: regular, migrant, dispatched; ${hint}`,
        details: [
          { field: 'category', messages: ['category must be one of the following values: regular, migrant, dispatched', hint] },
        ],
      },
    ]);
    const member = async (id: string) => (await ledger.as().get(`/members/${id}?asOf=2016-03-01`)).body;
    expect(await member('m-1')).toMatchObject({ category: 'regular' });
    const statement = await ledger.as().get('/statement?scope=province&from=2016-01-01&to=2016-12-31');
    expect(statement.body.left.byReason).toMatchObject({ 'left-employment': 1, resigned: 1, expelled: 1 });
  });

  it('given a CSV with an unknown column, then 400 IMPORT_HEADER_INVALID naming it, and nothing is recorded', async () => {
    const res = await importBody('command,parkId,园区名\nregisterPark,p1,高新区\n', 'text/csv');
    expectRefusal(res, 400, 'IMPORT_HEADER_INVALID');
    expect(res.body.details.unknownColumns).toEqual(['园区名']);
    expect((await ledger.as().get('/figures?scope=province&asOf=2016-12-31')).body.totals.parks).toBe(0);
  });

  it('given an empty body, then 400 EMPTY_IMPORT', async () => {
    expectRefusal(await importBody(''), 400, 'EMPTY_IMPORT');
    expectRefusal(await importBody('\n\n', 'text/csv'), 400, 'EMPTY_IMPORT');
  });

  it('given a park clerk, then lines in their park are recorded and lines elsewhere are FORBIDDEN and in the denial log', async () => {
    expect((await importBody(lines(organisation))).body).toMatchObject({ accepted: 5, rejected: 0 });

    const res = await importBody(lines([join(1, 'e1'), join(2, 'e2'), join(3, 'e1')]), 'application/x-ndjson', CLERK_P1);

    expect(res.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(res.body.errors).toEqual([{ line: 2, code: 'FORBIDDEN', message: 'enterprise e2 is outside your scope' }]);
    const denials = (await ledger.as().get('/access-denials?limit=5')).body.denials as Array<{ actor: string; target: string }>;
    expect(denials[0]).toMatchObject({ actor: 'clerk-p1', target: 'enterprise e2' });
  });

  it('given an auditor, then the route is refused (403) before any line is read', async () => {
    expectRefusal(await importBody(lines(organisation), 'application/x-ndjson', AUDITOR), 403, 'FORBIDDEN');
    expect((await ledger.as().get('/figures?scope=province&asOf=2016-12-31')).body.totals.parks).toBe(0);
  });

  it('given the imported members, then their history shows the importing user as actor and their names read back', async () => {
    await importBody(lines([...organisation, join(1)]));
    const history = await ledger.as().get('/members/m-1/history');
    expect(history.body.entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'MemberJoined', actor: 'test-admin' })]),
    );
    const member = await ledger.as().get('/members/m-1?asOf=2016-12-31');
    expect(member.body).toMatchObject({ status: 'active', name: '会员1' });
  });
});
