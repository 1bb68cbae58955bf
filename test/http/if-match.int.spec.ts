import type request from 'supertest';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

const ORGANISATION =
  '{"command":"registerPark","parkId":"p-imp","name":"I","cityId":"nanchang","level":"national","effectiveDate":"2015-03-01"}\n';

describe('If-Match on commands over HTTP', () => {
  let ledger: LedgerApp;
  let api: LedgerClient;

  /** A command sent with an If-Match header (and any body fields). */
  const post = (path: string, ifMatch: string, body: object): Promise<request.Response> =>
    ledger.as().post(path).set('If-Match', ifMatch).send(body);
  const leave = (memberId: string, ifMatch: string, extra: object = {}) =>
    post(`/members/${memberId}/leave`, ifMatch, { reason: 'retired', effectiveDate: '2017-01-01', ...extra });
  const types = async (memberId: string) =>
    (await api.history(memberId)).body.entries.map((e: { type: string }) => e.type) as string[];
  /** A member joined at e1 and moved to e2: at revision 1, so an ETag read before the move is stale. */
  const movedMember = async (memberId: string, n: number) => {
    expectAnswer(await api.join(memberId, residentId(n), 'e1', '2016-01-01'));
    const before = (await api.member(memberId)).headers.etag as string;
    expectAnswer(await api.transfer(memberId, 'e2', '2016-06-01'));
    return before;
  };

  beforeAll(async () => {
    ledger = await startLedger();
    api = new LedgerClient(ledger);
    await api.parkWith('p1', 'e1', 'e2');
    await api.parkWith('p-other', 'e-other');
    await api.parkWith('p3', 'e3');
  });
  afterAll(() => ledger.close());

  it('given a member read, when its ETag is echoed as If-Match on a command, then 201 at the next revision; the same ETag again is stale: 412', async () => {
    expectAnswer(await api.join('m-fresh', residentId(1), 'e1', '2016-01-01'));
    const read = await api.member('m-fresh');
    expect(read.headers.etag).toBe('"0"');
    const change = { category: 'regular', effectiveDate: '2017-01-01' };

    const res = await post('/members/m-fresh/category', read.headers.etag, change);

    expectAnswer(res);
    expect(res.body.streamRevision).toBe(1);
    expect((await api.member('m-fresh')).headers.etag).toBe('"1"');
    const again = await post('/members/m-fresh/category', read.headers.etag, { ...change, category: 'migrant' });
    expectRefusal(again, 412, 'REVISION_MISMATCH');
    expect(await types('m-fresh')).toEqual(['MemberJoined', 'MemberCategoryChanged']);
  });

  it('given a member that moved on since its ETag was read, when the stale ETag comes as If-Match, then 412 REVISION_MISMATCH as a stale expectedRevision answers, and nothing is recorded', async () => {
    const stale = await movedMember('m-stale', 2);
    expect(stale).toBe('"0"');
    const head = await api.head();

    const byHeader = await leave('m-stale', stale);
    const byBody = await api.leave('m-stale', '2017-01-01', 'retired', { expectedRevision: 0 });

    expectRefusal(byHeader, 412, 'REVISION_MISMATCH');
    expect(byHeader.body).toEqual(byBody.body);
    expect(byHeader.body.details).toEqual({ expectedRevision: 0, currentRevision: 1 });
    expect(await api.head()).toBe(head);
    expect(await types('m-stale')).toEqual(['MemberJoined', 'MemberTransferred']);
  });

  it('given If-Match and a body expectedRevision that disagree, when the command is sent, then 400 VALIDATION_FAILED naming both and nothing is recorded; once they agree, 201', async () => {
    await movedMember('m-both', 3);
    const head = await api.head();

    const res = await leave('m-both', '"1"', { expectedRevision: 0 });

    expectRefusal(res, 400, 'VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['If-Match', 'expectedRevision']);
    expect(res.body.details[0].messages[0]).toMatch(/If-Match "1" and expectedRevision 0 disagree/);
    expect(await api.head()).toBe(head);
    expectAnswer(await leave('m-both', '"1"', { expectedRevision: 1 }));
    expect(await types('m-both')).toEqual(['MemberJoined', 'MemberTransferred', 'MemberLeft']);
  });

  it.each([
    ['an unquoted revision', '0', /in double quotes/, 10],
    ['a weak tag', 'W/"0"', /not a weak tag/, 11],
    ['a tag that is not a revision', '"abc"', /in double quotes/, 12],
    ['a revision with a leading zero', '"00"', /in double quotes/, 13],
    ['a list of tags', '"0", "1"', /one revision, not a list/, 14],
    ['an empty value', '', /in double quotes/, 15],
  ])(
    'given %s as If-Match, when a command is sent, then 400 VALIDATION_FAILED naming If-Match, and nothing is recorded',
    async (_, ifMatch, message, n) => {
      const memberId = `m-bad-${n}`;
      expectAnswer(await api.join(memberId, residentId(n), 'e1', '2016-01-01'));
      const head = await api.head();

      const res = await leave(memberId, ifMatch);

      expectRefusal(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([{ field: 'If-Match', messages: [expect.stringMatching(message)] }]);
      expect(await api.head()).toBe(head);
    },
  );

  it('given If-Match sent twice (two header lines), when a command is sent, then 400 as a list of tags is', async () => {
    expectAnswer(await api.join('m-twice', residentId(200), 'e1', '2016-01-01'));
    const res = await ledger
      .as()
      .post('/members/m-twice/leave')
      // Each value on its own line (supertest types an array for Cookie only); Node joins them with ", ".
      .set('If-Match', ['"0"', '"0"'] as unknown as string)
      .send({ reason: 'retired', effectiveDate: '2017-01-01' });
    expectRefusal(res, 400, 'VALIDATION_FAILED');
    expect(res.body.details[0]).toMatchObject({ field: 'If-Match' });
    expect(await types('m-twice')).toEqual(['MemberJoined']);
  });

  it('given If-Match: *, when a member that exists leaves, then 201; when a member that does not exist joins, then 412 and nothing is recorded', async () => {
    expectAnswer(await api.join('m-star', residentId(201), 'e1', '2016-01-01'));
    expectAnswer(await leave('m-star', '*'));

    const head = await api.head();
    const res = await post('/members', '*', {
      memberId: 'm-star-new',
      personId: residentId(202),
      name: '李四',
      category: 'regular',
      enterpriseId: 'e1',
      effectiveDate: '2016-01-01',
    });
    expectRefusal(res, 412, 'REVISION_MISMATCH');
    expect(res.body.details).toEqual({ expectedRevision: 'stream_exists', currentRevision: null });
    expect(await api.head()).toBe(head);
    expect((await api.member('m-star-new')).status).toBe(404);
  });

  it("given a transfer request, when its accept carries a stale If-Match (the request stream's revision), then 412 and the member stays put", async () => {
    expectAnswer(await api.join('m-req', residentId(203), 'e1', '2016-01-01'));
    expectAnswer(
      await api.post('/transfers', { transferId: 't-if', memberId: 'm-req', toEnterpriseId: 'e2', effectiveDate: '2016-06-01' }),
    );

    const res = await post('/transfers/t-if/accept', '"1"', {});

    expectRefusal(res, 412, 'REVISION_MISMATCH');
    expect(await types('m-req')).toEqual(['MemberJoined']);
    expectAnswer(await post('/transfers/t-if/accept', '"0"', {}));
    expect(await types('m-req')).toEqual(['MemberJoined', 'MemberTransferred']);
  });

  it.each([
    ['a stale If-Match', '"5"', {}, 300],
    ['a stale body expectedRevision', undefined, { expectedRevision: 5 }, 301],
  ])(
    "given records of another park, when its outsider clerk sends %s, then 403 FORBIDDEN as without it (never 412 with the record's revision), and the refusal is logged",
    async (_, ifMatch, revision, n) => {
      const memberId = `m-other-${n}`;
      expectAnswer(await api.join(memberId, residentId(n), 'e-other', '2016-01-01'));
      const send = (path: string, body: object) => {
        const req = ledger.as({ sub: `clerk-${n}`, role: 'park-clerk', parkId: 'p1' }).post(path);
        return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send({ ...body, ...revision });
      };

      const refusals = [
        await send(`/members/${memberId}/leave`, { reason: 'retired', effectiveDate: '2017-01-01' }),
        await send('/enterprises/e-other/headcount', { employees: 10, effectiveDate: '2017-01-01' }),
        await send('/parks/p-other/union', { effectiveDate: '2017-01-01' }),
      ];

      for (const res of refusals) {
        expectRefusal(res, 403, 'FORBIDDEN');
        expect(res.text).not.toMatch(/revision/i);
      }
      const denials = (await ledger.as().get('/access-denials?limit=3')).body.denials;
      expect(denials.map((d: { actor: string; path: string }) => [d.actor, d.path])).toEqual([
        [`clerk-${n}`, '/parks/p-other/union'],
        [`clerk-${n}`, '/enterprises/e-other/headcount'],
        [`clerk-${n}`, `/members/${memberId}/leave`],
      ]);
      expect(await types(memberId)).toEqual(['MemberJoined']);
    },
  );

  it("given a transfer request between two other parks, when an outsider clerk accepts it with a stale If-Match, then 403 as without it, never 412 with the request's revision", async () => {
    expectAnswer(await api.join('m-req-other', residentId(302), 'e-other', '2016-01-01'));
    expectAnswer(
      await api.post('/transfers', {
        transferId: 't-other',
        memberId: 'm-req-other',
        toEnterpriseId: 'e2',
        effectiveDate: '2016-06-01',
      }),
    );
    const outsider = ledger.as({ sub: 'clerk-p3', role: 'park-clerk', parkId: 'p3' });

    const res = await outsider.post('/transfers/t-other/accept').set('If-Match', '"7"').send({});

    expectRefusal(res, 403, 'FORBIDDEN');
    expect(res.text).not.toMatch(/revision/i);
    expect(await types('m-req-other')).toEqual(['MemberJoined']);
  });

  it.each([
    ['If-None-Match', 60],
    ['If-Unmodified-Since', 62],
    ['If-Modified-Since', 63],
    ['If-Range', 64],
  ] as const)(
    'given a command sent with %s, which no command evaluates, then 400 naming it and nothing is recorded',
    async (name, n) => {
      const memberId = `m-${name}`;
      expectAnswer(await api.join(memberId, residentId(n), 'e1', '2016-01-01'));
      const value = name.endsWith('Since') ? 'Tue, 01 Jan 2030 00:00:00 GMT' : '"0"';

      const res = await ledger
        .as()
        .post(`/members/${memberId}/leave`)
        .set(name, value)
        .send({ reason: 'retired', effectiveDate: '2017-01-01' });

      expectRefusal(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([{ field: name, messages: [expect.stringMatching(`commands do not evaluate ${name}`)] }]);
      expect(await types(memberId)).toEqual(['MemberJoined']);
    },
  );

  it('given a member id nobody holds, when a join carries a revision number, then 412 saying the stream does not exist yet', async () => {
    const res = await post('/members', '"2"', {
      memberId: 'm-new-rev',
      personId: residentId(61),
      name: '王五',
      category: 'regular',
      enterpriseId: 'e1',
      effectiveDate: '2016-01-01',
    });

    expectRefusal(res, 412, 'REVISION_MISMATCH');
    expect(res.body.message).toBe('stream member-m-new-rev does not exist yet, so it is not at revision 2');
    expect(res.body.details).toEqual({ expectedRevision: 2, currentRevision: null });
  });

  it('given an import, which checks no one stream, when it carries If-Match, then 400 naming If-Match before any line is applied', async () => {
    const head = await api.head();

    const res = await ledger
      .as()
      .post('/imports')
      .set('If-Match', '"0"')
      .set('content-type', 'application/x-ndjson')
      .send(ORGANISATION);

    expectRefusal(res, 400, 'VALIDATION_FAILED');
    expect(res.body.details).toEqual([
      { field: 'If-Match', messages: [expect.stringMatching(/POST \/imports takes no If-Match/)] },
    ]);
    expect(await api.head()).toBe(head);
  });
});
