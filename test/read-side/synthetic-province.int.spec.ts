import { LedgerClient } from '../http/ledger-http.js';
import { type LedgerApp, startLedger } from '../support/ledger-app.js';
import {
  type ImportCommand,
  type ProvinceOptions,
  type ProvinceSummary,
  restRequestOf,
  syntheticProvince,
} from '../../src/synthetic-province/synthetic-province.js';
import { expectGeneratedFigures } from '../support/generated-figures.js';

/**
 * A small generated province (400 member ids, seed 5: about 760 lines) posted line by line to
 * the REST routes the lines stand for, over the real HTTP stack and a temp-dir embedded store.
 */
describe('a synthetic province applied line by line through HTTP', () => {
  const options: ProvinceOptions = { members: 400, seed: 5, years: 10, endDate: '2026-06-30' };
  const commands: ImportCommand[] = [];
  let summary: ProvinceSummary;
  let ledger: LedgerApp;
  let client: LedgerClient;

  beforeAll(async () => {
    const iterator = syntheticProvince(options).commands();
    let next = iterator.next();
    for (; !next.done; next = iterator.next()) commands.push(next.value);
    summary = next.value;
    // The test clock stands on 2026-11-24, after the end date.
    ledger = await startLedger();
    client = new LedgerClient(ledger);
  });
  afterAll(() => ledger.close());

  it('contains every kind of command, rejoins on the same member id, returning people under a new one, moves within and between parks, and a closure that moves its members out', () => {
    const parkOf = new Map<string, string>();
    const at = new Map<string, string>();
    const personOf = new Map<string, string>();
    const lastMoveDay = new Map<string, string>();
    const seen = { rejoins: 0, newIdSamePerson: 0, interPark: 0, intraPark: 0, closuresWithMembers: 0 };
    for (const c of commands) {
      if (c.command === 'registerEnterprise') parkOf.set(c.enterpriseId, c.parkId);
      if (c.command === 'join') {
        if (personOf.has(c.memberId)) {
          expect(personOf.get(c.memberId)).toBe(c.personId);
          seen.rejoins++;
        } else if ([...personOf.values()].includes(c.personId)) seen.newIdSamePerson++;
        personOf.set(c.memberId, c.personId);
        at.set(c.memberId, c.enterpriseId);
      }
      if (c.command === 'transfer') {
        const from = at.get(c.memberId)!;
        if (parkOf.get(from) === parkOf.get(c.toEnterpriseId)) seen.intraPark++;
        else seen.interPark++;
        lastMoveDay.set(from, c.effectiveDate);
        at.set(c.memberId, c.toEnterpriseId);
      }
      if (c.command === 'leave') lastMoveDay.set(at.get(c.memberId)!, c.effectiveDate);
      if (c.command === 'closeEnterprise' && lastMoveDay.get(c.enterpriseId) === c.effectiveDate) seen.closuresWithMembers++;
    }
    expect(Object.entries(summary.counts).filter(([, n]) => n === 0)).toEqual([]);
    expect(Object.entries(seen).filter(([, n]) => n === 0)).toEqual([]);
  });

  it('given every line posted in file order to its route, then every one is recorded (201), and the province figures as of the end date are the ones the generator expects', async () => {
    const refused: string[] = [];
    for (const [i, c] of commands.entries()) {
      const { path, body } = restRequestOf(c);
      const res = await client.post(path, body);
      if (res.status !== 201) refused.push(`line ${i + 1} ${JSON.stringify(c)}: ${res.status} ${res.text}`);
    }
    expect(refused).toEqual([]);

    const e = summary.expected;
    const res = await client.get(`/figures?scope=province&asOf=${e.asOf}`);
    expect(res.status).toBe(200);
    expectGeneratedFigures(res.body.totals, e);
    expect(e.parks).toBe(94);
  }, 180_000);
});
