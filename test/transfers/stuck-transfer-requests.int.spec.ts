import { residentId } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal } from '../http/ledger-http.js';
import { startTwoParks, type TwoParks } from './two-parks.js';

/*
 * Pending requests that can no longer be accepted, flagged in GET /transfers. Park p1 holds e1 and
 * e1b; park p2 holds e2, and e3, which the test that closes it registers. Each test opens its own
 * requests.
 */

describe('stuck transfer requests in the list', () => {
  let parks: TwoParks;
  let n = 0;

  /** A fresh member at e1 (p1) since 2015, with a pending request to `toEnterpriseId` effective 1 July 2016. */
  const pendingRequest = async (transferId: string, toEnterpriseId = 'e2') => {
    const memberId = `s-${++n}`;
    expectAnswer(await parks.admin.join(memberId, residentId(200 + n), 'e1', '2015-03-01'));
    expectAnswer(await parks.p1.post('/transfers', { transferId, memberId, toEnterpriseId, effectiveDate: '2016-07-01' }));
    return memberId;
  };
  const listed = async (transferId: string, query = 'limit=1000') => {
    const res = await parks.p2.get(`/transfers?${query}`);
    expect(res.status).toBe(200);
    return res.body.transfers.find((t: { transferId: string }) => t.transferId === transferId);
  };
  /** The request is listed pending and blocked as given; accepting it answers that very refusal and ends it rejected. */
  const expectBlockedThenRefused = async (transferId: string, blockedBy: { code: string; message?: string }) => {
    const item = await listed(transferId);
    expect(item).toMatchObject({ status: 'pending', acceptable: false, blockedBy });
    const accepted = await parks.p2.post(`/transfers/${transferId}/accept`, {});
    expectRefusal(accepted, 409, blockedBy.code);
    expect(accepted.body.message).toBe(`${item.blockedBy.message}; transfer request ${transferId} is now rejected`);
    return accepted;
  };
  const pendingOut = async () =>
    (await parks.admin.get('/figures?scope=park:p1&asOf=2016-07-01')).body.totals.pendingTransfersOut as number;

  beforeAll(async () => {
    parks = await startTwoParks();
    expectAnswer(await parks.admin.registerEnterprise('e1', 'p1', '2010-06-01'));
    expectAnswer(await parks.admin.registerEnterprise('e1b', 'p1', '2010-06-01'));
    expectAnswer(await parks.admin.registerEnterprise('e2', 'p2', '2010-06-01'));
    expectAnswer(await parks.admin.registerPark('p3', '2010-01-01', { cityId: 'nanchang' }));
    expectAnswer(await parks.admin.registerEnterprise('e4', 'p3', '2010-06-01'));
  });
  afterAll(() => parks.ledger.close());

  it('given a pending request whose member is still active, when listed, then it is acceptable and blocked by nothing', async () => {
    await pendingRequest('t-fine');
    expect(await listed('t-fine', 'status=pending&limit=1000')).toMatchObject({
      status: 'pending',
      acceptable: true,
      blockedBy: null,
    });
  });

  it('given a request whose member then left before its date, when listed, then it is still pending but not acceptable, blocked by the very refusal accepting it answers', async () => {
    // Given
    const memberId = await pendingRequest('t-gone');
    const before = await pendingOut();
    // When the member leaves before the request's date
    expectAnswer(await parks.p1.leave(memberId, '2016-06-15', 'resigned'));
    // Then the request is listed pending, flagged, and still counted pending by the figures
    const item = await listed('t-gone', 'status=pending&limit=1000');
    expect(item).toMatchObject({
      status: 'pending',
      acceptable: false,
      blockedBy: { code: 'MEMBER_NOT_ACTIVE', message: `member ${memberId} is not active on 2016-07-01` },
    });
    expect(await pendingOut()).toBe(before);
    // And accepting it answers that code and message (and ends it rejected)
    const accepted = await parks.p2.post('/transfers/t-gone/accept', {});
    expectRefusal(accepted, 409, 'MEMBER_NOT_ACTIVE');
    expect(accepted.body.message).toBe(`${item.blockedBy.message}; transfer request t-gone is now rejected`);
    // And once it is not pending, neither field says anything
    expect(await listed('t-gone')).toMatchObject({ status: 'rejected', acceptable: null, blockedBy: null });
  });

  it('given a request whose destination enterprise then closed, when listed, then it is blocked by ENTERPRISE_NOT_OPEN, as accepting it answers', async () => {
    expectAnswer(await parks.admin.registerEnterprise('e3', 'p2', '2010-06-01'));
    await pendingRequest('t-closed', 'e3');
    expectAnswer(await parks.admin.post('/enterprises/e3/close', { effectiveDate: '2016-08-01' }));
    await expectBlockedThenRefused('t-closed', { code: 'ENTERPRISE_NOT_OPEN', message: 'enterprise e3 closes on 2016-08-01' });
  });

  it('given a request whose member was then moved by a direct transfer dated after it, when listed, then it is blocked by TIMELINE_CONFLICT, as accepting it answers', async () => {
    const memberId = await pendingRequest('t-moved');
    expectAnswer(await parks.admin.transfer(memberId, 'e1b', '2016-08-01'));
    await expectBlockedThenRefused('t-moved', { code: 'TIMELINE_CONFLICT' });
  });

  it('given a request whose member was then moved to a third park by a direct transfer dated before it, when listed, then it is blocked by MEMBER_NOT_AT_ORIGIN, and accepting it leaves the member where they are', async () => {
    // Given a request from p1 to p2 on 1 July, and a direct move to p3 on 15 June
    const memberId = await pendingRequest('t-elsewhere');
    expectAnswer(await parks.admin.transfer(memberId, 'e4', '2016-06-15'));
    // Then it is listed as stuck, without naming the park that holds the member now, and accepting
    // it is refused with that code and ends it rejected
    const accepted = await expectBlockedThenRefused('t-elsewhere', {
      code: 'MEMBER_NOT_AT_ORIGIN',
      message: `member ${memberId} is no longer in park p1 on 2016-07-01, which transfer request t-elsewhere moves them from`,
    });
    expect(accepted.body.details).toEqual({
      memberId,
      originParkId: 'p1',
      effectiveDate: '2016-07-01',
      transferId: 't-elsewhere',
      status: 'rejected',
    });
    expect((await parks.admin.member(memberId)).body).toMatchObject({ enterpriseId: 'e4', parkId: 'p3' });
    expect(await listed('t-elsewhere')).toMatchObject({ status: 'rejected' });
  });

  it('given a request whose member was then moved within the origin park before its date, when accepted, then the member moves from where they are to the destination', async () => {
    const memberId = await pendingRequest('t-within');
    expectAnswer(await parks.admin.transfer(memberId, 'e1b', '2016-06-15'));
    expect(await listed('t-within')).toMatchObject({ status: 'pending', acceptable: true, blockedBy: null });
    expectAnswer(await parks.p2.post('/transfers/t-within/accept', {}));
    expect((await parks.admin.member(memberId)).body).toMatchObject({ enterpriseId: 'e2', parkId: 'p2' });
  });

  it('given a stuck request, when the leave that blocked it is voided, then it is acceptable again and accepting it moves the member', async () => {
    const memberId = await pendingRequest('t-voided');
    const left = await parks.p1.leave(memberId, '2016-06-15', 'resigned');
    expectAnswer(left);
    expect(await listed('t-voided')).toMatchObject({ acceptable: false, blockedBy: { code: 'MEMBER_NOT_ACTIVE' } });
    expectAnswer(
      await parks.admin.post(`/members/${memberId}/entries/${left.body.eventId}/void`, { reason: 'recorded in error' }),
    );
    expect(await listed('t-voided')).toMatchObject({ status: 'pending', acceptable: true, blockedBy: null });
    expectAnswer(await parks.p2.post('/transfers/t-voided/accept', {}));
    expect((await parks.admin.member(memberId)).body).toMatchObject({ enterpriseId: 'e2', parkId: 'p2' });
    expect(await listed('t-voided')).toMatchObject({ status: 'accepted', acceptable: null, blockedBy: null });
  });

  it('given a cancelled request, when listed, then acceptable and blockedBy are null', async () => {
    await pendingRequest('t-called-off');
    expectAnswer(await parks.p1.post('/transfers/t-called-off/cancel', { reason: 'opened by mistake' }));
    expect(await listed('t-called-off')).toMatchObject({ status: 'cancelled', acceptable: null, blockedBy: null });
  });

  it('given pages of the list, when read one by one, then each request is judged the same as on one page', async () => {
    const memberId = await pendingRequest('t-paged');
    expectAnswer(await parks.p1.leave(memberId, '2016-06-15', 'resigned'));
    await pendingRequest('t-paged-fine');
    const all = (await parks.p2.get('/transfers?limit=1000')).body.transfers;
    const paged: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { transfers: unknown[]; nextCursor: string | null } } = await parks.p2.get(
        `/transfers?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...page.body.transfers);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    expect(all.map((t: { acceptable: boolean | null }) => t.acceptable)).toEqual(expect.arrayContaining([true, false, null]));
  });
});
