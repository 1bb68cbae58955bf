import type { Principal } from '../../src/auth/principal.js';
import { expectAnswer, LedgerClient } from '../http/ledger-http.js';
import { type LedgerApp, startLedger, TestClock } from '../support/ledger-app.js';

export const CLERK_P1: Principal = { sub: 'clerk-p1', role: 'park-clerk', parkId: 'p1' };
export const CLERK_P2: Principal = { sub: 'clerk-p2', role: 'park-clerk', parkId: 'p2' };

export interface TwoParks {
  readonly ledger: LedgerApp;
  readonly admin: LedgerClient;
  /** The clerks of p1 and p2. */
  readonly p1: LedgerClient;
  readonly p2: LedgerClient;
}

/** A ledger on 1 September 2016 with park p1 in city nanchang and park p2 in city ganzhou. */
export async function startTwoParks(): Promise<TwoParks> {
  const ledger = await startLedger({ clock: new TestClock(new Date('2016-09-01T02:00:00.000Z')) });
  const admin = new LedgerClient(ledger);
  expectAnswer(await admin.registerPark('p1', '2010-01-01', { cityId: 'nanchang' }));
  expectAnswer(await admin.registerPark('p2', '2010-01-01', { cityId: 'ganzhou' }));
  return { ledger, admin, p1: new LedgerClient(ledger, CLERK_P1), p2: new LedgerClient(ledger, CLERK_P2) };
}
