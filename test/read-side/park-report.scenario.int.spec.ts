import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerClient } from '../http/ledger-http.js';
import { loadConfig } from '../../src/config/ledger-config.js';
import { openEventStore } from '../../src/event-store/event-store-at.js';
import { rebuildFigures } from '../../src/read-models/figures/figure-builder.js';
import { FigureBuilds } from '../../src/read-models/figures/figure-builds.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';
import { type LedgerApp, residentId, startLedger, TestClock } from '../support/ledger-app.js';

/**
 * A park's half-year report, told the way a park union clerk would: the figures as reported on
 * the report day, a late entry that arrives afterwards, the same question answered "as reported"
 * and "as known now", and the change explained fact by fact.
 */
describe('a park report, a late entry and the explained change', () => {
  let ledger: LedgerApp;
  let client: LedgerClient;
  const clock = new TestClock(new Date('2016-01-04T01:00:00.000Z'));

  beforeAll(async () => {
    ledger = await startLedger({ clock });
    client = new LedgerClient(ledger);
  });
  afterAll(() => ledger.close());

  const figures = (query: Record<string, string>) => client.get(`/figures?${new URLSearchParams(query)}`);

  it('answers the report as it was published, and as known now, and explains the difference', async () => {
    // Given Honggutan park with two enterprises, one with a union, and their headcounts
    expect((await client.registerPark('honggutan', '2016-01-01', { level: 'national' })).status).toBe(201);
    expect((await client.registerEnterprise('e-tex', 'honggutan', '2016-01-01')).status).toBe(201);
    expect((await client.registerEnterprise('e-elec', 'honggutan', '2016-01-01')).status).toBe(201);
    expect((await client.post('/enterprises/e-tex/union', { effectiveDate: '2016-01-02' })).status).toBe(201);
    expect((await client.post('/enterprises/e-tex/headcount', { employees: 4, effectiveDate: '2016-01-02' })).status).toBe(201);
    expect((await client.post('/enterprises/e-elec/headcount', { employees: 2, effectiveDate: '2016-01-02' })).status).toBe(201);
    // and three workers who joined during the half year
    clock.set('2016-03-01T02:00:00.000Z');
    expect((await client.join('m-1', residentId(1), 'e-tex', '2016-02-01', { category: 'regular' })).status).toBe(201);
    expect((await client.join('m-2', residentId(2), 'e-tex', '2016-02-15')).status).toBe(201);
    expect((await client.join('m-3', residentId(3), 'e-elec', '2016-02-20')).status).toBe(201);

    // When the clerk publishes the half-year report on 5 July
    clock.set('2016-07-05T01:00:00.000Z');
    const reported = await figures({ scope: 'park:honggutan', asOf: '2016-06-30' });
    expect(reported.status).toBe(200);
    expect(reported.body.totals).toEqual({
      members: 3,
      byCategory: { regular: 1, migrant: 2, dispatched: 0 },
      employees: 6,
      membershipRate: 0.5,
      enterprises: 2,
      enterprisesWithUnion: 1,
      unionEstablishmentRate: 0.5,
      pendingTransfersIn: 0,
      pendingTransfersOut: 0,
    });
    const reportDay = reported.body.knownAt;

    // And later in July a late entry arrives: m-4 had joined e-elec on 10 June, and m-2 had left on 30 June
    clock.set('2016-07-20T03:00:00.000Z');
    const late = await client.join('m-4', residentId(4), 'e-elec', '2016-06-10', { category: 'dispatched' });
    expect(late.status).toBe(201);
    expect((await client.leave('m-2', '2016-06-30', 'resigned')).status).toBe(201);
    // And a join on 1 July, after the report's date, changes nothing as of 30 June
    expect((await client.join('m-5', residentId(5), 'e-tex', '2016-07-01')).status).toBe(201);

    // Then "as reported" still gives exactly what the report said
    const asReported = await figures({ scope: 'park:honggutan', asOf: '2016-06-30', knownAt: reportDay });
    expect(asReported.body.totals).toEqual(reported.body.totals);
    // And "as known now" counts the late join and the leave on the last day
    const asKnownNow = await figures({ scope: 'park:honggutan', asOf: '2016-06-30' });
    expect(asKnownNow.body.totals.members).toBe(3);
    expect(asKnownNow.body.totals.byCategory).toEqual({ regular: 1, migrant: 1, dispatched: 1 });

    // And the change is explained fact by fact: +1 for the late join, -1 for the leave, nothing for m-5
    const changes = await client.get(
      `/figures/changes?${new URLSearchParams({ scope: 'park:honggutan', asOf: '2016-06-30', since: reportDay })}`,
    );
    expect(changes.status).toBe(200);
    expect(changes.body.before.members).toBe(3);
    expect(changes.body.after.members).toBe(3);
    expect(
      changes.body.entries.map((e: { memberId: string; type: string; effect: number }) => [e.memberId, e.type, e.effect]),
    ).toEqual([
      ['m-4', 'MemberJoined', 1],
      ['m-2', 'MemberLeft', -1],
    ]);
    expect(changes.body.entries[0].effects).toEqual({ 'byCategory.dispatched': 1 });
    expect(changes.body.nextCursor).toBeNull();

    // And the half-year statement adds up: opening + joined + in - out - left = closing
    const statement = await client.get(
      `/statement?${new URLSearchParams({ scope: 'park:honggutan', from: '2016-01-01', to: '2016-06-30' })}`,
    );
    expect(statement.status).toBe(200);
    expect(statement.body).toMatchObject({
      opening: 0,
      joined: { total: 4, byCategory: { regular: 1, migrant: 2, dispatched: 1 } },
      left: { total: 1, byReason: { resigned: 1 } },
      transferredIn: 0,
      transferredOut: 0,
      internalTransfers: 0,
      unionsEstablished: 1,
      closing: 3,
    });
  });

  it('given a member whose personal data was erased, when the service restarts on its read models and again after they are rebuilt from zero, then the figures, statement and changes are identical', async () => {
    const questions = [
      `/figures?scope=park:honggutan&asOf=2016-06-30&groupBy=category`,
      `/figures?scope=province&asOf=2016-07-31&groupBy=park`,
      `/statement?scope=park:honggutan&from=2016-01-01&to=2016-07-31`,
      `/figures/changes?scope=province&asOf=2016-06-30&since=2016-07-05T01:00:00.000Z`,
    ];
    // Given m-1's personal data erased
    expect((await client.post('/members/m-1/erase', { reason: 'the member asked to be forgotten' })).status).toBe(201);
    const before = await Promise.all(questions.map(async (q) => (await client.get(q)).body));
    // When the service starts again with its read models: the serving build is loaded a few
    // segments at a time (this one has a segment per catch-up, more than one load's turn takes)
    await ledger.stop();
    const readModels = new Database(join(ledger.dataDir, 'read-models.sqlite'), { readonly: true });
    try {
      const build = new FigureBuilds(readModels).current()!;
      const segments = readModels.prepare(`SELECT COUNT(*) FROM figures_${build.build}_segments`).pluck().get() as number;
      expect(segments).toBeGreaterThan(4);
    } finally {
      readModels.close();
    }
    ledger = await startLedger({ dataDir: ledger.dataDir, clock });
    client = new LedgerClient(ledger);
    expect(await Promise.all(questions.map(async (q) => (await client.get(q)).body))).toEqual(before);
    // When the read models are deleted and the service starts again on the same log
    await ledger.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(ledger.dataDir, `read-models.sqlite${suffix}`), { force: true });
    ledger = await startLedger({ dataDir: ledger.dataDir, clock });
    client = new LedgerClient(ledger);
    // Then every answer is the same (knownAt is "now" in both, and the clock did not move)
    const after = await Promise.all(questions.map(async (q) => (await client.get(q)).body));
    expect(after).toEqual(before);
    expect(before[0].groups).toEqual([
      { key: 'regular', totals: { members: 1 } },
      { key: 'migrant', totals: { members: 1 } },
      { key: 'dispatched', totals: { members: 1 } },
    ]);
  });

  it('given the service serving its figures, when another process rebuilds them and promotes the new build, then the service goes on from the new build and a fact recorded afterwards is counted', async () => {
    const province = async () => (await client.get('/figures?scope=province&asOf=2030-01-01')).body.totals.members as number;
    const before = await province();
    // The rebuild `ledger rebuild` runs, on its own connections to the same files.
    const config = loadConfig({ LEDGER_DATA_DIR: ledger.dataDir });
    const store = await openEventStore(config, clock);
    const readModels = openReadModelDb(join(ledger.dataDir, 'read-models.sqlite'));
    try {
      const { build } = await rebuildFigures(readModels, store, () => clock.now().toISOString(), { threads: false });
      expect(new FigureBuilds(readModels).current()?.build).toBe(build.build);
    } finally {
      readModels.close();
      await store.close();
    }
    // The service's next catch-up writes to a build whose tables are gone: it loads the new one.
    expect((await client.join('m-after-rebuild', residentId(77), 'e-tex', '2016-07-02')).status).toBe(201);
    expect(await province()).toBe(before + 1);
  });

  it('given the province grouped by park asked once, when a park is registered afterwards, then the next answer has it as a group', async () => {
    const byPark = async () =>
      (await client.get('/figures?scope=province&asOf=2030-01-01&groupBy=park')).body.groups.map(
        (g: { key: string; totals: { members: number } }) => [g.key, g.totals.members],
      );
    const before = await byPark();
    expect(before.map(([key]: [string]) => key)).not.toContain('yaohu');
    expect((await client.registerPark('yaohu', '2016-07-01')).status).toBe(201);
    expect((await client.registerEnterprise('e-yaohu', 'yaohu', '2016-07-01')).status).toBe(201);
    expect((await client.join('m-yaohu', residentId(78), 'e-yaohu', '2016-07-02')).status).toBe(201);
    expect(await byPark()).toEqual([...before, ['yaohu', 1]]);
  });
});
