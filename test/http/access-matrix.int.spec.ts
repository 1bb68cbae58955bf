import request from 'supertest';
import type { Principal } from '../../src/auth/principal.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.port.js';
import { ADMIN, type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

/*
 * The decided role × endpoint matrix (contract section 10 and the team's access decisions), one
 * test per cell. Organisation: city c1 holds parks p1 and p2, city c2 holds park p3; enterprises
 * e1@p1, e1b@p1, e2@p2, e3@p3; members m1@e1, m2@e2, m3@e3, and mv, who moved from e1 to e2.
 * Every allowed write gets its own fresh enterprise, member or park, so cells never interfere.
 */

const PRINCIPALS = {
  PA: { sub: 'matrix-pa', role: 'provincial-admin' },
  AU: { sub: 'matrix-au', role: 'auditor' },
  'CO(c1)': { sub: 'matrix-co-c1', role: 'city-officer', cityId: 'c1' },
  'CO(c2)': { sub: 'matrix-co-c2', role: 'city-officer', cityId: 'c2' },
  'PC(p1)': { sub: 'matrix-pc-p1', role: 'park-clerk', parkId: 'p1' },
  'PC(p2)': { sub: 'matrix-pc-p2', role: 'park-clerk', parkId: 'p2' },
  'PC(p3)': { sub: 'matrix-pc-p3', role: 'park-clerk', parkId: 'p3' },
} satisfies Record<string, Principal>;

/** A named principal, or `PC(park)`: the clerk of the (fresh, city c1) park the cell works on. */
type Who = keyof typeof PRINCIPALS | 'PC(park)';

const clerkOf = (parkId: string): Principal => ({ sub: `matrix-pc-${parkId}`, role: 'park-clerk', parkId });

/** What one cell sends, prepared fresh by the admin. */
interface Prepared {
  readonly path: string;
  readonly body: object;
  /** Where an accepted command lands, and as what. */
  readonly stream: string;
  readonly type: string;
  /** The record a scope refusal names in the denial log (`park p1`, `member m-7`). */
  readonly target: string;
  /** The park the cell works on, for `PC(park)`. */
  readonly parkId?: string;
}

interface WriteEndpoint {
  readonly route: string;
  /** Refused by the guard to everyone but provincial admins (no record is looked at). */
  readonly adminOnly?: boolean;
  readonly prepare: () => Promise<Prepared>;
  readonly outcomes: ReadonlyArray<readonly [Who, 201 | 403]>;
  /** Why a caller in scope is refused (the side of a transfer request that may not do this). */
  readonly sideReason?: RegExp;
  /** Whom the side rule refuses although the record is in their scope. */
  readonly wrongSide?: readonly Who[];
  /** The command records a second event after its own (an acceptance moves the member). */
  readonly followedBy?: string;
  /** Whom a transfer refuses for its destination, though the member is theirs: the refusal names the enterprise and says to request the move. */
  readonly destinationOutside?: readonly Who[];
  /** What a park clerk is told, when it is more than "outside your scope". */
  readonly toClerks?: RegExp;
}

/** PA, the officer of c1 and the clerk of p1 write at p1; the officer of c2, the clerk of p2 and auditors do not. */
const AT_P1: ReadonlyArray<readonly [Who, 201 | 403]> = [
  ['PA', 201],
  ['CO(c1)', 201],
  ['PC(p1)', 201],
  ['CO(c2)', 403],
  ['PC(p2)', 403],
  ['AU', 403],
];

/** The same for a fresh park of city c1: its own clerk writes; p1's clerk is the clerk of another park. */
const AT_NEW_PARK: ReadonlyArray<readonly [Who, 201 | 403]> = [
  ['PA', 201],
  ['CO(c1)', 201],
  ['PC(park)', 201],
  ['CO(c2)', 403],
  ['PC(p1)', 403],
  ['AU', 403],
];

describe('the access matrix: role × endpoint', () => {
  let ledger: LedgerApp;
  let admin: LedgerClient;
  let store: EventStore;
  let seq = 0;
  /** A fresh suffix for ids, and a fresh resident ID number per member. */
  const next = () => ++seq;

  const joinFresh = async (enterpriseId: string, effectiveDate = '2015-01-01'): Promise<string> => {
    const n = next();
    const memberId = `mm-${n}`;
    expectAnswer(await admin.join(memberId, residentId(100 + n), enterpriseId, effectiveDate));
    return memberId;
  };
  const freshEnterprise = async (parkId = 'p1'): Promise<string> => {
    const enterpriseId = `ee-${next()}`;
    expectAnswer(await admin.registerEnterprise(enterpriseId, parkId, '2010-06-01'));
    return enterpriseId;
  };
  const freshPark = async (): Promise<string> => {
    const parkId = `pk-${next()}`;
    expectAnswer(await admin.registerPark(parkId, '2010-01-01', { cityId: 'c1' }));
    return parkId;
  };
  /** A member who joined e1 (p1) in 2015 and moved to e2 (p2) in 2018. */
  const movedMember = async (): Promise<{ memberId: string; transferEventId: string }> => {
    const memberId = await joinFresh('e1');
    const transfer = await admin.transfer(memberId, 'e2', '2018-01-01');
    expectAnswer(transfer);
    return { memberId, transferEventId: transfer.body.eventId };
  };

  /** What a command on a park, an enterprise or a member sends, and where it lands. */
  const onPark = (parkId: string, path: string, body: object, type: string): Prepared => ({
    path: `/parks/${parkId}${path}`,
    body,
    stream: `park-${parkId}`,
    type,
    target: `park ${parkId}`,
    parkId,
  });
  const onEnterprise = (id: string, path: string, body: object, type: string): Prepared => ({
    path: `/enterprises/${id}${path}`,
    body,
    stream: `enterprise-${id}`,
    type,
    target: `enterprise ${id}`,
  });
  /** A transfer request of a fresh member of e1 (p1) to `toEnterpriseId`, opened by the clerk of p1. */
  const freshRequest = async (toEnterpriseId: string): Promise<string> => {
    const transferId = `tr-${next()}`;
    const memberId = await joinFresh('e1');
    const clerk = new LedgerClient(ledger, PRINCIPALS['PC(p1)']);
    expectAnswer(await clerk.post('/transfers', { transferId, memberId, toEnterpriseId, effectiveDate: '2018-01-01' }));
    return transferId;
  };
  const onRequest = (transferId: string, action: string, body: object, type: string): Prepared => ({
    path: `/transfers/${transferId}/${action}`,
    body,
    stream: `transfer-${transferId}`,
    type,
    target: `transfer request ${transferId}`,
  });
  const onMember = (id: string, path: string, body: object, type: string): Prepared => ({
    path: `/members/${id}${path}`,
    body,
    stream: `member-${id}`,
    type,
    target: `member ${id}`,
  });

  const ENDPOINTS: WriteEndpoint[] = [
    {
      route: 'POST /parks {cityId: c1}',
      toClerks: /^parks are registered by their city officer or a provincial admin, not by a park clerk$/,
      prepare: async () => {
        const parkId = `pr-${next()}`;
        return {
          path: '/parks',
          body: { parkId, name: `Park ${parkId}`, cityId: 'c1', level: 'provincial', effectiveDate: '2012-01-01' },
          stream: `park-${parkId}`,
          type: 'ParkRegistered',
          target: 'city c1',
        };
      },
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 201],
        ['CO(c2)', 403],
        ['PC(p1)', 403],
        ['AU', 403],
      ],
    },
    {
      route: 'POST /parks/:parkId/union (park of c1)',
      prepare: async () => onPark(await freshPark(), '/union', { effectiveDate: '2015-06-01' }, 'ParkUnionEstablished'),
      outcomes: AT_NEW_PARK,
    },
    {
      route: 'POST /parks/:parkId/entries/:eventId/void (park of c1)',
      prepare: async () => {
        const parkId = await freshPark();
        const union = await admin.post(`/parks/${parkId}/union`, { effectiveDate: '2015-06-01' });
        expectAnswer(union);
        return onPark(parkId, `/entries/${union.body.eventId}/void`, { reason: 'recorded for the wrong park' }, 'EntryVoided');
      },
      outcomes: AT_NEW_PARK,
    },
    {
      route: 'POST /enterprises {parkId: p1}',
      prepare: async () => {
        const enterpriseId = `er-${next()}`;
        return {
          path: '/enterprises',
          body: {
            enterpriseId,
            parkId: 'p1',
            name: `Enterprise ${enterpriseId}`,
            ownership: 'non-public',
            effectiveDate: '2012-01-01',
          },
          stream: `enterprise-${enterpriseId}`,
          type: 'EnterpriseRegistered',
          target: 'park p1',
        };
      },
      outcomes: AT_P1,
    },
    {
      route: 'POST /enterprises/:id/union (enterprise in p1)',
      prepare: async () =>
        onEnterprise(await freshEnterprise(), '/union', { effectiveDate: '2016-05-01' }, 'EnterpriseUnionEstablished'),
      outcomes: AT_P1,
    },
    {
      route: 'POST /enterprises/:id/headcount (enterprise in p1)',
      prepare: async () =>
        onEnterprise(
          await freshEnterprise(),
          '/headcount',
          { employees: 120, effectiveDate: '2016-06-30' },
          'EnterpriseHeadcountReported',
        ),
      outcomes: AT_P1,
    },
    {
      route: 'POST /enterprises/:id/close (enterprise in p1)',
      prepare: async () => onEnterprise(await freshEnterprise(), '/close', { effectiveDate: '2019-12-31' }, 'EnterpriseClosed'),
      outcomes: AT_P1,
    },
    {
      route: 'POST /enterprises/:id/entries/:eventId/void (headcount in p1)',
      prepare: async () => {
        const id = await freshEnterprise();
        const headcount = await admin.post(`/enterprises/${id}/headcount`, { employees: 80, effectiveDate: '2016-06-30' });
        expectAnswer(headcount);
        return onEnterprise(
          id,
          `/entries/${headcount.body.eventId}/void`,
          { reason: 'reported for the wrong enterprise' },
          'EntryVoided',
        );
      },
      outcomes: AT_P1,
    },
    {
      route: 'POST /members {enterpriseId: e1 (p1)}',
      prepare: async () => {
        const n = next();
        const memberId = `mj-${n}`;
        return {
          path: '/members',
          body: {
            memberId,
            personId: residentId(100 + n),
            name: '李四',
            category: 'migrant',
            enterpriseId: 'e1',
            effectiveDate: '2016-03-01',
          },
          stream: `member-${memberId}`,
          type: 'MemberJoined',
          target: 'enterprise e1',
        };
      },
      outcomes: AT_P1,
    },
    {
      route: 'POST /members/:id/transfer (e1@p1 → e2@p2, same city)',
      prepare: async () =>
        onMember(await joinFresh('e1'), '/transfer', { toEnterpriseId: 'e2', effectiveDate: '2018-01-01' }, 'MemberTransferred'),
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 201],
        ['PC(p1)', 403], // the destination is outside
        ['PC(p2)', 403], // the origin is outside
        ['CO(c2)', 403],
        ['AU', 403],
      ],
      destinationOutside: ['PC(p1)'],
    },
    {
      route: 'POST /members/:id/transfer (e1@p1 → e3@p3, across cities)',
      prepare: async () =>
        onMember(await joinFresh('e1'), '/transfer', { toEnterpriseId: 'e3', effectiveDate: '2018-01-01' }, 'MemberTransferred'),
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 403], // the destination city is outside
        ['CO(c2)', 403], // the origin city is outside
        ['PC(p1)', 403],
        ['PC(p3)', 403],
        ['AU', 403],
      ],
      destinationOutside: ['CO(c1)', 'PC(p1)'],
    },
    {
      route: 'POST /members/:id/transfer (e1 → e1b, both in p1)',
      prepare: async () =>
        onMember(await joinFresh('e1'), '/transfer', { toEnterpriseId: 'e1b', effectiveDate: '2018-01-01' }, 'MemberTransferred'),
      outcomes: AT_P1,
    },
    {
      route: 'POST /members/:id/category (member at p1)',
      prepare: async () =>
        onMember(
          await joinFresh('e1'),
          '/category',
          { category: 'regular', effectiveDate: '2016-01-01' },
          'MemberCategoryChanged',
        ),
      outcomes: AT_P1,
    },
    {
      route: 'POST /members/:id/category (moved p1 → p2 in 2018; dated 2016, at p1)',
      prepare: async () =>
        onMember(
          (await movedMember()).memberId,
          '/category',
          { category: 'regular', effectiveDate: '2016-01-01' },
          'MemberCategoryChanged',
        ),
      outcomes: AT_P1,
    },
    {
      route: 'POST /members/:id/category (moved p1 → p2 in 2018; dated 2019, at p2)',
      prepare: async () =>
        onMember(
          (await movedMember()).memberId,
          '/category',
          { category: 'regular', effectiveDate: '2019-01-01' },
          'MemberCategoryChanged',
        ),
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 201],
        ['PC(p2)', 201],
        ['PC(p1)', 403],
        ['CO(c2)', 403],
        ['AU', 403],
      ],
    },
    {
      route: 'POST /members/:id/leave (member at p1)',
      prepare: async () =>
        onMember(await joinFresh('e1'), '/leave', { reason: 'left-employment', effectiveDate: '2017-03-31' }, 'MemberLeft'),
      outcomes: AT_P1,
    },
    {
      route: 'POST /members/:id/leave (moved p1 → p2 in 2018; dated 2020, at p2)',
      prepare: async () =>
        onMember((await movedMember()).memberId, '/leave', { reason: 'resigned', effectiveDate: '2020-03-31' }, 'MemberLeft'),
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 201],
        ['PC(p2)', 201],
        ['PC(p1)', 403],
        ['CO(c2)', 403],
        ['AU', 403],
      ],
    },
    {
      route: 'POST /members/:id/entries/:eventId/void (a category change at p1)',
      prepare: async () => {
        const memberId = await joinFresh('e1');
        const change = await admin.post(`/members/${memberId}/category`, { category: 'dispatched', effectiveDate: '2016-01-01' });
        expectAnswer(change);
        return onMember(
          memberId,
          `/entries/${change.body.eventId}/void`,
          { reason: 'recorded for the wrong member' },
          'EntryVoided',
        );
      },
      outcomes: AT_P1,
    },
    {
      route: 'POST /members/:id/entries/:eventId/void (a transfer p1 → p2)',
      prepare: async () => {
        const { memberId, transferEventId } = await movedMember();
        return onMember(memberId, `/entries/${transferEventId}/void`, { reason: 'the member never moved' }, 'EntryVoided');
      },
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 201],
        ['PC(p1)', 403], // the fact also concerns p2
        ['PC(p2)', 403], // the fact also concerns p1
        ['CO(c2)', 403],
        ['AU', 403],
      ],
    },
    {
      route: 'POST /transfers {memberId at e1@p1, toEnterpriseId: e2@p2}',
      prepare: async () => {
        const transferId = `tr-${next()}`;
        const memberId = await joinFresh('e1');
        return {
          path: '/transfers',
          body: { transferId, memberId, toEnterpriseId: 'e2', effectiveDate: '2018-01-01' },
          stream: `transfer-${transferId}`,
          type: 'TransferRequested',
          target: `transfer request ${transferId}`,
        };
      },
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 201],
        ['PC(p1)', 201], // for the origin
        ['PC(p2)', 201], // for the destination
        ['PC(p3)', 403],
        ['CO(c2)', 403],
        ['AU', 403],
      ],
    },
    {
      route: 'POST /transfers/:id/accept (opened by the clerk of p1, e1@p1 → e2@p2)',
      prepare: async () => onRequest(await freshRequest('e2'), 'accept', {}, 'TransferAccepted'),
      followedBy: 'MemberTransferred',
      sideReason: /^opened by the origin side; the other side \(or a city or provincial officer\) accepts it$/,
      wrongSide: ['PC(p1)'],
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 201],
        ['PC(p2)', 201], // the other side
        ['PC(p1)', 403], // the side that opened it
        ['PC(p3)', 403],
        ['CO(c2)', 403],
        ['AU', 403],
      ],
    },
    {
      route: 'POST /transfers/:id/reject (opened by the clerk of p1, e1@p1 → e3@p3)',
      prepare: async () => onRequest(await freshRequest('e3'), 'reject', { reason: 'no such worker here' }, 'TransferRejected'),
      sideReason: /^opened by the origin side; the other side \(or a city or provincial officer\) rejects it$/,
      wrongSide: ['PC(p1)'],
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 201], // the origin's city
        ['CO(c2)', 201], // the destination's city
        ['PC(p3)', 201], // the other side
        ['PC(p1)', 403], // the side that opened it
        ['PC(p2)', 403],
        ['AU', 403],
      ],
    },
    {
      route: 'POST /transfers/:id/cancel (opened by the clerk of p1, e1@p1 → e3@p3)',
      prepare: async () => onRequest(await freshRequest('e3'), 'cancel', { reason: 'opened by mistake' }, 'TransferCancelled'),
      sideReason: /^only the origin side, which opened it, may cancel it$/,
      wrongSide: ['CO(c2)', 'PC(p3)'],
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 201],
        ['PC(p1)', 201], // the side that opened it
        ['PC(p3)', 403], // the other side
        ['CO(c2)', 403],
        ['PC(p2)', 403],
        ['AU', 403],
      ],
    },
    {
      route: 'POST /members/:id/erase (member at p1)',
      adminOnly: true,
      prepare: async () =>
        onMember(await joinFresh('e1'), '/erase', { reason: 'the member asked for erasure' }, 'MemberPersonalDataErased'),
      outcomes: [
        ['PA', 201],
        ['CO(c1)', 403],
        ['PC(p1)', 403],
        ['CO(c2)', 403],
        ['AU', 403],
      ],
    },
  ];

  const WRITE_CELLS = ENDPOINTS.flatMap((endpoint) =>
    endpoint.outcomes.map(([who, status]) => ({ route: endpoint.route, who, status, endpoint })),
  );

  beforeAll(async () => {
    // Every cell signs in a handful of times; the limit is not what this suite is about.
    ledger = await startLedger({ env: { LEDGER_RATE_LIMIT_PER_MINUTE: '1000000' } });
    admin = new LedgerClient(ledger);
    store = ledger.app.get<EventStore>(EVENT_STORE);
    for (const [parkId, cityId] of [
      ['p1', 'c1'],
      ['p2', 'c1'],
      ['p3', 'c2'],
    ])
      expectAnswer(await admin.registerPark(parkId, '2010-01-01', { cityId }));
    for (const [enterpriseId, parkId] of [
      ['e1', 'p1'],
      ['e1b', 'p1'],
      ['e2', 'p2'],
      ['e3', 'p3'],
    ])
      expectAnswer(await admin.registerEnterprise(enterpriseId, parkId, '2010-06-01'));
    expectAnswer(await admin.join('m1', residentId(1), 'e1', '2015-01-01'));
    expectAnswer(await admin.join('m2', residentId(2), 'e2', '2015-01-01'));
    expectAnswer(await admin.join('m3', residentId(3), 'e3', '2015-01-01'));
    // mv: joined at p1, a category change at p1, moved to p2, a category change at p2 by p2's clerk.
    expectAnswer(await admin.join('mv', residentId(4), 'e1', '2015-01-01'));
    expectAnswer(await admin.post('/members/mv/category', { category: 'regular', effectiveDate: '2016-01-01' }));
    expectAnswer(await new LedgerClient(ledger, PRINCIPALS['CO(c1)']).transfer('mv', 'e2', '2018-01-01'));
    const clerkOfP2 = new LedgerClient(ledger, PRINCIPALS['PC(p2)']);
    expectAnswer(await clerkOfP2.post('/members/mv/category', { category: 'dispatched', effectiveDate: '2019-01-01' }));
  });
  afterAll(() => ledger.close());

  const principalFor = (who: Who, prepared?: Prepared): Principal => {
    if (who !== 'PC(park)') return PRINCIPALS[who];
    if (!prepared?.parkId) throw new Error('PC(park) needs a cell that names its park');
    return clerkOf(prepared.parkId);
  };

  /** The newest entry of the denial log, read by a provincial admin. */
  const latestDenial = async () => {
    const res = await ledger.as(PRINCIPALS.PA).get('/access-denials?limit=1');
    expect(res.status).toBe(200);
    return res.body.denials[0];
  };

  interface Denial {
    readonly who: Principal;
    readonly method: 'GET' | 'POST';
    readonly path: string;
    /** null when the guard refused on the role alone, before any record was looked at. */
    readonly target: string | null;
    readonly reason: RegExp;
  }

  /** A refusal in the contract's shape that the denial log now lists first, with who, what and why. */
  const expectDenied = async (res: request.Response, status: 403 | 404, d: Denial) => {
    expectRefusal(res, status, status === 403 ? 'FORBIDDEN' : 'NOT_FOUND');
    expect(await latestDenial()).toEqual({
      at: ledger.clock.now().toISOString(),
      actor: d.who.sub,
      role: d.who.role,
      method: d.method,
      path: d.path,
      target: d.target,
      reason: expect.stringMatching(d.reason),
      correlationId: expect.any(String),
    });
  };
  const OUTSIDE_SCOPE = /^outside the caller's scope/;
  const ADMINS_ONLY = /^only provincial admins may do this$/;
  const AUDITORS_READ = /^auditors read and never write$/;

  describe('writes', () => {
    it.each(WRITE_CELLS)('$route as $who → $status', async ({ endpoint, who, status }) => {
      const prepared = await endpoint.prepare();
      const principal = principalFor(who, prepared);
      const before = await admin.head();
      const res = await ledger.as(principal).post(prepared.path).send(prepared.body);
      if (status === 201) {
        expectAnswer(res, 201);
        if (endpoint.followedBy === undefined) expect(await admin.head()).toBe(res.body.position);
        else expect(BigInt((await admin.head())!)).toBeGreaterThan(BigInt(res.body.position));
        expect(BigInt(res.body.position)).toBeGreaterThan(BigInt(before ?? '0'));
        const recorded = (await store.readStream(prepared.stream)).at(-1);
        expect({ id: recorded?.id, type: recorded?.type, actor: recorded?.metadata.actor, revision: recorded?.revision }).toEqual(
          {
            id: res.body.eventId,
            type: prepared.type,
            actor: principal.sub,
            revision: res.body.streamRevision,
          },
        );
        return;
      }
      const reason = endpoint.adminOnly
        ? ADMINS_ONLY
        : principal.role === 'auditor'
          ? AUDITORS_READ
          : endpoint.wrongSide?.includes(who)
            ? endpoint.sideReason!
            : OUTSIDE_SCOPE;
      const destination = endpoint.destinationOutside?.includes(who);
      const target =
        principal.role === 'auditor' || endpoint.adminOnly
          ? null
          : destination
            ? `enterprise ${(prepared.body as { toEnterpriseId: string }).toEnterpriseId}`
            : prepared.target;
      await expectDenied(res, 403, { who: principal, method: 'POST', path: prepared.path, target, reason });
      if (endpoint.toClerks && principal.role === 'park-clerk') expect(res.body.message).toMatch(endpoint.toClerks);
      if (destination) expect(res.body.message).toMatch(new RegExp(`^${target} is outside your scope: .*POST /transfers`));
      expect(await admin.head()).toBe(before);
      // The very same request is accepted from a provincial admin: the refusal was about who asked.
      expectAnswer(await ledger.as(PRINCIPALS.PA).post(prepared.path).send(prepared.body));
    });

    it('given a command sent by a provincial admin with a commandId, when an officer of another city resends it, then 403, not the original answer', async () => {
      const parkId = await freshPark();
      const body = { effectiveDate: '2015-06-01', commandId: `matrix-union-${parkId}` };
      expectAnswer(await ledger.as(PRINCIPALS.PA).post(`/parks/${parkId}/union`).send(body));
      const before = await admin.head();
      const replay = await ledger.as(PRINCIPALS['CO(c2)']).post(`/parks/${parkId}/union`).send(body);
      // Actual today: 200 with the admin's original answer (the commandId replay runs before the scope check).
      const path = `/parks/${parkId}/union`;
      await expectDenied(replay, 403, {
        who: PRINCIPALS['CO(c2)'],
        method: 'POST',
        path,
        target: `park ${parkId}`,
        reason: OUTSIDE_SCOPE,
      });
      expect(await admin.head()).toBe(before);
    });
  });

  describe('reads: GET /members/:id and GET /members/:id/history', () => {
    /** Who sees each member: anyone whose scope holds a park of the member's history; the others get 404. */
    const SEES: Record<string, ReadonlyArray<readonly [keyof typeof PRINCIPALS, 200 | 404]>> = {
      m1: [
        ['PA', 200],
        ['AU', 200],
        ['CO(c1)', 200],
        ['PC(p1)', 200],
        ['CO(c2)', 404],
        ['PC(p2)', 404],
        ['PC(p3)', 404],
      ],
      m2: [
        ['PA', 200],
        ['AU', 200],
        ['CO(c1)', 200],
        ['PC(p2)', 200],
        ['CO(c2)', 404],
        ['PC(p1)', 404],
        ['PC(p3)', 404],
      ],
      m3: [
        ['PA', 200],
        ['AU', 200],
        ['CO(c2)', 200],
        ['PC(p3)', 200],
        ['CO(c1)', 404],
        ['PC(p1)', 404],
        ['PC(p2)', 404],
      ],
      mv: [
        ['PA', 200],
        ['AU', 200],
        ['CO(c1)', 200],
        ['PC(p1)', 200],
        ['PC(p2)', 200],
        ['CO(c2)', 404],
        ['PC(p3)', 404],
      ],
    };
    const READ_CELLS = ['', '/history'].flatMap((suffix) =>
      Object.entries(SEES).flatMap(([memberId, outcomes]) =>
        outcomes.map(([who, status]) => {
          const path = `/members/${memberId}${suffix}`;
          return { route: `GET ${path}`, path, memberId, suffix, who, status };
        }),
      ),
    );

    it.each(READ_CELLS)('$route as $who → $status', async ({ path, memberId, suffix, who, status }) => {
      const principal = PRINCIPALS[who];
      const before = await admin.head();
      const res = await ledger.as(principal).get(path);
      if (status === 200) {
        expect(res.status).toBe(200);
        expect(res.body.memberId).toBe(memberId);
        if (suffix === '/history') {
          // Continuity: every reader who may see the member sees every entry, in the same order.
          const full = await admin.history(memberId);
          expect(res.body.entries.map((e: { eventId: string }) => e.eventId)).toEqual(
            full.body.entries.map((e: { eventId: string }) => e.eventId),
          );
        }
      } else {
        await expectDenied(res, 404, {
          who: principal,
          method: 'GET',
          path,
          target: `member ${memberId}`,
          reason: /^read outside the caller's scope/,
        });
        // Indistinguishable from a member who does not exist.
        expect(res.body).toEqual({
          statusCode: 404,
          code: 'NOT_FOUND',
          message: `Member ${memberId} does not exist`,
          details: { memberId },
        });
        const missing = await ledger.as(principal).get(path.replace(memberId, 'nobody'));
        expect(missing.body).toEqual({
          statusCode: 404,
          code: 'NOT_FOUND',
          message: 'Member nobody does not exist',
          details: { memberId: 'nobody' },
        });
      }
      expect(await admin.head()).toBe(before);
    });

    it('given a member who moved from p1 to p2, when the clerk of p1 reads the member, then they see the new park but not its enterprise', async () => {
      const seenFromP1 = await ledger.as(PRINCIPALS['PC(p1)']).get('/members/mv');
      expect(seenFromP1.status).toBe(200);
      expect(seenFromP1.body).toMatchObject({ memberId: 'mv', status: 'active', parkId: 'p2', enterpriseId: null });
      for (const who of ['PC(p2)', 'CO(c1)', 'PA', 'AU'] as const) {
        const res = await ledger.as(PRINCIPALS[who]).get('/members/mv');
        expect({ who, body: res.body }).toMatchObject({ who, body: { status: 'active', parkId: 'p2', enterpriseId: 'e2' } });
      }
    });

    it('given a member who moved from p1 to p2, when the clerk of p1 reads the history, then facts at p2 alone are listed but redacted', async () => {
      const full = (await admin.history('mv')).body.entries as Array<Record<string, unknown>>;
      expect(full.map((e) => e.type)).toEqual([
        'MemberJoined',
        'MemberCategoryChanged',
        'MemberTransferred',
        'MemberCategoryChanged',
      ]);
      const res = await ledger.as(PRINCIPALS['PC(p1)']).get('/members/mv/history');
      expect(res.status).toBe(200);
      const seen = res.body.entries as Array<Record<string, unknown>>;
      expect(seen.map((e) => e.eventId)).toEqual(full.map((e) => e.eventId));
      // The join, the change at p1 and the transfer out of p1 are p1's own facts.
      expect(seen.slice(0, 3)).toEqual(full.slice(0, 3));
      expect(seen[0]).toMatchObject({ actor: ADMIN.sub, data: { parkId: 'p1', enterpriseId: 'e1' } });
      expect(seen[2]).toMatchObject({
        actor: PRINCIPALS['CO(c1)'].sub,
        data: { from: { parkId: 'p1' }, to: { parkId: 'p2', enterpriseId: 'e2' } },
      });
      // The change recorded by p2's clerk at p2: that it happened, when, and where; not who or what.
      expect(seen[3]).toEqual({
        eventId: full[3].eventId,
        type: 'MemberCategoryChanged',
        effectiveDate: '2019-01-01',
        recordedAt: full[3].recordedAt,
        actor: null,
        correlationId: null,
        data: { parkIds: ['p2'] },
        redacted: true,
      });
      expect(full[3]).toMatchObject({ actor: PRINCIPALS['PC(p2)'].sub, data: { from: 'regular', to: 'dispatched' } });
      expect(res.text).not.toContain(PRINCIPALS['PC(p2)'].sub);
      expect(res.text).not.toContain('dispatched');
    });

    it('given a member who moved from p1 to p2, when the clerk of p2 reads the history, then the facts at p1 alone are redacted', async () => {
      const full = (await admin.history('mv')).body.entries as Array<Record<string, unknown>>;
      const seen = (await ledger.as(PRINCIPALS['PC(p2)']).get('/members/mv/history')).body.entries as Array<
        Record<string, unknown>
      >;
      expect(seen.map((e) => e.eventId)).toEqual(full.map((e) => e.eventId));
      expect(seen.map((e) => e.redacted ?? false)).toEqual([true, true, false, false]);
      expect(seen[0]).toMatchObject({ type: 'MemberJoined', actor: null, data: { parkIds: ['p1'] } });
      expect(seen[0]).not.toHaveProperty('data.person');
      expect(seen.slice(2)).toEqual(full.slice(2));
    });

    it("given a member now at p2 whose category p1's clerk changed late, back to when they were at p1, when p2's clerk reads p2's changes, then the entry and its effects are there but not who recorded it, as in the history", async () => {
      const { memberId } = await movedMember();
      const since = (await admin.history(memberId)).body.entries.at(-1).recordedAt;
      const late = await new LedgerClient(ledger, PRINCIPALS['PC(p1)']).post(`/members/${memberId}/category`, {
        category: 'regular',
        effectiveDate: '2016-01-01',
      });
      expectAnswer(late);
      const changes = (who: keyof typeof PRINCIPALS) =>
        ledger.as(PRINCIPALS[who]).get(`/figures/changes?scope=park:p2&asOf=2020-06-30&since=${encodeURIComponent(since)}`);
      const entryOf = async (who: keyof typeof PRINCIPALS) => {
        const res = await changes(who);
        expect(res.status).toBe(200);
        return (res.body.entries as Array<Record<string, unknown>>).find((e) => e.eventId === late.body.eventId);
      };
      const byClerk = await entryOf('PC(p2)');
      const byAdmin = await entryOf('PA');
      expect(byAdmin).toMatchObject({ type: 'MemberCategoryChanged', memberId, actor: PRINCIPALS['PC(p1)'].sub });
      expect(byAdmin).not.toHaveProperty('redacted');
      const { actor, ...rest } = byAdmin!;
      expect(actor).toBeDefined();
      expect(byClerk).toEqual({ ...rest, actor: null, redacted: true });
      expect((await changes('PC(p2)')).text).not.toContain(PRINCIPALS['PC(p1)'].sub);
    });
  });

  describe('GET /figures, /statement, /figures/changes and /series by scope', () => {
    const READS = [
      (scope: string) => `/figures?scope=${scope}&asOf=2020-06-30`,
      (scope: string) => `/statement?scope=${scope}&from=2020-01-01&to=2020-06-30`,
      (scope: string) => `/figures/changes?scope=${scope}&asOf=2020-06-30&since=2020-01-01T00:00:00Z`,
      (scope: string) => `/series?scope=${scope}&from=2020-01-01&to=2020-06-30&every=quarter`,
    ];
    const CELLS: ReadonlyArray<readonly [keyof typeof PRINCIPALS, string, 200 | 403 | 404]> = [
      ['PA', 'province', 200],
      ['AU', 'province', 200],
      ['AU', 'park:p3', 200],
      ['CO(c1)', 'province', 403],
      ['CO(c1)', 'city:c1', 200],
      ['CO(c1)', 'park:p2', 200],
      ['CO(c1)', 'enterprise:e1', 200],
      ['CO(c1)', 'city:c2', 404],
      ['CO(c1)', 'park:p3', 404],
      ['PC(p1)', 'province', 403],
      ['PC(p1)', 'city:c1', 404],
      ['PC(p1)', 'park:p1', 200],
      ['PC(p1)', 'enterprise:e1', 200],
      ['PC(p1)', 'park:p2', 404],
      ['PC(p1)', 'enterprise:e2', 404],
    ];
    it.each(CELLS)('as %s, %s → %s on every read route, each refusal logged', async (who, scope, status) => {
      for (const read of READS) {
        const path = read(scope);
        const res = await ledger.as(PRINCIPALS[who]).get(path);
        if (status === 200) expect({ path, status: res.status }).toEqual({ path, status: 200 });
        else
          await expectDenied(res, status, {
            who: PRINCIPALS[who],
            method: 'GET',
            path: path.split('?')[0],
            target: expect.stringContaining(scope === 'province' ? 'province' : scope.replace(':', ' ')) as unknown as string,
            reason: status === 403 ? /province-wide/ : /outside the caller's scope/,
          });
      }
    });
  });

  describe('GET /access-denials and GET /health', () => {
    it.each([
      ['PA', 200],
      ['CO(c1)', 403],
      ['PC(p1)', 403],
      ['AU', 403],
    ] as const)('GET /access-denials as %s → %s', async (who, status) => {
      const res = await ledger.as(PRINCIPALS[who]).get('/access-denials');
      if (status === 200) {
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body.denials)).toBe(true);
        expect(Object.keys(res.body).sort()).toEqual(['denials', 'nextCursor']);
      } else {
        await expectDenied(res, 403, {
          who: PRINCIPALS[who],
          method: 'GET',
          path: '/access-denials',
          target: null,
          reason: ADMINS_ONLY,
        });
      }
    });

    it('given no token, when GET /health is asked, then 200 with the log head', async () => {
      const res = await request(ledger.http).get('/health');
      expect(res.status).toBe(200);
      expect(res.body.info.eventStore.head).toMatch(/^[1-9]\d*$/);
    });

    it('given refusals of both kinds, when a provincial admin lists the denials, then both are there, newest first, with who, what and why', async () => {
      const clerk = PRINCIPALS['PC(p2)'];
      const officer = PRINCIPALS['CO(c2)'];
      expectRefusal(await ledger.as(clerk).get('/members/m1/history?knownAt=2030-01-01T00:00:00Z'), 404, 'NOT_FOUND');
      expectRefusal(
        await ledger.as(officer).post('/enterprises/e1/headcount').send({ employees: 5, effectiveDate: '2016-06-30' }),
        403,
        'FORBIDDEN',
      );
      const res = await ledger.as(PRINCIPALS.PA).get('/access-denials?limit=2');
      expect(res.status).toBe(200);
      expect(res.body.denials).toEqual([
        expect.objectContaining({
          actor: officer.sub,
          role: 'city-officer',
          method: 'POST',
          path: '/enterprises/e1/headcount',
          target: 'enterprise e1',
          reason: expect.stringContaining('park p1'),
        }),
        expect.objectContaining({
          actor: clerk.sub,
          role: 'park-clerk',
          method: 'GET',
          path: '/members/m1/history',
          target: 'member m1',
          reason: expect.stringMatching(/\S/),
        }),
      ]);
    });
  });
});
