import request from 'supertest';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

/**
 * Two ledger instances on one store, each with its own in-process locks: what several ledger
 * processes against one EventStoreDB look like. Only the stores' expected revisions (the member
 * stream's and the person stream's) keep one person to one membership here.
 */
describe('two ledger instances sharing one event store', () => {
  let a: LedgerApp;
  let b: LedgerApp;

  beforeAll(async () => {
    a = await startLedger();
    b = await startLedger({ dataDir: a.dataDir });
    for (const ledger of [a, b]) await new Promise<void>((resolve) => ledger.http.listen(0, '127.0.0.1', resolve));
    const api = new LedgerClient(a);
    expectAnswer(await api.registerPark('p1'));
    expectAnswer(await api.registerPark('p2'));
    expectAnswer(await api.registerEnterprise('e1', 'p1'));
    expectAnswer(await api.registerEnterprise('e2', 'p2'));
  });
  afterAll(async () => {
    await b.stop();
    await a.close();
  });

  it('given one person, when 40 joins under 40 memberIds are spread over both instances at once, then exactly one member exists and the rest are PERSON_ALREADY_MEMBER', async () => {
    const personId = residentId(11, '19850505');
    const memberIds = Array.from({ length: 40 }, (_, i) => `m-shared-${i}`);
    const responses = await Promise.all(
      memberIds.map((memberId, i) =>
        (i % 2 === 0 ? a : b)
          .as()
          .post('/members')
          .send({
            memberId,
            personId,
            name: '赵六',
            category: 'migrant',
            enterpriseId: i % 3 === 0 ? 'e1' : 'e2',
            effectiveDate: '2016-01-01',
          }),
      ),
    );
    const winners = memberIds.filter((_, i) => responses[i].status === 201);
    expect(winners).toHaveLength(1);
    for (const r of responses.filter((x) => x.status !== 201)) {
      expectRefusal(r, 409, 'PERSON_ALREADY_MEMBER');
      expect(r.body.details.memberId).toBe(winners[0]);
    }
    const reads = await Promise.all(memberIds.map((m) => b.as().get(`/members/${m}`)));
    expect(memberIds.filter((_, i) => reads[i].status === 200)).toEqual(winners);
  });

  it('given one member, when 30 transfers with the same expectedRevision are spread over both instances, then exactly one is 201 and the rest 412', async () => {
    expectAnswer(await new LedgerClient(a).join('m-shared-race', residentId(12, '19850505'), 'e1', '2016-01-01'));
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 === 0 ? a : b)
          .as()
          .post('/members/m-shared-race/transfer')
          .send({ toEnterpriseId: 'e2', effectiveDate: '2016-06-01', expectedRevision: 0 }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 412)).toHaveLength(29);
  });
});
