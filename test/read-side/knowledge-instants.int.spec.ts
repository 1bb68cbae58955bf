import { LedgerClient } from '../http/ledger-http.js';
import { type LedgerApp, residentId, startLedger, TestClock } from '../support/ledger-app.js';

/*
 * What an answer "as known at" an instant promises: asked again with the instant it reports, it
 * answers the same whatever is recorded later. An instant in the future would break that (facts
 * recorded up to it change the answer), so it is read as now; and the pages of a change
 * explanation all explain the one window of the first page, even when `until` was left out and
 * facts are recorded between two pages.
 */
describe('knowledge instants in the future, and pages of changes', () => {
  let ledger: LedgerApp;
  let client: LedgerClient;
  const clock = new TestClock(new Date('2016-03-01T01:00:00.000Z'));
  const FUTURE = '2030-01-01T00:00:00Z';

  beforeAll(async () => {
    ledger = await startLedger({ clock });
    client = new LedgerClient(ledger);
    expect((await client.registerPark('p1', '2016-01-01')).status).toBe(201);
    expect((await client.registerEnterprise('e1', 'p1', '2016-01-01')).status).toBe(201);
    for (let m = 1; m <= 5; m++) {
      clock.advance(60_000);
      expect((await client.join(`m${m}`, residentId(m), 'e1', '2016-02-01')).status).toBe(201);
    }
  });
  afterAll(() => ledger.close());

  const get = async (path: string, query: Record<string, string>) => {
    const res = await client.get(`${path}?${new URLSearchParams(query)}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('given figures, a statement and a series asked as known at a future instant, then each is read as now, reports an instant in the past, and that instant answers the same after a later join', async () => {
    const asks = [
      ['/figures', { scope: 'province', asOf: '2016-12-31' }],
      ['/statement', { scope: 'province', from: '2016-01-01', to: '2016-12-31' }],
      ['/series', { scope: 'province', from: '2016-01-01', to: '2016-12-31', every: 'quarter' }],
    ] as const;
    const answers = [];
    for (const [path, query] of asks) {
      const future = await get(path, { ...query, knownAt: FUTURE });
      expect(future).toEqual(await get(path, query));
      expect(Date.parse(future.knownAt)).toBeLessThanOrEqual(clock.now().getTime());
      answers.push(future);
    }

    clock.advance(60_000);
    expect((await client.join('m6', residentId(6), 'e1', '2016-02-01')).status).toBe(201);

    for (const [i, [path, query]] of asks.entries())
      expect(await get(path, { ...query, knownAt: answers[i].knownAt })).toEqual(answers[i]);
    expect((await get('/figures', { scope: 'province', asOf: '2016-12-31', knownAt: FUTURE })).totals.members).toBe(6);
  });

  it('given changes asked since a future instant, then 400 naming since; until in the future is read as now', async () => {
    const res = await client.get(
      `/figures/changes?${new URLSearchParams({ scope: 'province', asOf: '2016-12-31', since: FUTURE })}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      expect.objectContaining({ field: 'since', messages: [expect.stringMatching(/after now/)] }),
    ]);

    const since = '2016-03-01T01:00:00Z';
    const future = await get('/figures/changes', { scope: 'province', asOf: '2016-12-31', since, until: FUTURE });
    expect(future).toEqual(await get('/figures/changes', { scope: 'province', asOf: '2016-12-31', since }));
  });

  it("given changes paged with until left out, when a join is recorded between two pages, then every page explains the first page's window and the pages sum to its change", async () => {
    const since = '2016-03-01T01:00:00Z';
    const first = await get('/figures/changes', { scope: 'province', asOf: '2016-12-31', since, limit: '2' });
    expect(first.nextCursor).not.toBeNull();

    clock.advance(60_000);
    expect((await client.join('m7', residentId(7), 'e1', '2016-02-01')).status).toBe(201);

    const pages = [first];
    while (pages.at(-1).nextCursor !== null)
      pages.push(
        await get('/figures/changes', {
          scope: 'province',
          asOf: '2016-12-31',
          since,
          limit: '2',
          cursor: pages.at(-1).nextCursor,
        }),
      );
    expect(pages.map((p) => [p.until, p.after.members])).toEqual(pages.map(() => [first.until, first.after.members]));
    const entries = pages.flatMap((p) => p.entries);
    expect(entries.reduce((sum: number, e: { effect: number }) => sum + e.effect, 0)).toBe(
      first.after.members - first.before.members,
    );
    expect(entries.map((e: { memberId: string }) => e.memberId)).not.toContain('m7');
    // The same window asked afresh, as the first page reported it, lists the same entries.
    const whole = await get('/figures/changes', {
      scope: 'province',
      asOf: '2016-12-31',
      since,
      until: first.until,
      limit: '1000',
    });
    expect(whole.entries).toEqual(entries);

    const otherUntil = await client.get(
      `/figures/changes?${new URLSearchParams({ scope: 'province', asOf: '2016-12-31', since, until: since, cursor: first.nextCursor })}`,
    );
    expect(otherUntil.status).toBe(400);
    expect(otherUntil.body.details).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });
});
