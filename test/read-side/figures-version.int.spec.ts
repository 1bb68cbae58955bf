import { join } from 'node:path';
import request from 'supertest';
import { FigureBuilds, FIGURES_VERSION } from '../../src/read-models/figures/figure-builds.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';
import { expectAnswer, expectRefusal, LedgerClient } from '../http/ledger-http.js';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';

/*
 * An upgrade done out of order: while the service serves, `ledger rebuild` of another release
 * rebuilds the figures in that release's shape and promotes them. The service must not read them
 * in its own shape (wrong figures, or a crash), nor rebuild over them: it stops serving figures
 * and says why until it is restarted.
 */
describe('figures rebuilt by another release while the service serves them', () => {
  let ledger: LedgerApp | undefined;
  afterEach(() => ledger?.close());

  it('given a serving service, when another process promotes a figures build of another version, then figure queries answer 503 FIGURES_VERSION_MISMATCH, /health says why, commands are still recorded, the other build stays, and a restart serves figures of this version again', async () => {
    ledger = await startLedger();
    const clerk = new LedgerClient(ledger);
    expectAnswer(await clerk.registerPark('p1'));
    expectAnswer(await clerk.registerEnterprise('e1', 'p1'));
    expectAnswer(await clerk.join('m1', residentId(1), 'e1', '2020-01-01'));
    const figures = () => ledger!.as().get('/figures?scope=province&asOf=2021-01-01');
    expect((await figures()).body.totals.members).toBe(1);

    // Another process (another release's `ledger rebuild`) promotes a build of the next version.
    const other = openReadModelDb(join(ledger.dataDir, 'read-models.sqlite'));
    const builds = new FigureBuilds(other);
    builds.start('vnext', '2021-01-02T00:00:00.000Z');
    other.prepare('UPDATE projection_builds SET version = ? WHERE build = ?').run(FIGURES_VERSION + 1, 'vnext');
    builds.promote('vnext', '2021-01-02T00:00:00.000Z');

    // The next command is recorded; the figures, following it, find their build replaced.
    expectAnswer(await clerk.join('m2', residentId(2), 'e1', '2020-01-01'));
    const refused = await figures();
    expectRefusal(refused, 503, 'FIGURES_VERSION_MISMATCH');
    expect(refused.body.message).toMatch(
      new RegExp(`another release \\(figures version ${FIGURES_VERSION + 1}\\); this service reads version ${FIGURES_VERSION}`),
    );
    const health = await request(ledger.http).get('/health');
    expect(health.status).toBe(503);
    expect(health.body.error.projections).toEqual({ status: 'down', message: refused.body.message });
    expect(ledger.logs()).toContain('the figures were rebuilt by another release');
    expect(builds.current()).toMatchObject({ build: 'vnext', version: FIGURES_VERSION + 1 });
    other.close();

    // Restarted, this release rebuilds its own figures from the log (both joins) and serves them.
    await ledger.stop();
    ledger = await startLedger({ dataDir: ledger.dataDir });
    const again = await figures();
    expect(again.status).toBe(200);
    expect(again.body.totals.members).toBe(2);
  });
});
