import request from 'supertest';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

/*
 * Every answer says how long the service itself took: `Server-Timing: app;dur=<ms>`, from the
 * request reaching the app to its head being written. The benchmark reads it to tell the
 * service's time from the client's; here, over the real app, it must be on answers of every
 * kind (command, figure, export, refusal, unknown route) and never more than the client waited.
 */

const SERVER_TIMING = /^app;dur=(\d+\.\d{2})$/;

describe('Server-Timing on every answer', () => {
  let ledger: LedgerApp;

  beforeAll(async () => {
    ledger = await startLedger();
  });
  afterAll(() => ledger.close());

  /** Sends, timing the whole round trip at the client, and answers the response with the service's own duration. */
  async function timed(send: () => request.Test): Promise<{ res: request.Response; serverMs: number; clientMs: number }> {
    const started = process.hrtime.bigint();
    const res = await send();
    const clientMs = Number(process.hrtime.bigint() - started) / 1e6;
    const header = res.headers['server-timing'];
    expect(header).toMatch(SERVER_TIMING);
    return { res, serverMs: Number(SERVER_TIMING.exec(header)![1]), clientMs };
  }

  it('given a park, an enterprise and a member, when commands, figures, an export, a refusal and an unknown route are answered, then each carries app;dur within what the client waited', async () => {
    const admin = new LedgerClient(ledger);
    const answers = [
      await timed(() =>
        ledger
          .as()
          .post('/parks')
          .send({ parkId: 'p-st', name: 'Park', cityId: 'nanchang', level: 'provincial', effectiveDate: '2012-01-01' }),
      ),
      await timed(() =>
        ledger
          .as()
          .post('/enterprises')
          .send({ enterpriseId: 'e-st', parkId: 'p-st', name: 'Works', ownership: 'non-public', effectiveDate: '2012-01-01' }),
      ),
    ];
    expectAnswer(answers[0].res);
    expectAnswer(answers[1].res);
    expectAnswer(await admin.join('m-st', residentId(41), 'e-st', '2016-01-01'));

    const figures = await timed(() => ledger.as().get('/figures?scope=park:p-st&asOf=2016-06-30'));
    expect(figures.res.status).toBe(200);
    expect(figures.res.body.totals.members).toBe(1);
    const csv = await timed(() => ledger.as().get('/figures?scope=park:p-st&asOf=2016-06-30&format=csv'));
    expect({ status: csv.res.status, type: csv.res.headers['content-type'] }).toMatchObject({
      status: 200,
      type: expect.stringMatching(/^text\/csv/),
    });
    const refused = await timed(() => ledger.as().get('/figures?scope=park:p-st&asOf=2016-02-30'));
    expectRefusal(refused.res, 400, 'VALIDATION_FAILED');
    const unknown = await timed(() => request(ledger.http).get('/nowhere'));
    expect(unknown.res.status).toBe(404);
    const health = await timed(() => request(ledger.http).get('/health'));
    expect(health.res.status).toBe(200);

    for (const { serverMs, clientMs } of [...answers, figures, csv, refused, unknown, health]) {
      expect(serverMs).toBeGreaterThanOrEqual(0);
      expect(serverMs).toBeLessThanOrEqual(clientMs);
    }
  });
});
