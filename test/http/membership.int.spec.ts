import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient, masked, withCheckX } from './ledger-http.js';

describe('membership over HTTP', () => {
  let ledger: LedgerApp;
  let api: LedgerClient;
  /** Every resident ID number this file sends; none may come back in a response. */
  const sentIds: string[] = [];
  const person = (n: number, birth?: string) => {
    const id = residentId(n, birth);
    sentIds.push(id, id.toLowerCase());
    return id;
  };

  beforeAll(async () => {
    ledger = await startLedger();
    api = new LedgerClient(ledger);
    expectAnswer(await api.registerPark('pA'));
    expectAnswer(await api.registerPark('pB'));
    expectAnswer(await api.registerEnterprise('eA1', 'pA'));
    expectAnswer(await api.registerEnterprise('eA2', 'pA'));
    expectAnswer(await api.registerEnterprise('eB1', 'pB'));
  });
  afterAll(() => ledger.close());

  describe('a membership from joining to rejoining', () => {
    const id = () => residentId(1, '19850615');
    beforeAll(() => void person(1, '19850615'));

    it("given other answers (a command's, the figures, the health check), when sent, then none carries an ETag: a member's revision is the only one", async () => {
      const joined = await api.join('m-no-etag', residentId(9, '19850615'), 'eA1', '2016-03-15');
      expectAnswer(joined);
      const figures = await api.get('/figures?scope=province&asOf=2016-12-31');
      expect(figures.status).toBe(200);
      const health = await request(ledger.http).get('/health');
      expect(health.status).toBe(200);
      expect([joined.headers.etag, figures.headers.etag, health.headers.etag]).toEqual([undefined, undefined, undefined]);
      expect((await api.member('m-no-etag')).headers.etag).toBe('"0"');
    });

    it('given an open enterprise, when a worker joins, then 201 at revision 0 and GET shows the active member with a masked personId and the ETag', async () => {
      const res = await api.join('m-life', id(), 'eA1', '2016-03-15');
      expectAnswer(res);
      expect(res.body.streamRevision).toBe(0);
      const got = await api.member('m-life');
      expect(got.status).toBe(200);
      expect(got.headers.etag).toBe('"0"');
      expect(got.body).toEqual({
        memberId: 'm-life',
        asOf: '2026-11-24',
        knownAt: null,
        revision: 0,
        status: 'active',
        person: { masked: masked(id()) },
        name: '张三',
        category: 'migrant',
        enterpriseId: 'eA1',
        parkId: 'pA',
        memberSince: '2016-03-15',
        leftOn: null,
      });
      expect(got.body.person.masked).toMatch(/^360102\*{8}\d{3}[\dX]$/);
    });

    it('given an active member, when transferred to another park, then GET shows the destination from the transfer day on', async () => {
      expectAnswer(await api.transfer('m-life', 'eB1', '2017-07-01'));
      const now = await api.member('m-life');
      expect(now.body).toMatchObject({
        status: 'active',
        enterpriseId: 'eB1',
        parkId: 'pB',
        memberSince: '2016-03-15',
        revision: 1,
      });
      expect((await api.member('m-life', { asOf: '2017-07-01' })).body).toMatchObject({ enterpriseId: 'eB1', parkId: 'pB' });
      expect((await api.member('m-life', { asOf: '2017-06-30' })).body).toMatchObject({ enterpriseId: 'eA1', parkId: 'pA' });
    });

    it('given an active member, when the category changes, then GET shows it from that day; the same category again is 409 SAME_CATEGORY', async () => {
      expectAnswer(await api.post('/members/m-life/category', { category: 'regular', effectiveDate: '2018-01-01' }));
      expect((await api.member('m-life')).body.category).toBe('regular');
      expect((await api.member('m-life', { asOf: '2017-12-31' })).body.category).toBe('migrant');
      expectRefusal(
        await api.post('/members/m-life/category', { category: 'regular', effectiveDate: '2018-02-01' }),
        409,
        'SAME_CATEGORY',
      );
    });

    it('given an active member, when they leave on D, then they are not active as of D but were the day before', async () => {
      expectAnswer(await api.leave('m-life', '2019-03-31', 'resigned'));
      expect((await api.member('m-life', { asOf: '2019-03-31' })).body).toMatchObject({
        status: 'left',
        leftOn: '2019-03-31',
        enterpriseId: null,
        parkId: null,
        category: null,
        memberSince: null,
      });
      expect((await api.member('m-life', { asOf: '2019-03-30' })).body).toMatchObject({ status: 'active', enterpriseId: 'eB1' });
    });

    it('given a member who left, when transferred, changed or leaving again after that, then 409 MEMBER_NOT_ACTIVE', async () => {
      expectRefusal(await api.transfer('m-life', 'eA2', '2019-05-01'), 409, 'MEMBER_NOT_ACTIVE');
      expectRefusal(
        await api.post('/members/m-life/category', { category: 'migrant', effectiveDate: '2019-05-01' }),
        409,
        'MEMBER_NOT_ACTIVE',
      );
      expectRefusal(await api.leave('m-life', '2019-05-01'), 409, 'MEMBER_NOT_ACTIVE');
    });

    it('given a member who left, when the same person rejoins on the same memberId, then 201 and a new membership period', async () => {
      const res = await api.join('m-life', id(), 'eA2', '2020-09-01', { category: 'dispatched' });
      expectAnswer(res);
      expect((await api.member('m-life')).body).toMatchObject({
        status: 'active',
        enterpriseId: 'eA2',
        parkId: 'pA',
        category: 'dispatched',
        memberSince: '2020-09-01',
        leftOn: null,
      });
      expect((await api.member('m-life', { asOf: '2020-08-31' })).body).toMatchObject({ status: 'left', leftOn: '2019-03-31' });
      const history = await api.history('m-life');
      expect(history.body.entries.map((e: { type: string }) => e.type)).toEqual([
        'MemberJoined',
        'MemberTransferred',
        'MemberCategoryChanged',
        'MemberLeft',
        'MemberJoined',
      ]);
    });

    it('given an active member, when joining again on the same memberId, then 409 MEMBER_ALREADY_ACTIVE', async () => {
      expectRefusal(await api.join('m-life', id(), 'eA1', '2021-01-01'), 409, 'MEMBER_ALREADY_ACTIVE');
    });

    it('given a member id held by one person, when another person joins under it, then 409 MEMBER_ID_TAKEN', async () => {
      expectRefusal(await api.join('m-life', person(2), 'eA1', '2021-01-01'), 409, 'MEMBER_ID_TAKEN');
    });
  });

  describe('as-of dates', () => {
    it('given a worker who joins on D, when read as of D and as of the day before, then active on D and not-joined before', async () => {
      expectAnswer(await api.join('m-asof', person(3), 'eA1', '2016-06-12'));
      expect((await api.member('m-asof', { asOf: '2016-06-12' })).body).toMatchObject({
        status: 'active',
        memberSince: '2016-06-12',
        asOf: '2016-06-12',
      });
      expect((await api.member('m-asof', { asOf: '2016-06-11' })).body).toMatchObject({
        status: 'not-joined',
        enterpriseId: null,
      });
    });

    it('given no such member, when read or its history read, then 404 NOT_FOUND', async () => {
      expectRefusal(await api.member('m-nobody'), 404, 'NOT_FOUND');
      expectRefusal(await api.history('m-nobody'), 404, 'NOT_FOUND');
    });

    it('given no such member, when transferred, left, changed or an entry voided, then 404 NOT_FOUND', async () => {
      expectRefusal(await api.transfer('m-nobody', 'eA1', '2016-06-12'), 404, 'NOT_FOUND');
      expectRefusal(await api.leave('m-nobody', '2016-06-12'), 404, 'NOT_FOUND');
      expectRefusal(
        await api.post('/members/m-nobody/category', { category: 'regular', effectiveDate: '2016-06-12' }),
        404,
        'NOT_FOUND',
      );
      expectRefusal(await api.post(`/members/m-nobody/entries/${randomUUID()}/void`, { reason: 'no' }), 404, 'NOT_FOUND');
    });

    it('given an active member, when transferred to an unknown enterprise or to the current one, then 404 NOT_FOUND and 409 SAME_ENTERPRISE', async () => {
      expectAnswer(await api.join('m-targets', person(4), 'eA1', '2016-01-01'));
      expectRefusal(await api.transfer('m-targets', 'e-unknown', '2016-06-12'), 404, 'NOT_FOUND');
      expectRefusal(await api.transfer('m-targets', 'eA1', '2016-06-12'), 409, 'SAME_ENTERPRISE');
    });

    it('given an unknown enterprise, when a worker joins it, then 404 NOT_FOUND', async () => {
      const res = await api.join('m-nowhere', person(5), 'e-unknown', '2016-01-01');
      expectRefusal(res, 404, 'NOT_FOUND');
      expect(res.body.details).toEqual({ enterpriseId: 'e-unknown' });
    });

    it('given a resident ID number whose birth date is after today in Asia/Shanghai (2030-01-01, or tomorrow), when the worker joins, then 400 VALIDATION_FAILED on personId and nothing is recorded', async () => {
      for (const [memberId, birth] of [
        ['m-unborn', '20300101'],
        ['m-born-tomorrow', '20261125'],
      ]) {
        const res = await api.join(memberId, person(6, birth), 'eA1', '2016-01-01');
        expectRefusal(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details).toEqual([
          { field: 'personId', messages: ['personId holds a birth date in the future (after today, 2026-11-24, Asia/Shanghai)'] },
        ]);
        expectRefusal(await api.member(memberId), 404, 'NOT_FOUND');
      }
    });

    it('given a person born in 2017, when a join dated 2016-01-01 is recorded for them, then 400 VALIDATION_FAILED on personId without the birth date, and dated 2018 it is recorded', async () => {
      const res = await api.join('m-born-2017', person(7, '20170301'), 'eA1', '2016-01-01');
      expectRefusal(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([
        {
          field: 'personId',
          messages: ['personId holds a birth date after effectiveDate (2016-01-01): nobody joins before being born'],
        },
      ]);
      expect(res.text).not.toContain('2017');
      expectAnswer(await api.join('m-born-2017', person(7, '20170301'), 'eA1', '2018-01-01'));
    });
  });

  describe('knowledge instants (knownAt)', () => {
    it('given a join, a transfer and its void recorded an hour apart, when read at each knownAt, then only what was recorded by then counts', async () => {
      const t0 = ledger.clock.now().getTime() + 3_600_000;
      ledger.clock.set(new Date(t0).toISOString());
      const joined = await api.join('m-known', person(6), 'eA1', '2016-01-01');
      // Stamped by the clock (the person claim takes t0, the member's fact the next millisecond).
      expect(Date.parse(joined.body.recordedAt) - t0).toBeGreaterThanOrEqual(0);
      expect(Date.parse(joined.body.recordedAt) - t0).toBeLessThan(10);
      ledger.clock.advance(3_600_000);
      const moved = await api.transfer('m-known', 'eB1', '2016-02-01');
      expectAnswer(moved);
      ledger.clock.advance(3_600_000);
      const voided = await api.post(`/members/m-known/entries/${moved.body.eventId}/void`, { reason: 'wrong member' });
      expectAnswer(voided);

      const justBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();
      expectRefusal(await api.member('m-known', { knownAt: justBefore(joined.body.recordedAt) }), 404, 'NOT_FOUND');
      expect((await api.member('m-known', { knownAt: joined.body.recordedAt })).body).toMatchObject({
        status: 'active',
        enterpriseId: 'eA1',
        knownAt: joined.body.recordedAt,
      });
      expect((await api.member('m-known', { knownAt: justBefore(moved.body.recordedAt) })).body).toMatchObject({
        enterpriseId: 'eA1',
      });
      expect((await api.member('m-known', { knownAt: moved.body.recordedAt })).body).toMatchObject({
        enterpriseId: 'eB1',
        parkId: 'pB',
      });
      expect((await api.member('m-known', { knownAt: justBefore(voided.body.recordedAt) })).body).toMatchObject({
        enterpriseId: 'eB1',
      });
      expect((await api.member('m-known', { knownAt: voided.body.recordedAt })).body).toMatchObject({ enterpriseId: 'eA1' });
      expect((await api.member('m-known')).body).toMatchObject({ enterpriseId: 'eA1', knownAt: null, revision: 2 });
    });

    it('given a fact, when knownAt is written with a +08:00 offset, then it is the same instant', async () => {
      const joined = await api.join('m-offset', person(7), 'eA1', '2016-01-01');
      const recorded = new Date(joined.body.recordedAt);
      const shanghai = new Date(recorded.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
      const before = new Date(recorded.getTime() + 8 * 3_600_000 - 1000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
      const res = await api.member('m-offset', { knownAt: shanghai });
      expect(res.body).toMatchObject({ status: 'active', knownAt: joined.body.recordedAt });
      expectRefusal(await api.member('m-offset', { knownAt: before }), 404, 'NOT_FOUND');
    });
  });

  describe('voids', () => {
    it('given a transfer recorded in error, when voided, then the member is back at the origin and the history marks the voided fact', async () => {
      expectAnswer(await api.join('m-void', person(8), 'eA1', '2016-01-01'));
      const moved = await api.transfer('m-void', 'eB1', '2016-05-01');
      const voided = await api.post(`/members/m-void/entries/${moved.body.eventId.toUpperCase()}/void`, {
        reason: 'recorded for the wrong member',
      });
      expectAnswer(voided);
      expect(voided.body.streamRevision).toBe(2);
      expect((await api.member('m-void')).body).toMatchObject({
        status: 'active',
        enterpriseId: 'eA1',
        parkId: 'pA',
        revision: 2,
      });

      const history = await api.history('m-void');
      expect(history.status).toBe(200);
      expect(history.body.memberId).toBe('m-void');
      const [join, transfer, entryVoided] = history.body.entries;
      expect(history.body.entries).toHaveLength(3);
      expect(join).toMatchObject({ type: 'MemberJoined', effectiveDate: '2016-01-01', actor: 'test-admin' });
      expect(join.voided).toBeUndefined();
      expect(transfer).toMatchObject({
        eventId: moved.body.eventId,
        type: 'MemberTransferred',
        effectiveDate: '2016-05-01',
        recordedAt: moved.body.recordedAt,
        actor: 'test-admin',
        voided: {
          voidEventId: voided.body.eventId,
          reason: 'recorded for the wrong member',
          actor: 'test-admin',
          recordedAt: voided.body.recordedAt,
        },
      });
      expect(Object.keys(transfer.voided).sort()).toEqual(['actor', 'reason', 'recordedAt', 'voidEventId']);
      expect(entryVoided).toMatchObject({
        eventId: voided.body.eventId,
        type: 'EntryVoided',
        effectiveDate: null,
        recordedAt: voided.body.recordedAt,
        actor: 'test-admin',
        data: { voidedEventId: moved.body.eventId, reason: 'recorded for the wrong member' },
      });
    });

    it('given the history asked as known at the transfer, before its void, then it ends at the transfer with no void mark; at a future instant it is the history now; any other parameter is 400', async () => {
      const now = await api.history('m-void');
      const [join, transfer] = now.body.entries;
      const then = await api.get(`/members/m-void/history?knownAt=${encodeURIComponent(transfer.recordedAt)}`);
      expect(then.status).toBe(200);
      const { voided, ...unvoided } = transfer;
      expect(voided).toBeDefined();
      expect(then.body).toEqual({ memberId: 'm-void', knownAt: transfer.recordedAt, entries: [join, unvoided] });
      expect(now.body.knownAt).toBeNull();

      const future = await api.get('/members/m-void/history?knownAt=2099-01-01T00:00:00Z');
      expect(future.body).toEqual(now.body);
      expectRefusal(
        await api.get(`/members/m-void/history?knownAt=${encodeURIComponent(join.recordedAt)}&x=1`),
        400,
        'VALIDATION_FAILED',
      );
      expect((await api.member('m-void', { knownAt: '2099-01-01T00:00:00Z' })).body).toEqual((await api.member('m-void')).body);
      const asOf = await api.get('/members/m-void/history?asOf=2016-03-01');
      expectRefusal(asOf, 400, 'VALIDATION_FAILED');
      expect(asOf.body.details).toEqual([expect.objectContaining({ field: 'asOf' })]);
      expectRefusal(await api.get('/members/m-void/history?knownAt=2016-01-01T00:00:00Z'), 404, 'NOT_FOUND');
    });

    it('given a voided fact, when voided again, then 409 ALREADY_VOIDED; an unknown entry is 404 NOT_FOUND', async () => {
      const entries = (await api.history('m-void')).body.entries;
      expectRefusal(
        await api.post(`/members/m-void/entries/${entries[1].eventId}/void`, { reason: 'again' }),
        409,
        'ALREADY_VOIDED',
      );
      expectRefusal(await api.post(`/members/m-void/entries/${randomUUID()}/void`, { reason: 'unknown' }), 404, 'NOT_FOUND');
    });

    it('given a join followed by a transfer, when the join is voided, then 409 TIMELINE_CONFLICT and nothing is appended', async () => {
      expectAnswer(await api.join('m-void-join', person(9), 'eA1', '2016-01-01'));
      const moved = await api.transfer('m-void-join', 'eB1', '2016-05-01');
      const joinId = (await api.history('m-void-join')).body.entries[0].eventId;
      const before = await api.head();
      const res = await api.post(`/members/m-void-join/entries/${joinId}/void`, { reason: 'duplicate' });
      expectRefusal(res, 409, 'TIMELINE_CONFLICT');
      expect(res.body.details).toMatchObject({ conflictingEventId: moved.body.eventId });
      expect(await api.head()).toBe(before);
    });

    it('given a leave recorded in error, when voided, then the member is active again', async () => {
      expectAnswer(await api.join('m-void-leave', person(10), 'eA1', '2016-01-01'));
      const left = await api.leave('m-void-leave', '2017-01-01');
      expectAnswer(await api.post(`/members/m-void-leave/entries/${left.body.eventId}/void`, { reason: 'did not leave' }));
      expect((await api.member('m-void-leave')).body).toMatchObject({ status: 'active', enterpriseId: 'eA1', leftOn: null });
    });
  });

  describe('the timeline', () => {
    it('given a join and a transfer on 2017-06-01, when a leave is back-dated to 2017-01-01, then 409 TIMELINE_CONFLICT naming the transfer and nothing is appended', async () => {
      expectAnswer(await api.join('m-backdate', person(11), 'eA1', '2016-01-01'));
      const moved = await api.transfer('m-backdate', 'eB1', '2017-06-01');
      expectAnswer(moved);
      const before = await api.head();
      const res = await api.leave('m-backdate', '2017-01-01');
      expectRefusal(res, 409, 'TIMELINE_CONFLICT');
      expect(res.body.details).toEqual({ conflictingEventId: moved.body.eventId, reason: 'MEMBER_NOT_ACTIVE' });
      expect(await api.head()).toBe(before);
      expect((await api.history('m-backdate')).body.entries).toHaveLength(2);
    });

    it('given a later transfer, when a leave is dated after it, then 201', async () => {
      expectAnswer(await api.leave('m-backdate', '2018-01-01'));
    });
  });

  describe('one person, one membership', () => {
    const id = () => withCheckX((n) => residentId(n, '19770202'));
    beforeAll(() => {
      sentIds.push(id(), id().toLowerCase());
    });

    it('given a person who joined in park pA and moved to pB, when they join again under another memberId, then 409 PERSON_ALREADY_MEMBER with memberId and parkId', async () => {
      expectAnswer(await api.join('m-first', id(), 'eA1', '2016-01-01'));
      expectAnswer(await api.transfer('m-first', 'eB1', '2017-01-01'));
      const before = await api.head();
      const res = await api.join('m-second', id(), 'eA2', '2018-01-01');
      expectRefusal(res, 409, 'PERSON_ALREADY_MEMBER');
      expect(res.body.details).toEqual({ memberId: 'm-first', parkId: 'pB' });
      expect(await api.head()).toBe(before);
      expectRefusal(await api.member('m-second'), 404, 'NOT_FOUND');
    });

    it('given the same person, when the ID is sent with a lower-case x, then it is the same person: 409 PERSON_ALREADY_MEMBER', async () => {
      const res = await api.join('m-second', id().toLowerCase(), 'eA2', '2018-01-01');
      expectRefusal(res, 409, 'PERSON_ALREADY_MEMBER');
      expect(res.body.details).toEqual({ memberId: 'm-first', parkId: 'pB' });
    });

    it('given a join dated while the other membership was still in pA, when refused, then the parkId is where it stands now (pB), to open a transfer from', async () => {
      const res = await api.join('m-second', id(), 'eA2', '2016-06-01');
      expectRefusal(res, 409, 'PERSON_ALREADY_MEMBER');
      expect(res.body.details).toEqual({ memberId: 'm-first', parkId: 'pB' });
    });

    it('given the person left, when they join under another memberId after leaving, then 201 and the mask shows an upper-case X', async () => {
      expectAnswer(await api.leave('m-first', '2019-01-01'));
      expectAnswer(await api.join('m-second', id().toLowerCase(), 'eA2', '2019-06-01'));
      const got = await api.member('m-second');
      expect(got.body.person.masked).toBe(masked(id()));
      expect(got.body.person.masked).toMatch(/^360102\*{8}\d{3}X$/);
    });
  });

  it('given every response of this file, then the masked personIds appear and no full resident ID number ever does', async () => {
    const history = await api.history('m-life');
    expect(history.body.entries[0].data.person).toEqual({ masked: masked(residentId(1, '19850615')) });
    const all = api.seen.join('\n');
    expect(api.seen.length).toBeGreaterThan(50);
    expect(sentIds.length).toBeGreaterThan(20);
    expect(all).toContain(masked(residentId(1, '19850615')));
    for (const id of sentIds) expect({ id, found: all.includes(id) }).toEqual({ id, found: false });
  });
});
