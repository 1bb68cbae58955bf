import type { Principal } from '../../src/auth/principal.js';
import { enterpriseStream, type EnterpriseEvent } from '../../src/enterprises/enterprise.events.js';
import { foldEnterprise } from '../../src/enterprises/enterprise.state.js';
import { type MemberEvent, memberStream } from '../../src/membership/member.events.js';
import type { MemberDecisionContext } from '../../src/membership/member.rules.js';
import { foldHistory, type MemberHistory } from '../../src/membership/member.timeline.js';
import { decideAcceptTransfer } from '../../src/transfer-requests/accept-transfer/accept-transfer.decide.js';
import { decideCancelTransfer } from '../../src/transfer-requests/cancel-transfer/cancel-transfer.decide.js';
import { decideCompletion } from '../../src/transfer-requests/complete-transfer/complete-transfer.decide.js';
import { decideRejectTransfer } from '../../src/transfer-requests/reject-transfer/reject-transfer.decide.js';
import { decideRequestTransfer } from '../../src/transfer-requests/request-transfer/request-transfer.decide.js';
import { acceptabilityOf } from '../../src/transfer-requests/list-transfers/acceptability.js';
import type { OpenedRequest } from '../../src/transfer-requests/transfer-request.rules.js';
import { type TransferRequestEvent, transferStream } from '../../src/transfer-requests/transfer-request.events.js';
import { foldTransferRequest, type TransferRequestState } from '../../src/transfer-requests/transfer-request.state.js';
import { mayCancel, mayDecide, openerSide, type TransferSides } from '../../src/transfer-requests/transfer-sides.js';
import { DomainError } from '../../src/shared/domain-error.js';
import { type Given, scenarios, stored } from './given-when-then.js';

const ENTERPRISES = { eA: 'p1', eA2: 'p1', eB: 'p2', eClosed: 'p2', eC: 'p3' } as const;
const ctx: MemberDecisionContext = {
  today: '2026-06-30',
  enterprises: new Map(
    Object.entries(ENTERPRISES).map(([enterpriseId, parkId]) => {
      const events: EnterpriseEvent[] = [
        {
          type: 'EnterpriseRegistered',
          data: { enterpriseId, parkId, name: enterpriseId, ownership: 'public', effectiveDate: '2010-01-01' },
        },
      ];
      if (enterpriseId === 'eClosed')
        events.push({ type: 'EnterpriseClosed', data: { enterpriseId, effectiveDate: '2015-01-01' } });
      return [enterpriseId, foldEnterprise(stored(enterpriseStream(enterpriseId), events))];
    }),
  ),
};

const member = (...events: MemberEvent[]): MemberHistory => foldHistory('m1', stored(memberStream('m1'), events));
const JOINED: MemberEvent = {
  type: 'MemberJoined',
  data: {
    memberId: 'm1',
    person: { hash: 'h', masked: '360102********0018' },
    name: 'sealed',
    category: 'migrant',
    enterpriseId: 'eA',
    parkId: 'p1',
    effectiveDate: '2015-03-01',
  },
};
/** Direct transfers before the request's date (1 July 2016): to another park, and within the origin park. */
const movedTo = (enterpriseId: keyof typeof ENTERPRISES): MemberEvent => ({
  type: 'MemberTransferred',
  data: {
    memberId: 'm1',
    from: { enterpriseId: 'eA', parkId: 'p1' },
    to: { enterpriseId, parkId: ENTERPRISES[enterpriseId] },
    effectiveDate: '2016-05-01',
  },
});
const MOVED_TO_P3 = movedTo('eC');
const MOVED_WITHIN_P1 = movedTo('eA2');
const LEFT: MemberEvent = { type: 'MemberLeft', data: { memberId: 'm1', reason: 'resigned', effectiveDate: '2016-06-01' } };
const REQUESTED: Given<TransferRequestEvent> = {
  type: 'TransferRequested',
  data: {
    transferId: 't1',
    memberId: 'm1',
    from: { enterpriseId: 'eA', parkId: 'p1' },
    to: { enterpriseId: 'eB', parkId: 'p2' },
    openedBy: 'origin',
    effectiveDate: '2016-07-01',
  },
};
const ACCEPTED: Given<TransferRequestEvent> = {
  type: 'TransferAccepted',
  data: { transferId: 't1', effectiveDate: '2016-07-01' },
};
const given = scenarios<TransferRequestEvent, TransferRequestState>(transferStream('t1'), foldTransferRequest);
const request =
  (body: Partial<{ toEnterpriseId: string; effectiveDate: string }> = {}, pendingOfMember: string[] = []) =>
  (state: TransferRequestState) =>
    decideRequestTransfer(
      { transferId: 't1', memberId: 'm1', toEnterpriseId: 'eB', effectiveDate: '2016-07-01', openedBy: 'origin', ...body },
      state,
      member(JOINED),
      { ...ctx, pendingOfMember },
    );

describe('opening a transfer request', () => {
  it('given an active member, when a request to another open enterprise is opened, then TransferRequested names both ends', () =>
    given().when(request()).then([REQUESTED]));
  it('given the target is the current enterprise, then SAME_ENTERPRISE', () =>
    given()
      .when(request({ toEnterpriseId: 'eA' }))
      .thenRefusedWith('SAME_ENTERPRISE'));
  it('given a closed target, then ENTERPRISE_NOT_OPEN', () =>
    given()
      .when(request({ toEnterpriseId: 'eClosed' }))
      .thenRefusedWith('ENTERPRISE_NOT_OPEN'));
  it('given a date before the member joined, then MEMBER_NOT_ACTIVE', () =>
    given()
      .when(request({ effectiveDate: '2014-01-01' }))
      .thenRefusedWith('MEMBER_NOT_ACTIVE'));
  it('given another pending request of the member, then TRANSFER_ALREADY_PENDING naming it', () =>
    given()
      .when(request({}, ['t0']))
      .thenRefusedWith('TRANSFER_ALREADY_PENDING', { transferId: 't0' }));
  it('given the transferId is taken, then TRANSFER_ID_TAKEN', () =>
    given(REQUESTED).when(request()).thenRefusedWith('TRANSFER_ID_TAKEN', { transferId: 't1', status: 'pending' }));
});

describe('accepting, rejecting and cancelling', () => {
  const accept = (history: MemberHistory, effectiveDate?: string) => (state: TransferRequestState) => {
    const d = decideAcceptTransfer({ transferId: 't1', ...(effectiveDate ? { effectiveDate } : {}) }, state, history, ctx);
    if (d.kind === 'refused') throw Object.assign(d.error, { ended: d.events });
    return d.kind === 'accepted' ? d.events : [];
  };
  it('given a pending request, when accepted, then TransferAccepted on the requested date', () =>
    given(REQUESTED)
      .when(accept(member(JOINED)))
      .then([ACCEPTED]));
  it('given an accepted request, when accepted again on the same date, then nothing new', () =>
    given(REQUESTED, ACCEPTED)
      .when(accept(member(JOINED)))
      .then([]));
  it('given an accepted request, when accepted for another date, then TRANSFER_NOT_PENDING', () =>
    given(REQUESTED, ACCEPTED)
      .when(accept(member(JOINED), '2016-07-05'))
      .thenRefusedWith('TRANSFER_NOT_PENDING'));
  it('given the member left meanwhile, when accepted, then the refusal ends the request rejected with the reason', () => {
    const state = foldTransferRequest(stored(transferStream('t1'), [REQUESTED]));
    const d = decideAcceptTransfer({ transferId: 't1' }, state, member(JOINED, LEFT), ctx);
    expect(d.kind).toBe('refused');
    if (d.kind !== 'refused') return;
    expect(d.error.code).toBe('MEMBER_NOT_ACTIVE');
    expect(d.events).toEqual([
      { type: 'TransferRejected', data: { transferId: 't1', reason: expect.stringMatching(/^MEMBER_NOT_ACTIVE: /) } },
    ]);
  });
  it('given the member was moved to another park before its date, when accepted, then MEMBER_NOT_AT_ORIGIN ends the request rejected', () => {
    const state = foldTransferRequest(stored(transferStream('t1'), [REQUESTED]));
    const d = decideAcceptTransfer({ transferId: 't1' }, state, member(JOINED, MOVED_TO_P3), ctx);
    expect(d).toMatchObject({
      kind: 'refused',
      error: { code: 'MEMBER_NOT_AT_ORIGIN', details: { memberId: 'm1', originParkId: 'p1', effectiveDate: '2016-07-01' } },
      events: [
        { type: 'TransferRejected', data: { transferId: 't1', reason: expect.stringMatching(/^MEMBER_NOT_AT_ORIGIN: /) } },
      ],
    });
  });
  it('given the member was moved within the origin park before its date, when accepted, then TransferAccepted', () =>
    given(REQUESTED)
      .when(accept(member(JOINED, MOVED_WITHIN_P1)))
      .then([ACCEPTED]));
  it("given the acceptor's own date that the rules refuse, then the acceptance fails and the request stays pending", () => {
    const state = foldTransferRequest(stored(transferStream('t1'), [REQUESTED]));
    expect(() => decideAcceptTransfer({ transferId: 't1', effectiveDate: '2014-01-01' }, state, member(JOINED), ctx)).toThrow(
      DomainError,
    );
  });
  it('given no such request, then NOT_FOUND', () =>
    given()
      .when(accept(member(JOINED)))
      .thenRefusedWith('NOT_FOUND'));
  it('given a pending request, when rejected, then TransferRejected with the reason', () =>
    given(REQUESTED)
      .when((s) => decideRejectTransfer({ transferId: 't1', reason: 'no' }, s))
      .then([{ type: 'TransferRejected', data: { transferId: 't1', reason: 'no' } }]));
  it('given an accepted request, when rejected or cancelled, then TRANSFER_NOT_PENDING', () => {
    given(REQUESTED, ACCEPTED)
      .when((s) => decideRejectTransfer({ transferId: 't1', reason: 'no' }, s))
      .thenRefusedWith('TRANSFER_NOT_PENDING', { status: 'accepted' });
    given(REQUESTED, ACCEPTED)
      .when((s) => decideCancelTransfer({ transferId: 't1', reason: 'no' }, s))
      .thenRefusedWith('TRANSFER_NOT_PENDING', { status: 'accepted' });
  });
  it('given a cancelled request, when cancelled again, then TRANSFER_NOT_PENDING with the reason it ended', () =>
    given(REQUESTED, { type: 'TransferCancelled', data: { transferId: 't1', reason: 'wrong worker' } })
      .when((s) => decideCancelTransfer({ transferId: 't1', reason: 'again' }, s))
      .thenRefusedWith('TRANSFER_NOT_PENDING', { status: 'cancelled', reason: 'wrong worker' }));
});

describe('whether a pending request can still be accepted (the list)', () => {
  const opened = (...events: Array<Given<TransferRequestEvent>>) =>
    foldTransferRequest(stored(transferStream('t1'), events)) as OpenedRequest;
  it('given an active member and an open destination, then acceptable', () =>
    expect(acceptabilityOf(opened(REQUESTED), member(JOINED), ctx)).toEqual({ acceptable: true, blockedBy: null }));
  it('given the member left before its date, then blocked by the refusal accepting answers', () => {
    const refused = decideAcceptTransfer({ transferId: 't1' }, opened(REQUESTED), member(JOINED, LEFT), ctx);
    if (refused.kind !== 'refused') throw new Error('expected a refusal');
    expect(acceptabilityOf(opened(REQUESTED), member(JOINED, LEFT), ctx)).toEqual({
      acceptable: false,
      blockedBy: { code: 'MEMBER_NOT_ACTIVE', message: refused.error.message },
    });
  });
  it('given the destination closed, then blocked by ENTERPRISE_NOT_OPEN', () => {
    const toClosed = { ...REQUESTED, data: { ...REQUESTED.data, to: { enterpriseId: 'eClosed', parkId: 'p2' } } };
    expect(acceptabilityOf(opened(toClosed), member(JOINED), ctx)).toMatchObject({
      acceptable: false,
      blockedBy: { code: 'ENTERPRISE_NOT_OPEN' },
    });
  });
  it('given a request that is not pending, then neither acceptable nor blocked: null', () =>
    expect(acceptabilityOf(opened(REQUESTED, ACCEPTED), member(JOINED), ctx)).toEqual({ acceptable: null, blockedBy: null }));
});

describe('carrying out an accepted request', () => {
  const accepted = foldTransferRequest(stored(transferStream('t1'), [REQUESTED, ACCEPTED]));
  it('given an accepted request not yet carried out, then MemberTransferred with the transferId', () => {
    expect(decideCompletion(accepted, member(JOINED), ctx)).toEqual({
      kind: 'move',
      events: [
        {
          type: 'MemberTransferred',
          data: {
            memberId: 'm1',
            from: REQUESTED.data.from,
            to: REQUESTED.data.to,
            transferId: 't1',
            effectiveDate: '2016-07-01',
          },
        },
      ],
    });
  });
  it('given the member stream already holds the move, then done (never twice)', () => {
    const moved = decideCompletion(accepted, member(JOINED), ctx);
    if (moved.kind !== 'move') throw new Error('expected a move');
    expect(decideCompletion(accepted, member(JOINED, moved.events[0]), ctx)).toEqual({ kind: 'done' });
  });
  it('given the member left before it was carried out, then the request ends rejected', () =>
    expect(decideCompletion(accepted, member(JOINED, LEFT), ctx)).toMatchObject({
      kind: 'refused',
      events: [{ type: 'TransferRejected' }],
    }));
  it('given the member was moved to another park after the acceptance, before it was carried out, then the request ends rejected', () =>
    expect(decideCompletion(accepted, member(JOINED, MOVED_TO_P3), ctx)).toMatchObject({
      kind: 'refused',
      error: { code: 'MEMBER_NOT_AT_ORIGIN' },
      events: [{ type: 'TransferRejected' }],
    }));
  it('given a pending request, then nothing to do', () =>
    expect(decideCompletion(foldTransferRequest(stored(transferStream('t1'), [REQUESTED])), member(JOINED), ctx)).toEqual({
      kind: 'nothing-to-do',
    }));
});

describe('which side may do what', () => {
  const sides: TransferSides = { origin: { parkId: 'p1', cityId: 'c1' }, destination: { parkId: 'p3', cityId: 'c2' } };
  const clerk = (parkId: string): Principal => ({ sub: parkId, role: 'park-clerk', parkId });
  const officer = (cityId: string): Principal => ({ sub: cityId, role: 'city-officer', cityId });
  const admin: Principal = { sub: 'pa', role: 'provincial-admin' };
  it('opens for the side the caller writes for; an officer over both ends by what they name', () => {
    expect(openerSide(clerk('p1'), sides, 'personId')).toBe('origin');
    expect(openerSide(clerk('p3'), sides, 'memberId')).toBe('destination');
    expect(openerSide(clerk('p2'), sides, 'memberId')).toBeUndefined();
    expect(openerSide(admin, sides, 'memberId')).toBe('origin');
    expect(openerSide(admin, sides, 'personId')).toBe('destination');
    expect(openerSide({ sub: 'au', role: 'auditor' }, sides, 'memberId')).toBeUndefined();
  });
  it('decides: the other side, or an officer over either side', () => {
    expect(mayDecide(clerk('p3'), sides, 'origin')).toBe(true);
    expect(mayDecide(clerk('p1'), sides, 'origin')).toBe(false);
    expect(mayDecide(officer('c1'), sides, 'origin')).toBe(true);
    expect(mayDecide(officer('c9'), sides, 'origin')).toBe(false);
    expect(mayDecide(admin, sides, 'destination')).toBe(true);
  });
  it('cancels: only the side that opened it', () => {
    expect(mayCancel(clerk('p1'), sides, 'origin')).toBe(true);
    expect(mayCancel(clerk('p3'), sides, 'origin')).toBe(false);
    expect(mayCancel(officer('c2'), sides, 'destination')).toBe(true);
  });
});
