import { randomUUID } from 'node:crypto';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

describe('parks and enterprises over HTTP', () => {
  let ledger: LedgerApp;
  let api: LedgerClient;

  beforeAll(async () => {
    ledger = await startLedger();
    api = new LedgerClient(ledger);
  });
  afterAll(() => ledger.close());

  describe('POST /parks', () => {
    it('given no park, when a park is registered, then 201 answers exactly eventId, streamRevision, position, recordedAt', async () => {
      const res = await api.registerPark('p-reg', '2015-03-01');
      expectAnswer(res);
      expect(res.body.streamRevision).toBe(0);
      expect(res.body.recordedAt).toBe(ledger.clock.now().toISOString());
      expect(await api.head()).toBe(res.body.position);
    });

    it('given a registered park, when it is registered again, then 409 PARK_ALREADY_REGISTERED', async () => {
      await api.registerPark('p-twice');
      expectRefusal(await api.registerPark('p-twice', '2012-01-01'), 409, 'PARK_ALREADY_REGISTERED');
    });
  });

  describe('POST /parks/:parkId/union', () => {
    it('given a registered park, when its union is established, then 201 at the next revision', async () => {
      await api.registerPark('p-union', '2015-03-01');
      const res = await api.post('/parks/p-union/union', { effectiveDate: '2015-06-01' });
      expectAnswer(res);
      expect(res.body.streamRevision).toBe(1);
    });

    it('given a park with a union, when a union is established again, then 409 UNION_ALREADY_ESTABLISHED', async () => {
      await api.registerPark('p-union2');
      expectAnswer(await api.post('/parks/p-union2/union', { effectiveDate: '2015-06-01' }));
      expectRefusal(await api.post('/parks/p-union2/union', { effectiveDate: '2016-06-01' }), 409, 'UNION_ALREADY_ESTABLISHED');
    });

    it('given no such park, when its union is established, then 404 NOT_FOUND', async () => {
      const res = await api.post('/parks/p-missing/union', { effectiveDate: '2015-06-01' });
      expectRefusal(res, 404, 'NOT_FOUND');
      expect(res.body.details).toEqual({ parkId: 'p-missing' });
    });

    it('given a park registered in 2015, when a union is dated 2014, then 409 PARK_NOT_REGISTERED', async () => {
      await api.registerPark('p-late', '2015-01-01');
      expectRefusal(await api.post('/parks/p-late/union', { effectiveDate: '2014-12-31' }), 409, 'PARK_NOT_REGISTERED');
    });
  });

  describe('POST /parks/:parkId/entries/:eventId/void', () => {
    it('given a park union, when it is voided, then 201 and a new union may be established; voiding it again is 409 ALREADY_VOIDED', async () => {
      await api.registerPark('p-void');
      const union = await api.post('/parks/p-void/union', { effectiveDate: '2015-06-01' });
      const voided = await api.post(`/parks/p-void/entries/${union.body.eventId}/void`, {
        reason: 'recorded for the wrong park',
      });
      expectAnswer(voided);
      expect(voided.body.streamRevision).toBe(2);
      expectAnswer(await api.post('/parks/p-void/union', { effectiveDate: '2015-07-01' }));
      expectRefusal(
        await api.post(`/parks/p-void/entries/${union.body.eventId}/void`, { reason: 'again' }),
        409,
        'ALREADY_VOIDED',
      );
    });

    it('given a park, when its registration is voided, then 404 NOT_FOUND (only union foundings are voidable)', async () => {
      const registered = await api.registerPark('p-void-reg');
      const res = await api.post(`/parks/p-void-reg/entries/${registered.body.eventId}/void`, { reason: 'no' });
      expectRefusal(res, 404, 'NOT_FOUND');
      expect(res.body.details).toEqual({ eventId: registered.body.eventId });
    });

    it('given no such park, when an entry is voided, then 404 NOT_FOUND', async () => {
      expectRefusal(await api.post(`/parks/p-nowhere/entries/${randomUUID()}/void`, { reason: 'no' }), 404, 'NOT_FOUND');
    });

    it('given a park, when an unknown entry is voided, then 404 NOT_FOUND', async () => {
      await api.registerPark('p-void-unknown');
      expectRefusal(await api.post(`/parks/p-void-unknown/entries/${randomUUID()}/void`, { reason: 'no' }), 404, 'NOT_FOUND');
    });
  });

  describe('POST /enterprises', () => {
    it('given a park, when an enterprise is registered in it, then 201 at revision 0', async () => {
      await api.registerPark('p-e');
      const res = await api.registerEnterprise('e-reg', 'p-e', '2012-01-01');
      expectAnswer(res);
      expect(res.body.streamRevision).toBe(0);
    });

    it('given a registered enterprise, when it is registered again, then 409 ENTERPRISE_ALREADY_REGISTERED', async () => {
      await api.registerPark('p-e2');
      expectAnswer(await api.registerEnterprise('e-twice', 'p-e2'));
      expectRefusal(await api.registerEnterprise('e-twice', 'p-e2', '2013-01-01'), 409, 'ENTERPRISE_ALREADY_REGISTERED');
    });

    it('given no such park, when an enterprise is registered in it, then 404 NOT_FOUND naming the park', async () => {
      const res = await api.registerEnterprise('e-orphan', 'p-absent');
      expectRefusal(res, 404, 'NOT_FOUND');
      expect(res.body.details).toEqual({ parkId: 'p-absent' });
    });

    it('given a park registered in 2015, when an enterprise is registered there in 2014, then 409 PARK_NOT_REGISTERED', async () => {
      await api.registerPark('p-e-late', '2015-01-01');
      expectRefusal(await api.registerEnterprise('e-early', 'p-e-late', '2014-06-01'), 409, 'PARK_NOT_REGISTERED');
    });
  });

  describe('POST /enterprises/:enterpriseId/union', () => {
    beforeAll(async () => {
      await api.registerPark('p-eu');
      await api.registerEnterprise('e-union', 'p-eu', '2012-01-01');
    });

    it('given an enterprise, when its union is established, then 201', async () => {
      expectAnswer(await api.post('/enterprises/e-union/union', { effectiveDate: '2016-05-01' }));
    });

    it('given an enterprise with a union, when a union is established again, then 409 UNION_ALREADY_ESTABLISHED', async () => {
      expectRefusal(
        await api.post('/enterprises/e-union/union', { effectiveDate: '2017-05-01' }),
        409,
        'UNION_ALREADY_ESTABLISHED',
      );
    });

    it('given no such enterprise, when its union is established, then 404 NOT_FOUND', async () => {
      const res = await api.post('/enterprises/e-absent/union', { effectiveDate: '2016-05-01' });
      expectRefusal(res, 404, 'NOT_FOUND');
      expect(res.body.details).toEqual({ enterpriseId: 'e-absent' });
    });

    it('given an enterprise registered in 2012, when a union is dated 2011, then 409 ENTERPRISE_NOT_OPEN', async () => {
      await api.registerEnterprise('e-union-early', 'p-eu', '2012-01-01');
      expectRefusal(
        await api.post('/enterprises/e-union-early/union', { effectiveDate: '2011-12-31' }),
        409,
        'ENTERPRISE_NOT_OPEN',
      );
    });
  });

  describe('POST /enterprises/:enterpriseId/headcount', () => {
    beforeAll(async () => {
      await api.registerPark('p-hc');
      await api.registerEnterprise('e-hc', 'p-hc', '2012-01-01');
    });

    it('given an enterprise, when headcounts of 0 and 1,000,000 are reported, then both are 201', async () => {
      expectAnswer(await api.post('/enterprises/e-hc/headcount', { employees: 0, effectiveDate: '2015-06-30' }));
      expectAnswer(await api.post('/enterprises/e-hc/headcount', { employees: 1_000_000, effectiveDate: '2016-06-30' }));
    });

    it('given no such enterprise, when a headcount is reported, then 404 NOT_FOUND', async () => {
      expectRefusal(
        await api.post('/enterprises/e-nohc/headcount', { employees: 10, effectiveDate: '2016-06-30' }),
        404,
        'NOT_FOUND',
      );
    });

    it('given an enterprise registered in 2012, when a headcount is dated 2011, then 409 ENTERPRISE_NOT_OPEN', async () => {
      expectRefusal(
        await api.post('/enterprises/e-hc/headcount', { employees: 10, effectiveDate: '2011-06-30' }),
        409,
        'ENTERPRISE_NOT_OPEN',
      );
    });
  });

  describe('POST /enterprises/:enterpriseId/close', () => {
    beforeAll(async () => {
      await api.registerPark('p-close');
    });

    it('given an open enterprise without members, when it is closed, then 201; later facts there are 409 ENTERPRISE_NOT_OPEN', async () => {
      await api.registerEnterprise('e-close', 'p-close', '2012-01-01');
      expectAnswer(await api.post('/enterprises/e-close/close', { effectiveDate: '2019-12-31' }));
      expectRefusal(await api.post('/enterprises/e-close/close', { effectiveDate: '2020-12-31' }), 409, 'ENTERPRISE_NOT_OPEN');
      expectRefusal(
        await api.post('/enterprises/e-close/headcount', { employees: 5, effectiveDate: '2020-01-01' }),
        409,
        'ENTERPRISE_NOT_OPEN',
      );
      expectRefusal(await api.post('/enterprises/e-close/union', { effectiveDate: '2019-12-31' }), 409, 'ENTERPRISE_NOT_OPEN');
      expectRefusal(await api.join('m-at-closed', residentId(901), 'e-close', '2020-01-01'), 409, 'ENTERPRISE_NOT_OPEN');
    });

    it('given no such enterprise, when it is closed, then 404 NOT_FOUND', async () => {
      expectRefusal(await api.post('/enterprises/e-never/close', { effectiveDate: '2019-12-31' }), 404, 'NOT_FOUND');
    });

    it('given an enterprise registered in 2012, when it is closed in 2011, then 409 ENTERPRISE_NOT_OPEN', async () => {
      await api.registerEnterprise('e-close-early', 'p-close', '2012-01-01');
      expectRefusal(
        await api.post('/enterprises/e-close-early/close', { effectiveDate: '2011-01-01' }),
        409,
        'ENTERPRISE_NOT_OPEN',
      );
    });

    it('given a member active at the enterprise, when it is closed, then 409 ENTERPRISE_HAS_ACTIVE_MEMBERS naming the member', async () => {
      await api.registerEnterprise('e-busy', 'p-close', '2012-01-01');
      expectAnswer(await api.join('m-busy', residentId(902), 'e-busy', '2016-01-01'));
      const res = await api.post('/enterprises/e-busy/close', { effectiveDate: '2019-12-31' });
      expectRefusal(res, 409, 'ENTERPRISE_HAS_ACTIVE_MEMBERS');
      expect(res.body.details).toEqual({ memberIds: ['m-busy'] });
    });

    it('given a member who left on D, when the enterprise is closed on D, then 201', async () => {
      await api.registerEnterprise('e-emptied', 'p-close', '2012-01-01');
      expectAnswer(await api.join('m-gone', residentId(903), 'e-emptied', '2016-01-01'));
      expectAnswer(await api.leave('m-gone', '2019-06-30'));
      expectAnswer(await api.post('/enterprises/e-emptied/close', { effectiveDate: '2019-06-30' }));
    });

    it('given a headcount dated 2019, when the enterprise is closed in 2018, then 409 TIMELINE_CONFLICT naming the headcount', async () => {
      await api.registerEnterprise('e-late-fact', 'p-close', '2012-01-01');
      const report = await api.post('/enterprises/e-late-fact/headcount', { employees: 12, effectiveDate: '2019-06-30' });
      const res = await api.post('/enterprises/e-late-fact/close', { effectiveDate: '2018-12-31' });
      expectRefusal(res, 409, 'TIMELINE_CONFLICT');
      expect(res.body.details).toEqual({ conflictingEventId: report.body.eventId });
    });
  });

  describe('POST /enterprises/:enterpriseId/entries/:eventId/void', () => {
    beforeAll(async () => {
      await api.registerPark('p-ev');
      await api.registerEnterprise('e-void', 'p-ev', '2012-01-01');
    });

    it('given a headcount report, when it is voided, then 201; voiding it again is 409 ALREADY_VOIDED', async () => {
      const report = await api.post('/enterprises/e-void/headcount', { employees: 420, effectiveDate: '2016-06-30' });
      const res = await api.post(`/enterprises/e-void/entries/${report.body.eventId}/void`, { reason: 'typo in the count' });
      expectAnswer(res);
      expect(res.body.streamRevision).toBe(report.body.streamRevision + 1);
      expectRefusal(
        await api.post(`/enterprises/e-void/entries/${report.body.eventId}/void`, { reason: 'again' }),
        409,
        'ALREADY_VOIDED',
      );
    });

    it('given a union founding, when it is voided, then 201 and a union may be established again', async () => {
      const union = await api.post('/enterprises/e-void/union', { effectiveDate: '2016-05-01' });
      expectAnswer(union);
      expectAnswer(await api.post(`/enterprises/e-void/entries/${union.body.eventId}/void`, { reason: 'wrong enterprise' }));
      expectAnswer(await api.post('/enterprises/e-void/union', { effectiveDate: '2017-05-01' }));
    });

    it('given an enterprise, when its registration or an unknown entry is voided, then 404 NOT_FOUND', async () => {
      const registered = await api.registerEnterprise('e-void-reg', 'p-ev');
      expectRefusal(
        await api.post(`/enterprises/e-void-reg/entries/${registered.body.eventId}/void`, { reason: 'no' }),
        404,
        'NOT_FOUND',
      );
      expectRefusal(await api.post(`/enterprises/e-void-reg/entries/${randomUUID()}/void`, { reason: 'no' }), 404, 'NOT_FOUND');
    });

    it('given no such enterprise, when an entry is voided, then 404 NOT_FOUND', async () => {
      const res = await api.post(`/enterprises/e-nowhere/entries/${randomUUID()}/void`, { reason: 'no' });
      expectRefusal(res, 404, 'NOT_FOUND');
      expect(res.body.details).toEqual({ enterpriseId: 'e-nowhere' });
    });

    it("given another enterprise's headcount, when it is voided through this enterprise, then 404 NOT_FOUND", async () => {
      await api.registerEnterprise('e-other', 'p-ev');
      const report = await api.post('/enterprises/e-other/headcount', { employees: 3, effectiveDate: '2016-06-30' });
      expectRefusal(
        await api.post(`/enterprises/e-void/entries/${report.body.eventId}/void`, { reason: 'no' }),
        404,
        'NOT_FOUND',
      );
    });
  });

  it('given refused commands, when the log head is read, then no refusal appended anything', async () => {
    await api.registerPark('p-last');
    const before = await api.head();
    expectRefusal(await api.registerPark('p-last'), 409, 'PARK_ALREADY_REGISTERED');
    expectRefusal(
      await api.post('/enterprises/e-absent/headcount', { employees: 1, effectiveDate: '2016-01-01' }),
      404,
      'NOT_FOUND',
    );
    expect(await api.head()).toBe(before);
  });
});
