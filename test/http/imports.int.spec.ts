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

  it('given a rule refusal on one line, then it carries the rule code and the API would refuse it the same way', async () => {
    const res = await importBody(lines([...organisation, join(1), { ...join(1), memberId: 'm-other' }, join(3)]));

    expect(res.body).toMatchObject({ accepted: 7, rejected: 1 });
    expect(res.body.errors).toEqual([
      { line: 7, code: 'PERSON_ALREADY_MEMBER', message: 'this person is already a member under member id m-1' },
    ]);
    const api = await ledger
      .as()
      .post('/members')
      .send({ ...join(1), command: undefined, memberId: 'm-other' });
    expect({ status: api.status, code: api.body.code, message: api.body.message }).toEqual({
      status: 409,
      code: 'PERSON_ALREADY_MEMBER',
      message: res.body.errors[0].message,
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
