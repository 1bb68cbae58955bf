import request from 'supertest';
import type { Principal } from '../../src/auth/principal.js';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

/*
 * A fixed one-minute window per signed-in user (LEDGER_RATE_LIMIT_PER_MINUTE): past the limit,
 * 429 TOO_MANY_REQUESTS with Retry-After in whole seconds; other users are not slowed. The app's
 * clock is the TestClock, so the window only moves when the test moves it.
 */

const LIMIT = 20;
const USER_A: Principal = { sub: 'auditor-a', role: 'auditor' };
const USER_B: Principal = { sub: 'auditor-b', role: 'auditor' };

describe('the per-user rate limit', () => {
  let ledger: LedgerApp;

  beforeAll(async () => {
    ledger = await startLedger({ env: { LEDGER_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    const admin = new LedgerClient(ledger);
    expectAnswer(await admin.registerPark('p-rl'));
    expectAnswer(await admin.registerEnterprise('e-rl', 'p-rl'));
    expectAnswer(await admin.join('m-rl', residentId(31), 'e-rl', '2015-01-01'));
  });
  afterAll(() => ledger.close());

  const read = (who: Principal) => ledger.as(who).get('/members/m-rl');
  const retryAfterOf = (res: { headers: Record<string, string | undefined> }) => {
    const header = res.headers['retry-after'];
    expect(header).toMatch(/^\d+$/);
    return Number(header);
  };

  it('given user A makes 25 reads in a minute, when the 21st and later arrive, then they are 429 with Retry-After, while user B still reads', async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 25; i++) {
      const res = await read(USER_A);
      statuses.push(res.status);
      if (i > LIMIT) {
        expectRefusal(res, 429, 'TOO_MANY_REQUESTS');
        const retryAfter = retryAfterOf(res);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
        // Meanwhile, another user is served.
        const other = await read(USER_B);
        expect(other.status).toBe(200);
        expect(other.body.memberId).toBe('m-rl');
      } else {
        expect(res.status).toBe(200);
        expect(res.headers['retry-after']).toBeUndefined();
      }
    }
    expect(statuses).toEqual([...Array(LIMIT).fill(200), ...Array(25 - LIMIT).fill(429)]);
  });

  it('given user A is over the limit, when the clock moves, then Retry-After counts down and A is served again once the window has passed', async () => {
    expectRefusal(await read(USER_A), 429, 'TOO_MANY_REQUESTS');
    const first = retryAfterOf(await read(USER_A));
    ledger.clock.advance(15_000);
    const later = await read(USER_A);
    expectRefusal(later, 429, 'TOO_MANY_REQUESTS');
    expect(retryAfterOf(later)).toBe(first - 15);
    ledger.clock.advance(retryAfterOf(later) * 1000);
    const again = await read(USER_A);
    expect(again.status).toBe(200);
  });

  it('given a clerk over the limit, when they send a command, then 429 and nothing is recorded', async () => {
    const clerk: Principal = { sub: 'clerk-c', role: 'park-clerk', parkId: 'p-rl' };
    const admin = new LedgerClient(ledger);
    for (let i = 0; i < LIMIT; i++) expect((await read(clerk)).status).toBe(200);
    const before = await admin.head();
    const res = await ledger.as(clerk).post('/enterprises/e-rl/headcount').send({ employees: 10, effectiveDate: '2016-06-30' });
    expectRefusal(res, 429, 'TOO_MANY_REQUESTS');
    expect(await admin.head()).toBe(before);
  });

  it('given one address sends bad tokens, when past the limit, then 429 with Retry-After instead of 401, and signed-in users are not slowed', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 3; i++) {
      const res = await request(ledger.http).get('/members/m-rl').set('Authorization', 'Bearer not.a.token');
      statuses.push(res.status);
    }
    expect(statuses.slice(0, LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LIMIT)).toEqual([429, 429, 429]);
    expect((await read({ sub: 'auditor-c', role: 'auditor' })).status).toBe(200);
  });

  it('given many health probes from one address, when past the limit, then /health still answers 200 (monitoring is not limited)', async () => {
    for (let i = 0; i < LIMIT + 5; i++) expect((await request(ledger.http).get('/health')).status).toBe(200);
  });
});
