import request from 'supertest';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient, withCheckX } from './ledger-http.js';

/** Concurrent requests need a listening server: supertest would otherwise open and close one per request. */
async function listening(ledger: LedgerApp): Promise<LedgerApp> {
  await new Promise<void>((resolve) => ledger.http.listen(0, '127.0.0.1', resolve));
  return ledger;
}

describe('idempotency and concurrency over HTTP', () => {
  let ledger: LedgerApp;
  let api: LedgerClient;

  beforeAll(async () => {
    ledger = await listening(await startLedger());
    api = new LedgerClient(ledger);
    expectAnswer(await api.registerPark('p1'));
    expectAnswer(await api.registerPark('p2'));
    expectAnswer(await api.registerEnterprise('e1', 'p1'));
    expectAnswer(await api.registerEnterprise('e2', 'p2'));
    expectAnswer(await api.registerEnterprise('e3', 'p2'));
  });
  afterAll(() => ledger.close());

  describe('commandId', () => {
    it('given a join under a commandId, when the same body is sent again, then 200 with the identical answer and one event only', async () => {
      const id = withCheckX((n) => residentId(n, '19880808'));
      const first = await api.join('m-idem', id, 'e1', '2016-01-01', { commandId: 'cmd-join-1' });
      expectAnswer(first, 201);
      const head = await api.head();
      const again = await api.join('m-idem', id, 'e1', '2016-01-01', { commandId: 'cmd-join-1' });
      expectAnswer(again, 200);
      expect(again.body).toEqual(first.body);
      // The same person written with a lower-case x is the same command.
      const lower = await api.join('m-idem', id.toLowerCase(), 'e1', '2016-01-01', { commandId: 'cmd-join-1' });
      expectAnswer(lower, 200);
      expect(lower.body).toEqual(first.body);
      expect(await api.head()).toBe(head);
      expect((await api.history('m-idem')).body.entries).toHaveLength(1);
    });

    it('given a park registered under a commandId, when sent again with its keys in another order, then 200 with the identical answer', async () => {
      const first = await api.post('/parks', {
        parkId: 'p-idem',
        name: 'P',
        cityId: 'c1',
        level: 'national',
        effectiveDate: '2015-01-01',
        commandId: 'cmd-park-1',
      });
      expectAnswer(first, 201);
      const again = await api.post('/parks', {
        commandId: 'cmd-park-1',
        effectiveDate: '2015-01-01',
        level: 'national',
        cityId: 'c1',
        name: 'P',
        parkId: 'p-idem',
      });
      expectAnswer(again, 200);
      expect(again.body).toEqual(first.body);
    });

    it('given a commandId used once, when sent with another body, then 409 COMMAND_ID_REUSED and nothing is appended', async () => {
      const head = await api.head();
      const res = await api.join('m-idem', residentId(2), 'e1', '2016-01-01', { commandId: 'cmd-join-1' });
      expectRefusal(res, 409, 'COMMAND_ID_REUSED');
      expect(res.body.details).toEqual({ commandId: 'cmd-join-1' });
      expectRefusal(await api.transfer('m-idem', 'e2', '2016-02-01', { commandId: 'cmd-join-1' }), 409, 'COMMAND_ID_REUSED');
      expectRefusal(
        await api.post('/parks', {
          parkId: 'p-other',
          name: 'P',
          cityId: 'c1',
          level: 'national',
          effectiveDate: '2015-01-01',
          commandId: 'cmd-park-1',
        }),
        409,
        'COMMAND_ID_REUSED',
      );
      expect(await api.head()).toBe(head);
    });

    it('given a command refused by a rule, when the corrected command is sent under the same commandId, then it is recorded (a refusal does not use up the id)', async () => {
      expectAnswer(await api.join('m-corrected', residentId(41, '19770707'), 'e1', '2016-01-01'));
      expectRefusal(
        await api.transfer('m-corrected', 'e1', '2016-03-01', { commandId: 'cmd-corrected' }),
        409,
        'SAME_ENTERPRISE',
      );
      expectAnswer(await api.transfer('m-corrected', 'e2', '2016-03-01', { commandId: 'cmd-corrected' }), 201);
      expectAnswer(await api.transfer('m-corrected', 'e2', '2016-03-01', { commandId: 'cmd-corrected' }), 200);
      expectRefusal(
        await api.transfer('m-corrected', 'e3', '2016-03-01', { commandId: 'cmd-corrected' }),
        409,
        'COMMAND_ID_REUSED',
      );
    });

    it('given a transfer answered under a commandId and later facts, when the transfer is retried with its stale expectedRevision, then 200 with the original answer (not 412, not MEMBER_NOT_ACTIVE)', async () => {
      expectAnswer(await api.join('m-retry', residentId(3), 'e1', '2016-01-01'));
      const moved = await api.transfer('m-retry', 'e2', '2016-06-01', { commandId: 'cmd-transfer-1', expectedRevision: 0 });
      expectAnswer(moved, 201);
      expectAnswer(await api.leave('m-retry', '2017-01-01'));
      const retried = await api.transfer('m-retry', 'e2', '2016-06-01', { commandId: 'cmd-transfer-1', expectedRevision: 0 });
      expectAnswer(retried, 200);
      expect(retried.body).toEqual(moved.body);
      expect((await api.history('m-retry')).body.entries.map((e: { type: string }) => e.type)).toEqual([
        'MemberJoined',
        'MemberTransferred',
        'MemberLeft',
      ]);
    });
  });

  describe('expectedRevision', () => {
    it('given a member at revision 1, when a command carries expectedRevision 0, then 412 REVISION_MISMATCH with both revisions and nothing is appended', async () => {
      expectAnswer(await api.join('m-rev', residentId(4), 'e1', '2016-01-01'));
      expectAnswer(await api.transfer('m-rev', 'e2', '2016-06-01'));
      const head = await api.head();
      const res = await api.leave('m-rev', '2017-01-01', 'retired', { expectedRevision: 0 });
      expectRefusal(res, 412, 'REVISION_MISMATCH');
      expect(res.body.details).toEqual({ expectedRevision: 0, currentRevision: 1 });
      expect(await api.head()).toBe(head);
    });

    it('given the revision GET answered, when a command carries it, then 201', async () => {
      const got = await api.member('m-rev');
      expect(got.headers.etag).toBe(`"${got.body.revision}"`);
      const res = await api.post('/members/m-rev/category', {
        category: 'regular',
        effectiveDate: '2017-01-01',
        expectedRevision: got.body.revision,
      });
      expectAnswer(res);
      expect(res.body.streamRevision).toBe(got.body.revision + 1);
    });

    it('given no member yet, when a join carries expectedRevision 0, then 412 REVISION_MISMATCH', async () => {
      const res = await api.join('m-rev-new', residentId(5), 'e1', '2016-01-01', { expectedRevision: 0 });
      expectRefusal(res, 412, 'REVISION_MISMATCH');
      expect(res.body.details).toEqual({ expectedRevision: 0, currentRevision: null });
    });
  });

  describe('concurrent commands', () => {
    it('given one member at revision 0, when 50 transfers with expectedRevision 0 arrive at once, then exactly one is 201 and 49 are 412', async () => {
      expectAnswer(await api.join('m-race', residentId(6), 'e1', '2016-01-01'));
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          ledger
            .as()
            .post('/members/m-race/transfer')
            .send({ toEnterpriseId: i % 2 === 0 ? 'e2' : 'e3', effectiveDate: '2016-06-01', expectedRevision: 0 }),
        ),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(49);
      for (const r of responses.filter((x) => x.status === 412)) expectRefusal(r, 412, 'REVISION_MISMATCH');
      const winner = responses.find((r) => r.status === 201)!;
      const history = (await api.history('m-race')).body.entries;
      expect(history.map((e: { type: string; eventId: string }) => [e.type, e.eventId])).toEqual([
        ['MemberJoined', history[0].eventId],
        ['MemberTransferred', winner.body.eventId],
      ]);
    });

    it('given one person, when 50 joins under 50 memberIds arrive at once, then exactly one is 201, 49 are 409 PERSON_ALREADY_MEMBER naming the winner, and only the winner exists', async () => {
      const id = residentId(7);
      const memberIds = Array.from({ length: 50 }, (_, i) => `m-dup-${i}`);
      const responses = await Promise.all(
        memberIds.map((memberId, i) =>
          ledger
            .as()
            .post('/members')
            .send({
              memberId,
              personId: id,
              name: '王五',
              category: 'migrant',
              enterpriseId: i % 2 === 0 ? 'e1' : 'e2',
              effectiveDate: '2016-01-01',
            }),
        ),
      );
      const winners = memberIds.filter((_, i) => responses[i].status === 201);
      expect(winners).toHaveLength(1);
      const winner = winners[0];
      const winnerPark = memberIds.indexOf(winner) % 2 === 0 ? 'p1' : 'p2';
      const losers = responses.filter((r) => r.status !== 201);
      expect(losers).toHaveLength(49);
      for (const r of losers) {
        expectRefusal(r, 409, 'PERSON_ALREADY_MEMBER');
        expect(r.body.details).toEqual({ memberId: winner, parkId: winnerPark });
      }
      const reads = await Promise.all(memberIds.map((m) => ledger.as().get(`/members/${m}`)));
      expect(memberIds.filter((_, i) => reads[i].status === 200)).toEqual([winner]);
      expect(reads.filter((r) => r.status === 404)).toHaveLength(49);
    });

    it('given one member, when 20 different category and transfer commands without expectedRevision arrive at once, then every one is answered 201 or 409 and the timeline stays valid', async () => {
      expectAnswer(await api.join('m-busy', residentId(8), 'e1', '2016-01-01'));
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? ledger
                .as()
                .post('/members/m-busy/transfer')
                .send({ toEnterpriseId: ['e2', 'e3'][i % 4 === 0 ? 0 : 1], effectiveDate: '2016-06-01' })
            : ledger.as().post('/members/m-busy/category').send({ category: 'regular', effectiveDate: '2016-07-01' }),
        ),
      );
      expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
      // The first transfer and the category change can only happen once each: the rest are refused by the rules.
      const accepted = responses.filter((r) => r.status === 201).length;
      const history = (await api.history('m-busy')).body.entries;
      expect(history).toHaveLength(1 + accepted);
      expect(history.filter((e: { type: string }) => e.type === 'MemberCategoryChanged')).toHaveLength(1);
      expect((await api.member('m-busy')).body).toMatchObject({ status: 'active', category: 'regular' });
    });
  });

  describe('a restart on the same data dir', () => {
    const members = ['m-idem', 'm-retry', 'm-rev', 'm-race', 'm-busy'];
    let before: Array<{ memberId: string; history: unknown; state: unknown }>;
    let headBefore: string | null;

    beforeAll(async () => {
      before = [];
      for (const memberId of members)
        before.push({ memberId, history: (await api.history(memberId)).body, state: (await api.member(memberId)).body });
      headBefore = await api.head();
      await ledger.stop();
      ledger = await listening(await startLedger({ dataDir: ledger.dataDir, clock: ledger.clock }));
      api = new LedgerClient(ledger);
    });

    it('given facts recorded before the restart, when read after it, then every history and state is identical and the head unchanged', async () => {
      expect(await api.head()).toBe(headBefore);
      const after = [];
      for (const memberId of members)
        after.push({ memberId, history: (await api.history(memberId)).body, state: (await api.member(memberId)).body });
      expect(after).toEqual(before);
    });

    it('given a command answered before the restart, when its commandId and body are sent again, then 200 with the original answer', async () => {
      const original = (
        before.find((b) => b.memberId === 'm-idem')!.history as { entries: Array<{ eventId: string; recordedAt: string }> }
      ).entries[0];
      const again = await api.join(
        'm-idem',
        withCheckX((n) => residentId(n, '19880808')),
        'e1',
        '2016-01-01',
        { commandId: 'cmd-join-1' },
      );
      expectAnswer(again, 200);
      expect(again.body).toMatchObject({ eventId: original.eventId, streamRevision: 0, recordedAt: original.recordedAt });
      expect(await api.head()).toBe(headBefore);
    });

    it('given a commandId used before the restart, when sent with another body, then 409 COMMAND_ID_REUSED', async () => {
      expectRefusal(
        await api.join('m-idem', residentId(9), 'e1', '2016-01-01', { commandId: 'cmd-join-1' }),
        409,
        'COMMAND_ID_REUSED',
      );
    });

    it('given the person uniqueness recorded before the restart, when the person joins under another memberId, then still 409 PERSON_ALREADY_MEMBER', async () => {
      expectRefusal(await api.join('m-dup-after', residentId(7), 'e3', '2020-01-01'), 409, 'PERSON_ALREADY_MEMBER');
    });

    it('given the restarted service, when a member command carries the revision read before the restart, then 201', async () => {
      const state = before.find((b) => b.memberId === 'm-race')!.state as { revision: number };
      expectAnswer(await api.leave('m-race', '2018-01-01', 'retired', { expectedRevision: state.revision }));
    });
  });
});
