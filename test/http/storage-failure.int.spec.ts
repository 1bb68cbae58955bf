import { fdatasync } from 'node:fs';
import request from 'supertest';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

/*
 * A disk that fails to sync the event log. This machine's disk does not fail on demand, so the
 * store's fdatasync is replaced (the only stand-in here); everything else is the real service.
 * After a failed sync nobody can know whether that commit survives a crash, so the service stops
 * writing and reading the log until it is restarted, and says so.
 */
describe('the service when the disk fails to sync the log (simulated disk failure: fdatasync replaced)', () => {
  let ledger: LedgerApp;
  let failing = false;
  const syncFile = ((fd: number, done: (error: NodeJS.ErrnoException | null) => void) =>
    failing
      ? done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
      : fdatasync(fd, done)) as typeof fdatasync;

  beforeEach(async () => {
    failing = false;
    ledger = await startLedger({ syncFile });
  });
  afterEach(() => ledger.close());

  it('given a sync that fails, when commands and queries come after it, then each is refused with 503 STORAGE_FAILED, /health reports the event store down with the reason, and the log says it once', async () => {
    const clerk = new LedgerClient(ledger);
    expectAnswer(await clerk.registerPark('p1'));
    expectAnswer(await clerk.registerEnterprise('e1', 'p1'));
    failing = true;
    const join = await clerk.join('m1', residentId(1), 'e1', '2020-01-01');
    expectRefusal(join, 503, 'STORAGE_FAILED');
    expect(join.body.message).toMatch(/did not sync events\.sqlite \(EIO: i\/o error, fdatasync\).*restarts/);
    // The disk answers again; the service does not trust it until it is restarted.
    failing = false;
    expectRefusal(await clerk.join('m2', residentId(2), 'e1', '2020-01-01'), 503, 'STORAGE_FAILED');
    expectRefusal(await clerk.member('m1'), 503, 'STORAGE_FAILED');
    const health = await request(ledger.http).get('/health');
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('error');
    expect(health.body.error.projections).toEqual({
      status: 'down',
      message: expect.stringMatching(/did not sync events\.sqlite/),
    });
    expect(health.body.error.eventStore).toEqual({
      status: 'down',
      message: expect.stringMatching(/did not sync events\.sqlite/),
    });
    expect(ledger.logs().match(/storage failed: restart the service/g)).toHaveLength(1);
  });
});
