import type { Principal } from '../../src/auth/principal.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import { join } from 'node:path';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from '../http/ledger-http.js';
import { CLERK_P1, CLERK_P2, startTwoParks } from './two-parks.js';

/*
 * The two-party transfer workflow (contract section 8) over HTTP on the embedded store.
 * City nanchang holds park p1 (enterprises e1, e1b); city ganzhou holds park p2 (e2, and e2x,
 * closed in 2016). Each test moves its own members, so the tests do not depend on each other.
 */

const OFFICER_GANZHOU: Principal = { sub: 'officer-ganzhou', role: 'city-officer', cityId: 'ganzhou' };

describe('the transfer workflow between parks', () => {
  let ledger: LedgerApp;
  let admin: LedgerClient;
  let p1: LedgerClient;
  let p2: LedgerClient;
  let store: EventStore;
  let n = 0;

  /** A fresh migrant worker at e1 (p1) since 2015, with their resident ID number. */
  const freshMember = async (enterpriseId = 'e1') => {
    const k = ++n;
    const memberId = `w-${k}`;
    const personId = residentId(100 + k);
    expectAnswer(await admin.join(memberId, personId, enterpriseId, '2015-03-01'));
    return { memberId, personId };
  };
  const members = async (scope: string, asOf: string) => {
    const res = await admin.get(`/figures?scope=${scope}&asOf=${asOf}`);
    expect(res.status).toBe(200);
    return res.body.totals;
  };
  const movesOf = async (memberId: string) =>
    (await store.readStream(`member-${memberId}`)).filter((e) => e.type === 'MemberTransferred');
  const listed = async (transferId: string, client: LedgerClient = admin) => {
    const res = await client.get('/transfers?limit=1000');
    expect(res.status).toBe(200);
    return res.body.transfers.find((t: { transferId: string }) => t.transferId === transferId);
  };

  beforeAll(async () => {
    ({ ledger, admin, p1, p2 } = await startTwoParks());
    store = ledger.app.get<EventStore>(EVENT_STORE);
    for (const [id, park] of [
      ['e1', 'p1'],
      ['e1b', 'p1'],
      ['e2', 'p2'],
      ['e2x', 'p2'],
    ])
      expectAnswer(await admin.registerEnterprise(id, park, '2010-06-01'));
    expectAnswer(await admin.post('/enterprises/e2x/close', { effectiveDate: '2016-01-31' }));
  });
  afterAll(() => ledger.close());

  it('given a request from the origin, when the destination accepts it, then the member moves once and the figures of both parks and the province change on the effective date only', async () => {
    // Given the baseline as of 30 June, 1 July and 2 July (before, on and after the move)
    const days = ['2016-06-30', '2016-07-01', '2016-07-02'];
    const scopes = ['park:p1', 'park:p2', 'city:nanchang', 'city:ganzhou', 'province'];
    const before: Record<string, number[]> = {};
    const { memberId } = await freshMember();
    for (const scope of scopes) before[scope] = await Promise.all(days.map(async (d) => (await members(scope, d)).members));

    // When the clerk of p1 opens a request to e2 (p2) effective 1 July
    const opened = await p1.post('/transfers', {
      transferId: 't-origin',
      memberId,
      toEnterpriseId: 'e2',
      effectiveDate: '2016-07-01',
    });
    expectAnswer(opened);
    // Then while pending the member stays counted at p1; the parks and cities show it as pending
    expect(await listed('t-origin')).toMatchObject({
      memberId,
      from: { enterpriseId: 'e1', parkId: 'p1' },
      to: { enterpriseId: 'e2', parkId: 'p2' },
      openedBy: 'origin',
      status: 'pending',
      requestedBy: 'clerk-p1',
      overdue: false,
      memberTransferred: null,
    });
    for (const scope of scopes)
      expect(await Promise.all(days.map(async (d) => (await members(scope, d)).members))).toEqual(before[scope]);
    expect(await members('park:p1', '2016-07-01')).toMatchObject({ pendingTransfersIn: 0, pendingTransfersOut: 1 });
    expect(await members('park:p2', '2016-07-01')).toMatchObject({ pendingTransfersIn: 1, pendingTransfersOut: 0 });
    expect(await members('city:ganzhou', '2016-07-01')).toMatchObject({ pendingTransfersIn: 1, pendingTransfersOut: 0 });
    expect(await members('province', '2016-07-01')).not.toHaveProperty('pendingTransfersIn');
    const pendingKnownAt = (await admin.get('/figures?scope=park:p2&asOf=2016-07-01')).body.knownAt;

    // When the clerk of p2 accepts it
    ledger.clock.advance(60_000);
    const accepted = await p2.post('/transfers/t-origin/accept', {});
    expectAnswer(accepted);

    // Then the member's stream holds one MemberTransferred with the transferId, recorded for the acceptor
    const moves = await movesOf(memberId);
    expect(moves.map((e) => ({ data: e.data, actor: e.metadata.actor }))).toEqual([
      {
        data: {
          memberId,
          from: { enterpriseId: 'e1', parkId: 'p1' },
          to: { enterpriseId: 'e2', parkId: 'p2' },
          transferId: 't-origin',
          effectiveDate: '2016-07-01',
        },
        actor: 'clerk-p2',
      },
    ]);
    // And p1 loses the member from 1 July, p2 gains them from 1 July, the province does not change
    const after = async (scope: string) => Promise.all(days.map(async (d) => (await members(scope, d)).members));
    expect(await after('park:p1')).toEqual([before['park:p1'][0], before['park:p1'][1] - 1, before['park:p1'][2] - 1]);
    expect(await after('park:p2')).toEqual([before['park:p2'][0], before['park:p2'][1] + 1, before['park:p2'][2] + 1]);
    expect(await after('city:nanchang')).toEqual([
      before['city:nanchang'][0],
      before['city:nanchang'][1] - 1,
      before['city:nanchang'][2] - 1,
    ]);
    expect(await after('province')).toEqual(before.province);
    // And statements count it as transferred out of p1, in to p2, internal to the province, never as joined or left
    const statement = async (scope: string) =>
      (await admin.get(`/statement?scope=${scope}&from=2016-07-01&to=2016-07-01`)).body as Record<string, unknown>;
    expect(await statement('park:p1')).toMatchObject({
      transferredOut: 1,
      transferredIn: 0,
      joined: { total: 0 },
      left: { total: 0 },
    });
    expect(await statement('park:p2')).toMatchObject({
      transferredOut: 0,
      transferredIn: 1,
      joined: { total: 0 },
      left: { total: 0 },
    });
    expect(await statement('province')).toMatchObject({
      internalTransfers: 1,
      transferredIn: 0,
      transferredOut: 0,
      joined: { total: 0 },
    });
    // And nothing is pending any more, though it was as known before the acceptance
    expect(await members('park:p2', '2016-07-01')).toMatchObject({ pendingTransfersIn: 0 });
    const then = await admin.get(`/figures?scope=park:p2&asOf=2016-07-01&knownAt=${encodeURIComponent(pendingKnownAt)}`);
    expect(then.body.totals).toMatchObject({ pendingTransfersIn: 1, members: before['park:p2'][1] });
    // And the list shows it accepted and carried out
    expect(await listed('t-origin', p2)).toMatchObject({
      status: 'accepted',
      accepted: { effectiveDate: '2016-07-01', by: 'clerk-p2' },
      memberTransferred: { eventId: moves[0].id },
    });
  });

  it('given a destination clerk who knows only the resident ID number, when they open a request and the origin accepts it, then the member moves', async () => {
    const { memberId, personId } = await freshMember();
    const opened = await p2.post('/transfers', {
      transferId: 't-dest',
      personId,
      toEnterpriseId: 'e2',
      effectiveDate: '2016-08-01',
    });
    expectAnswer(opened);
    expect(opened.text).not.toContain(personId);
    expect(await listed('t-dest')).toMatchObject({ memberId, openedBy: 'destination', status: 'pending' });
    // The side that opened it does not accept it
    expectRefusal(await p2.post('/transfers/t-dest/accept', {}), 403, 'FORBIDDEN');
    expectAnswer(await p1.post('/transfers/t-dest/accept', {}));
    expect((await admin.member(memberId)).body).toMatchObject({ enterpriseId: 'e2', parkId: 'p2' });
    // An ID number nobody holds
    expectRefusal(
      await p2.post('/transfers', {
        transferId: 't-nobody',
        personId: residentId(999),
        toEnterpriseId: 'e2',
        effectiveDate: '2016-08-01',
      }),
      404,
      'NOT_FOUND',
    );
  });

  it('given a resident ID number born after today (tomorrow, or 2030), when a destination clerk opens a request by it, then 400 VALIDATION_FAILED on personId in the words a join refuses it with, and nothing is opened', async () => {
    for (const [k, birth] of [
      [1, '20160902'],
      [2, '20300101'],
    ] as const) {
      const personId = residentId(900 + k, birth);
      const joined = await p2.join(`unborn-${k}`, personId, 'e2', '2016-08-01');
      expectRefusal(joined, 400, 'VALIDATION_FAILED');
      const transferId = `t-unborn-${k}`;
      const requested = await p2.post('/transfers', { transferId, personId, toEnterpriseId: 'e2', effectiveDate: '2016-08-01' });
      expectRefusal(requested, 400, 'VALIDATION_FAILED');
      expect(requested.body.details).toEqual([
        { field: 'personId', messages: ['personId holds a birth date in the future (after today, 2016-09-01, Asia/Shanghai)'] },
      ]);
      expect(requested.body).toEqual(joined.body);
      expect(requested.text).not.toContain(personId);
      expect(await listed(transferId)).toBeUndefined();
    }
  });

  it('given a join of a person already active in another park, then 409 PERSON_ALREADY_MEMBER names the membership, and a request by ID number opens the transfer in one step', async () => {
    const { memberId, personId } = await freshMember();
    const refused = await p2.post('/members', {
      memberId: `dup-${memberId}`,
      personId,
      name: '王五',
      category: 'migrant',
      enterpriseId: 'e2',
      effectiveDate: '2016-08-15',
    });
    expectRefusal(refused, 409, 'PERSON_ALREADY_MEMBER');
    expect(refused.body.details).toEqual({ memberId, parkId: 'p1' });
    expectAnswer(
      await p2.post('/transfers', { transferId: 't-dup', personId, toEnterpriseId: 'e2', effectiveDate: '2016-08-15' }),
    );
    expect(await listed('t-dup')).toMatchObject({ memberId, from: { parkId: 'p1' }, to: { parkId: 'p2' }, status: 'pending' });
  });

  it('given a pending request, when the other side rejects it, then it ends rejected with the reason and the member stays', async () => {
    const { memberId } = await freshMember();
    expectAnswer(
      await p1.post('/transfers', { transferId: 't-reject', memberId, toEnterpriseId: 'e2', effectiveDate: '2016-07-01' }),
    );
    expectAnswer(await p2.post('/transfers/t-reject/reject', { reason: 'the worker never started here' }));
    expect(await listed('t-reject')).toMatchObject({
      status: 'rejected',
      ended: { reason: 'the worker never started here', by: 'clerk-p2' },
      memberTransferred: null,
    });
    expect(await movesOf(memberId)).toEqual([]);
    expectRefusal(await p2.post('/transfers/t-reject/accept', {}), 409, 'TRANSFER_NOT_PENDING');
    expectRefusal(await p2.post('/transfers/t-reject/reject', { reason: 'again' }), 409, 'TRANSFER_NOT_PENDING');
    expectRefusal(await p1.post('/transfers/t-reject/cancel', { reason: 'too late' }), 409, 'TRANSFER_NOT_PENDING');
  });

  it('given a pending request, when the side that opened it cancels it, then it ends cancelled and a new request for the member can be opened', async () => {
    const { memberId } = await freshMember();
    expectAnswer(
      await p1.post('/transfers', { transferId: 't-cancel', memberId, toEnterpriseId: 'e2', effectiveDate: '2016-07-01' }),
    );
    expectRefusal(await p2.post('/transfers/t-cancel/cancel', { reason: 'not ours to cancel' }), 403, 'FORBIDDEN');
    expectAnswer(await p1.post('/transfers/t-cancel/cancel', { reason: 'opened for the wrong worker' }));
    expect(await listed('t-cancel')).toMatchObject({ status: 'cancelled', ended: { reason: 'opened for the wrong worker' } });
    expectAnswer(
      await p1.post('/transfers', { transferId: 't-cancel-2', memberId, toEnterpriseId: 'e2', effectiveDate: '2016-07-01' }),
    );
  });

  it('refuses requests the rules refuse: not active, same enterprise, closed enterprise, a second pending request, a reused transferId', async () => {
    const { memberId } = await freshMember();
    const ask = (transferId: string, body: object) =>
      p1.post('/transfers', { transferId, memberId, effectiveDate: '2016-07-01', ...body });
    expectRefusal(await ask('t-r1', { toEnterpriseId: 'e1' }), 409, 'SAME_ENTERPRISE');
    expectRefusal(await ask('t-r2', { toEnterpriseId: 'e2x' }), 409, 'ENTERPRISE_NOT_OPEN');
    expectRefusal(await ask('t-r3', { toEnterpriseId: 'e2', effectiveDate: '2014-01-01' }), 409, 'MEMBER_NOT_ACTIVE');
    expectAnswer(await ask('t-r4', { toEnterpriseId: 'e2' }));
    const second = await ask('t-r5', { toEnterpriseId: 'e1b' });
    expectRefusal(second, 409, 'TRANSFER_ALREADY_PENDING');
    expect(second.body.details).toEqual({ transferId: 't-r4' });
    const other = await freshMember();
    expectRefusal(
      await p1.post('/transfers', {
        transferId: 't-r4',
        memberId: other.memberId,
        toEnterpriseId: 'e2',
        effectiveDate: '2016-07-01',
      }),
      409,
      'TRANSFER_ID_TAKEN',
    );
    expectRefusal(await p1.post('/transfers/t-unknown/accept', {}), 404, 'NOT_FOUND');
  });

  it('given an accepted request, when it is accepted again (with or without the commandId), then the first answer comes back and the member moved once', async () => {
    const { memberId } = await freshMember();
    expectAnswer(
      await p1.post('/transfers', { transferId: 't-twice', memberId, toEnterpriseId: 'e2', effectiveDate: '2016-07-01' }),
    );
    const first = await p2.post('/transfers/t-twice/accept', { commandId: 'accept-t-twice' });
    expectAnswer(first);
    const again = await p2.post('/transfers/t-twice/accept', { commandId: 'accept-t-twice' });
    expectAnswer(again, 200);
    const plain = await p2.post('/transfers/t-twice/accept', {});
    expectAnswer(plain, 200);
    expect([again.body, plain.body]).toEqual([first.body, first.body]);
    expect(await movesOf(memberId)).toHaveLength(1);
    // Accepting it for another date is not the same command
    expectRefusal(await p2.post('/transfers/t-twice/accept', { effectiveDate: '2016-07-05' }), 409, 'TRANSFER_NOT_PENDING');
  });

  it('given a member who left after the request, when the request is accepted, then it ends rejected with the reason and nothing moves', async () => {
    const { memberId } = await freshMember();
    expectAnswer(
      await p1.post('/transfers', { transferId: 't-left', memberId, toEnterpriseId: 'e2', effectiveDate: '2016-07-01' }),
    );
    expectAnswer(await p1.leave(memberId, '2016-06-15', 'resigned'));
    const accepted = await p2.post('/transfers/t-left/accept', {});
    expectRefusal(accepted, 409, 'MEMBER_NOT_ACTIVE');
    expect(accepted.body.details).toMatchObject({ transferId: 't-left', status: 'rejected' });
    expect(await listed('t-left')).toMatchObject({
      status: 'rejected',
      ended: { reason: expect.stringMatching(/^MEMBER_NOT_ACTIVE: /) },
    });
    expect(await movesOf(memberId)).toEqual([]);
    // The request is closed: neither accepted nor pending any more
    expectRefusal(await p2.post('/transfers/t-left/accept', {}), 409, 'TRANSFER_NOT_PENDING');
  });

  it('given 20 concurrent acceptances of one request, then one is recorded, the others answer it again, and the member moved exactly once', async () => {
    const { memberId } = await freshMember();
    expectAnswer(
      await p1.post('/transfers', { transferId: 't-race', memberId, toEnterpriseId: 'e2', effectiveDate: '2016-07-01' }),
    );
    const officer = new LedgerClient(ledger, OFFICER_GANZHOU);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? p2 : officer).post('/transfers/t-race/accept', {})),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(19).fill(200), 201].sort());
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(1);
    expect(await movesOf(memberId)).toHaveLength(1);
    const accepted = (await store.readStream('transfer-t-race')).filter((e) => e.type === 'TransferAccepted');
    expect(accepted).toHaveLength(1);
  });

  it('given an acceptance recorded but never carried out (the process died in between), when the service starts again, then it moves the member exactly once before answering', async () => {
    const { memberId } = await freshMember();
    expectAnswer(
      await p1.post('/transfers', { transferId: 't-crash', memberId, toEnterpriseId: 'e2', effectiveDate: '2016-07-01' }),
    );
    // Given the log as a crash right after the acceptance leaves it: TransferAccepted, no MemberTransferred
    await ledger.stop();
    const raw = new SqliteEventStore(join(ledger.dataDir, 'events.sqlite'), ledger.clock);
    await raw.appendToStream(
      'transfer-t-crash',
      [
        {
          id: '5d0c1e8e-0000-5000-8000-00000000c0de',
          type: 'TransferAccepted',
          data: { transferId: 't-crash', effectiveDate: '2016-07-01' },
          metadata: { actor: 'clerk-p2', correlationId: 'crashed-request' },
        },
      ],
      { expectedRevision: 0 },
    );
    await raw.close();
    // When the service starts again on the same files
    ledger = await startLedger({ dataDir: ledger.dataDir, clock: ledger.clock });
    admin = new LedgerClient(ledger);
    p1 = new LedgerClient(ledger, CLERK_P1);
    p2 = new LedgerClient(ledger, CLERK_P2);
    store = ledger.app.get<EventStore>(EVENT_STORE);
    // Then the member has moved, once, on behalf of the acceptor
    const moves = await movesOf(memberId);
    expect(moves.map((e) => [e.data, e.metadata.actor, e.metadata.correlationId])).toEqual([
      [
        expect.objectContaining({ transferId: 't-crash', to: { enterpriseId: 'e2', parkId: 'p2' } }),
        'clerk-p2',
        'crashed-request',
      ],
    ]);
    expect((await admin.member(memberId)).body).toMatchObject({ parkId: 'p2' });
    // And accepting again changes nothing
    expectAnswer(await p2.post('/transfers/t-crash/accept', {}), 200);
    expect(await movesOf(memberId)).toHaveLength(1);
    const health = await ledger.as().get('/health');
    expect(health.body.info.projections).toMatchObject({ transferCompletionLag: 0, transferRequestsLag: expect.any(Number) });
  });

  it("lists requests by park and status with overdue ones flagged, within the caller's scope", async () => {
    const { memberId } = await freshMember();
    expectAnswer(
      await p1.post('/transfers', { transferId: 't-old', memberId, toEnterpriseId: 'e2', effectiveDate: '2016-07-01' }),
    );
    // Recording instants run a little ahead of a clock that stands still (they strictly increase): a minute more.
    ledger.clock.advance(40 * 86_400_000 + 60_000);
    const pending = await p2.get('/transfers?status=pending');
    expect(pending.status).toBe(200);
    const old = pending.body.transfers.find((t: { transferId: string }) => t.transferId === 't-old');
    expect(old).toMatchObject({ status: 'pending', overdue: true, daysOpen: 40 });
    expect(pending.body.transfers.every((t: { status: string }) => t.status === 'pending')).toBe(true);
    expect(pending.body.counts.overdue).toBeGreaterThanOrEqual(1);
    const lenient = await p2.get('/transfers?status=pending&overdueDays=60');
    expect(lenient.body.transfers.find((t: { transferId: string }) => t.transferId === 't-old')).toMatchObject({
      overdue: false,
    });
    // A clerk reads their own park only; another park is out of scope (404), an officer reads their city's
    expectRefusal(await p1.get('/transfers?parkId=p2'), 404, 'NOT_FOUND');
    const officer = await new LedgerClient(ledger, OFFICER_GANZHOU).get('/transfers');
    expect(
      officer.body.transfers.every(
        (t: { from: { parkId: string }; to: { parkId: string } }) => t.to.parkId === 'p2' || t.from.parkId === 'p2',
      ),
    ).toBe(true);
    // Pages
    const page = await admin.get('/transfers?limit=2');
    expect(page.body.transfers).toHaveLength(2);
    const rest = await admin.get(`/transfers?limit=1000&cursor=${page.body.nextCursor}`);
    const all = await admin.get('/transfers?limit=1000');
    expect([...page.body.transfers, ...rest.body.transfers]).toEqual(all.body.transfers);
  });
});
