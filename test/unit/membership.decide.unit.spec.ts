import { type EnterpriseEvent, enterpriseStream } from '../../src/enterprises/enterprise.events.js';
import { type EnterpriseState, foldEnterprise } from '../../src/enterprises/enterprise.state.js';
import { decideChangeCategory } from '../../src/membership/change-category/change-category.decide.js';
import { decideJoin, type JoinInput } from '../../src/membership/join/join.decide.js';
import { decideLeave } from '../../src/membership/leave/leave.decide.js';
import {
  type Category,
  type LeaveReason,
  type MemberCategoryChanged,
  type MemberEvent,
  type MemberJoined,
  type MemberLeft,
  memberStream,
  type MemberTransferred,
  type PersonRef,
} from '../../src/membership/member.events.js';
import { type MemberDecisionContext, type OtherMembership } from '../../src/membership/member.rules.js';
import {
  foldHistory,
  historyKnownAt,
  type MemberHistory,
  replay,
  standingAsOf,
  timelineOf,
} from '../../src/membership/member.timeline.js';
import { decideTransfer } from '../../src/membership/transfer/transfer.decide.js';
import { decideVoidMemberEntry } from '../../src/membership/void-entry/void-entry.decide.js';
import { type EntryVoided } from '../../src/shared/ledger-event.js';
import { type Given, recordedAt, scenarios, stored } from './given-when-then.js';

const TODAY = '2026-06-30';

/** Enterprises and their parks; `eShort` closes 2016-09-01, `eClosed` 2015-01-01, `eLate` opens 2018-01-01. */
const ENTERPRISES: Record<string, { parkId: string; registeredOn: string; closedOn?: string }> = {
  eA: { parkId: 'p1', registeredOn: '2010-01-01' },
  eB: { parkId: 'p1', registeredOn: '2010-01-01' },
  eC: { parkId: 'p2', registeredOn: '2010-01-01' },
  eShort: { parkId: 'p2', registeredOn: '2010-01-01', closedOn: '2016-09-01' },
  eClosed: { parkId: 'p1', registeredOn: '2010-01-01', closedOn: '2015-01-01' },
  eLate: { parkId: 'p2', registeredOn: '2018-01-01' },
};

function enterpriseState(enterpriseId: string): EnterpriseState {
  const e = ENTERPRISES[enterpriseId];
  const events: EnterpriseEvent[] = [
    {
      type: 'EnterpriseRegistered',
      data: { enterpriseId, parkId: e.parkId, name: enterpriseId, ownership: 'non-public', effectiveDate: e.registeredOn },
    },
  ];
  if (e.closedOn) events.push({ type: 'EnterpriseClosed', data: { enterpriseId, effectiveDate: e.closedOn } });
  return foldEnterprise(stored(enterpriseStream(enterpriseId), events));
}

const ctx = (otherMemberships?: readonly OtherMembership[]): MemberDecisionContext => ({
  today: TODAY,
  enterprises: new Map(Object.keys(ENTERPRISES).map((id) => [id, enterpriseState(id)])),
  ...(otherMemberships ? { otherMemberships } : {}),
});

const ALICE: PersonRef = { hash: 'hash-alice', masked: '110105********002X' };
const BOB: PersonRef = { hash: 'hash-bob', masked: '440304********123X' };

const placement = (enterpriseId: string) => ({ enterpriseId, parkId: ENTERPRISES[enterpriseId].parkId });

function joined(
  effectiveDate: string,
  {
    enterpriseId = 'eA',
    person = ALICE,
    category = 'migrant' as Category,
    memberId = 'm1',
    id = undefined as string | undefined,
  } = {},
): Given<MemberJoined> {
  return {
    type: 'MemberJoined',
    data: {
      memberId,
      person,
      name: 'sealed:name',
      category,
      enterpriseId,
      parkId: ENTERPRISES[enterpriseId].parkId,
      effectiveDate,
    },
    ...(id ? { id } : {}),
  };
}
const transferred = (
  from: string,
  to: string,
  effectiveDate: string,
  id?: string,
  memberId = 'm1',
): Given<MemberTransferred> => ({
  type: 'MemberTransferred',
  data: { memberId, from: placement(from), to: placement(to), effectiveDate },
  ...(id ? { id } : {}),
});
const categoryChanged = (from: Category, to: Category, effectiveDate: string, id?: string): Given<MemberCategoryChanged> => ({
  type: 'MemberCategoryChanged',
  data: { memberId: 'm1', from, to, effectiveDate },
  ...(id ? { id } : {}),
});
const left = (
  effectiveDate: string,
  id?: string,
  reason: LeaveReason = 'left-employment',
  memberId = 'm1',
): Given<MemberLeft> => ({
  type: 'MemberLeft',
  data: { memberId, reason, effectiveDate },
  ...(id ? { id } : {}),
});
const voided = (voidedEventId: string, at?: string): Given<EntryVoided> => ({
  type: 'EntryVoided',
  data: { voidedEventId, reason: 'recorded in error' },
  ...(at ? { recordedAt: at } : {}),
});
/** A returned event carries no id: the handler gives it one. */
const plain = <E extends { type: string; data: unknown }>({ type, data }: E) => ({ type, data });

const given = scenarios<MemberEvent, MemberHistory>(memberStream('m1'), (events) => foldHistory('m1', events));

/** The person's membership under another member id, as its own stream has it. */
function otherMembership(memberId: string, ...events: Given<MemberEvent>[]): OtherMembership {
  const result = replay(timelineOf(foldHistory(memberId, stored(memberStream(memberId), events))));
  if ('failure' in result) throw new Error(`invalid fixture: ${result.failure.message}`);
  return { memberId, periods: result.periods, stays: result.stays };
}

const joinInput = (effectiveDate: string, overrides: Partial<JoinInput> = {}): JoinInput => ({
  memberId: 'm1',
  person: ALICE,
  birthDate: '1949-12-31',
  name: 'sealed:name',
  category: 'migrant',
  enterpriseId: 'eA',
  effectiveDate,
  ...overrides,
});
const join =
  (effectiveDate: string, overrides: Partial<JoinInput> = {}, others?: readonly OtherMembership[]) =>
  (h: MemberHistory) =>
    decideJoin(joinInput(effectiveDate, overrides), h, ctx(others));
const transfer = (toEnterpriseId: string, effectiveDate: string, transferId?: string) => (h: MemberHistory) =>
  decideTransfer({ memberId: 'm1', toEnterpriseId, effectiveDate, ...(transferId ? { transferId } : {}) }, h, ctx());
const changeCategory = (category: Category, effectiveDate: string) => (h: MemberHistory) =>
  decideChangeCategory({ memberId: 'm1', category, effectiveDate }, h, ctx());
const leave =
  (effectiveDate: string, reason: LeaveReason = 'retired') =>
  (h: MemberHistory) =>
    decideLeave({ memberId: 'm1', reason, effectiveDate }, h, ctx());
const voidEntry = (eventId: string, others?: readonly OtherMembership[]) => (h: MemberHistory) =>
  decideVoidMemberEntry({ memberId: 'm1', eventId, reason: 'recorded in error' }, h, ctx(others));

describe('join', () => {
  it('joins a member at an open enterprise, in its park', () => {
    given()
      .when(join('2016-03-01', { enterpriseId: 'eC' }))
      .then([plain(joined('2016-03-01', { enterpriseId: 'eC' }))]);
  });

  it('joins on the day the enterprise was registered, and on today', () => {
    given()
      .when(join('2010-01-01'))
      .then([plain(joined('2010-01-01'))]);
    given()
      .when(join(TODAY))
      .then([plain(joined(TODAY))]);
  });

  it('refuses a person whose resident ID number holds a birth date after today, as a problem of personId', () => {
    given()
      .when(join('2016-03-01', { birthDate: '2026-07-01' }))
      .thenRefusedWith('VALIDATION_FAILED', [
        { field: 'personId', messages: ['personId holds a birth date in the future (after today, 2026-06-30, Asia/Shanghai)'] },
      ]);
  });

  it('refuses a join dated before the person was born, as a problem of personId; a join on the birth date itself stands', () => {
    given()
      .when(join('2016-03-01', { birthDate: '2016-03-02' }))
      .thenRefusedWith('VALIDATION_FAILED', [
        {
          field: 'personId',
          messages: ['personId holds a birth date after effectiveDate (2016-03-01): nobody joins before being born'],
        },
      ]);
    given()
      .when(join('2016-03-01', { birthDate: '2016-03-01' }))
      .then([plain(joined('2016-03-01'))]);
  });

  it('accepts a birth date of today, as it accepts a join dated today', () => {
    given()
      .when(join(TODAY, { birthDate: TODAY }))
      .then([plain(joined(TODAY))]);
  });

  it('refuses an enterprise that is not registered at all', () => {
    given()
      .when(join('2016-03-01', { enterpriseId: 'eNowhere' }))
      .thenRefusedWith('NOT_FOUND', { enterpriseId: 'eNowhere' });
  });

  it('refuses an enterprise not yet registered on the date', () => {
    given()
      .when(join('2016-03-01', { enterpriseId: 'eLate' }))
      .thenRefusedWith('ENTERPRISE_NOT_OPEN');
  });

  it('refuses an enterprise closed on the date, including the closure day', () => {
    given()
      .when(join('2016-03-01', { enterpriseId: 'eClosed' }))
      .thenRefusedWith('ENTERPRISE_NOT_OPEN');
    given()
      .when(join('2015-01-01', { enterpriseId: 'eClosed' }))
      .thenRefusedWith('ENTERPRISE_NOT_OPEN');
  });

  it('refuses an open-ended join at an enterprise that closes later (the member would outlive it)', () => {
    given()
      .when(join('2016-03-01', { enterpriseId: 'eShort' }))
      .thenRefusedWith('ENTERPRISE_NOT_OPEN');
  });

  it('accepts a back-dated join at an enterprise that closes later when a recorded leave ends it in time', () => {
    given(left('2016-09-01'))
      .when(join('2016-03-01', { enterpriseId: 'eShort' }))
      .then([plain(joined('2016-03-01', { enterpriseId: 'eShort' }))]);
  });

  it('refuses a join while the member is active', () => {
    given(joined('2014-01-01')).when(join('2016-03-01')).thenRefusedWith('MEMBER_ALREADY_ACTIVE');
  });

  it('refuses a join between a join and its leave', () => {
    given(joined('2014-01-01'), left('2016-06-01')).when(join('2016-03-01')).thenRefusedWith('MEMBER_ALREADY_ACTIVE');
  });

  it('refuses a back-dated join before a later join, naming the later join', () => {
    given(joined('2016-06-01', { id: 'join-jun' }))
      .when(join('2016-03-01'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'join-jun', reason: 'MEMBER_ALREADY_ACTIVE' });
  });

  it('places a join on the same day as a recorded join after it: the new one is the second join', () => {
    given(joined('2016-06-01', { id: 'join-jun' }))
      .when(join('2016-06-01'))
      .thenRefusedWith('MEMBER_ALREADY_ACTIVE');
  });

  it('rejoins after leaving, on the same member id: a new period', () => {
    given(joined('2014-01-01'), left('2015-01-01'))
      .when(join('2016-03-01', { category: 'regular', enterpriseId: 'eC' }))
      .then([plain(joined('2016-03-01', { category: 'regular', enterpriseId: 'eC' }))]);
  });

  it('rejoins on the very day of leaving (the leave recorded first comes first)', () => {
    given(joined('2014-01-01'), left('2016-03-01'))
      .when(join('2016-03-01'))
      .then([plain(joined('2016-03-01'))]);
  });

  it('refuses another person on a member id that was used, whether the holder left or not', () => {
    given(joined('2014-01-01'), left('2015-01-01'))
      .when(join('2016-03-01', { person: BOB }))
      .thenRefusedWith('MEMBER_ID_TAKEN');
    given(joined('2014-01-01'))
      .when(join('2016-03-01', { person: BOB }))
      .thenRefusedWith('MEMBER_ID_TAKEN');
    given(joined('2016-06-01'))
      .when(join('2016-03-01', { person: BOB }))
      .thenRefusedWith('MEMBER_ID_TAKEN');
  });

  it('refuses a person who is active under another member id, naming it and its park', () => {
    const m2 = otherMembership('m2', joined('2015-01-01', { memberId: 'm2', enterpriseId: 'eC' }));
    given()
      .when(join('2016-03-01', {}, [m2]))
      .thenRefusedWith('PERSON_ALREADY_MEMBER', { memberId: 'm2', parkId: 'p2' });
  });

  it('names the park where the other membership is on the day they would overlap', () => {
    const m2 = otherMembership(
      'm2',
      joined('2014-01-01', { memberId: 'm2', enterpriseId: 'eA' }),
      transferred('eA', 'eC', '2015-01-01', undefined, 'm2'),
    );
    given()
      .when(join('2016-03-01', {}, [m2]))
      .thenRefusedWith('PERSON_ALREADY_MEMBER', { memberId: 'm2', parkId: 'p2' });
  });

  it('names the park where the other membership stands now, so the clerk can open a transfer from there', () => {
    const m2 = otherMembership(
      'm2',
      joined('2017-01-01', { memberId: 'm2', enterpriseId: 'eA' }),
      transferred('eA', 'eC', '2017-06-01', undefined, 'm2'),
    );
    given()
      .when(join('2016-03-01', {}, [m2]))
      .thenRefusedWith('PERSON_ALREADY_MEMBER', { memberId: 'm2', parkId: 'p2' });
  });

  it('refuses a back-dated join that would overlap a membership starting later', () => {
    const m2 = otherMembership('m2', joined('2017-01-01', { memberId: 'm2', enterpriseId: 'eC' }));
    given()
      .when(join('2016-03-01', {}, [m2]))
      .thenRefusedWith('PERSON_ALREADY_MEMBER', { memberId: 'm2', parkId: 'p2' });
  });

  it('accepts a person whose other membership ended on or before the date', () => {
    const endedThatDay = otherMembership(
      'm2',
      joined('2014-01-01', { memberId: 'm2', enterpriseId: 'eC' }),
      left('2016-03-01', undefined, 'moved-out-of-province', 'm2'),
    );
    const endedBefore = otherMembership(
      'm2',
      joined('2014-01-01', { memberId: 'm2' }),
      left('2015-03-01', undefined, 'resigned', 'm2'),
    );
    given()
      .when(join('2016-03-01', {}, [endedThatDay]))
      .then([plain(joined('2016-03-01'))]);
    given()
      .when(join('2016-03-01', {}, [endedBefore]))
      .then([plain(joined('2016-03-01'))]);
  });

  it('accepts a back-dated join that ends (by a recorded leave) on the day the other membership starts', () => {
    const m2 = otherMembership('m2', joined('2016-12-31', { memberId: 'm2', enterpriseId: 'eC' }));
    given(left('2016-12-31'))
      .when(join('2016-03-01', {}, [m2]))
      .then([plain(joined('2016-03-01'))]);
  });

  it('refuses a future date and a date before 1949-10-01', () => {
    given()
      .when(join('2026-07-01'))
      .thenRefusedWith('VALIDATION_FAILED', [{ field: 'effectiveDate' }]);
    given()
      .when(join('1949-09-30'))
      .thenRefusedWith('VALIDATION_FAILED', [{ field: 'effectiveDate' }]);
  });
});

describe('transfer', () => {
  it('moves an active member to another enterprise in another park', () => {
    given(joined('2014-01-01'))
      .when(transfer('eC', '2016-03-01', 'tr-1'))
      .then([
        {
          type: 'MemberTransferred',
          data: { memberId: 'm1', from: placement('eA'), to: placement('eC'), transferId: 'tr-1', effectiveDate: '2016-03-01' },
        },
      ]);
  });

  it('leaves out transferId when there is none', () => {
    given(joined('2014-01-01'))
      .when(transfer('eB', '2016-03-01'))
      .then([plain(transferred('eA', 'eB', '2016-03-01'))]);
  });

  it('refuses a member who is not active on the date', () => {
    given(joined('2014-01-01'), left('2015-01-01')).when(transfer('eC', '2016-03-01')).thenRefusedWith('MEMBER_NOT_ACTIVE');
    given(joined('2016-06-01')).when(transfer('eC', '2016-03-01')).thenRefusedWith('MEMBER_NOT_ACTIVE');
  });

  it('refuses a member with no history', () => {
    given().when(transfer('eC', '2016-03-01')).thenRefusedWith('NOT_FOUND', { memberId: 'm1' });
  });

  it('refuses the enterprise the member is at', () => {
    given(joined('2014-01-01')).when(transfer('eA', '2016-03-01')).thenRefusedWith('SAME_ENTERPRISE');
    given(joined('2014-01-01'), transferred('eA', 'eC', '2015-01-01'))
      .when(transfer('eC', '2016-03-01'))
      .thenRefusedWith('SAME_ENTERPRISE');
  });

  it('refuses an unknown, a closed or a not-yet-registered target', () => {
    given(joined('2014-01-01'))
      .when(transfer('eNowhere', '2016-03-01'))
      .thenRefusedWith('NOT_FOUND', { enterpriseId: 'eNowhere' });
    given(joined('2014-01-01')).when(transfer('eClosed', '2016-03-01')).thenRefusedWith('ENTERPRISE_NOT_OPEN');
    given(joined('2014-01-01')).when(transfer('eLate', '2016-03-01')).thenRefusedWith('ENTERPRISE_NOT_OPEN');
  });

  it('refuses a target that closes while the member would still be there', () => {
    given(joined('2014-01-01')).when(transfer('eShort', '2016-03-01')).thenRefusedWith('ENTERPRISE_NOT_OPEN');
    given(joined('2014-01-01'), left('2016-12-01')).when(transfer('eShort', '2016-03-01')).thenRefusedWith('ENTERPRISE_NOT_OPEN');
  });

  it('accepts a back-dated transfer into an enterprise that closes after the member left it', () => {
    given(joined('2014-01-01'), left('2016-09-01'))
      .when(transfer('eShort', '2016-03-01'))
      .then([plain(transferred('eA', 'eShort', '2016-03-01'))]);
  });

  it('refuses a back-dated transfer before a later transfer whose origin would no longer match', () => {
    given(joined('2014-01-01'), transferred('eA', 'eB', '2016-06-01', 'tr-jun'))
      .when(transfer('eC', '2016-03-01'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'tr-jun', reason: 'TIMELINE_CONFLICT' });
  });

  it('refuses a back-dated transfer to where a later transfer goes', () => {
    given(joined('2014-01-01'), transferred('eA', 'eB', '2016-06-01', 'tr-jun'))
      .when(transfer('eB', '2016-03-01'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'tr-jun', reason: 'SAME_ENTERPRISE' });
  });

  it('accepts a back-dated transfer before a later leave', () => {
    given(joined('2014-01-01'), left('2016-06-01'))
      .when(transfer('eC', '2016-03-01'))
      .then([plain(transferred('eA', 'eC', '2016-03-01'))]);
  });

  it('places a transfer on the same day as a recorded transfer after it, starting from its destination', () => {
    given(joined('2014-01-01'), transferred('eA', 'eB', '2016-03-01'))
      .when(transfer('eC', '2016-03-01'))
      .then([plain(transferred('eB', 'eC', '2016-03-01'))]);
  });

  it('refuses a transfer on the day of a recorded leave (it falls after the leave)', () => {
    given(joined('2014-01-01'), left('2016-03-01')).when(transfer('eC', '2016-03-01')).thenRefusedWith('MEMBER_NOT_ACTIVE');
  });
});

describe('changeCategory', () => {
  it('changes the category of an active member', () => {
    given(joined('2014-01-01'))
      .when(changeCategory('regular', '2016-03-01'))
      .then([plain(categoryChanged('migrant', 'regular', '2016-03-01'))]);
  });

  it('starts from the category as of the date', () => {
    given(joined('2014-01-01'), categoryChanged('migrant', 'regular', '2016-06-01'))
      .when(changeCategory('dispatched', '2016-07-01'))
      .then([plain(categoryChanged('regular', 'dispatched', '2016-07-01'))]);
  });

  it('refuses the category the member is already in', () => {
    given(joined('2014-01-01')).when(changeCategory('migrant', '2016-03-01')).thenRefusedWith('SAME_CATEGORY');
  });

  it('refuses a member who is not active on the date', () => {
    given(joined('2014-01-01'), left('2015-01-01'))
      .when(changeCategory('regular', '2016-03-01'))
      .thenRefusedWith('MEMBER_NOT_ACTIVE');
    given(joined('2016-06-01')).when(changeCategory('regular', '2016-03-01')).thenRefusedWith('MEMBER_NOT_ACTIVE');
    given().when(changeCategory('regular', '2016-03-01')).thenRefusedWith('NOT_FOUND', { memberId: 'm1' });
  });

  it('refuses a back-dated change that a later change no longer starts from', () => {
    given(joined('2014-01-01'), categoryChanged('migrant', 'regular', '2016-06-01', 'cat-jun'))
      .when(changeCategory('dispatched', '2016-03-01'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'cat-jun', reason: 'TIMELINE_CONFLICT' });
    given(joined('2014-01-01'), categoryChanged('migrant', 'regular', '2016-06-01', 'cat-jun'))
      .when(changeCategory('regular', '2016-03-01'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'cat-jun', reason: 'SAME_CATEGORY' });
  });

  it('places a change on the day of a recorded leave after the leave', () => {
    given(joined('2014-01-01'), left('2016-03-01'))
      .when(changeCategory('regular', '2016-03-01'))
      .thenRefusedWith('MEMBER_NOT_ACTIVE');
    given(joined('2014-01-01'), left('2016-03-01'))
      .when(changeCategory('regular', '2016-02-29'))
      .then([plain(categoryChanged('migrant', 'regular', '2016-02-29'))]);
  });
});

describe('leave', () => {
  it('records an active member leaving', () => {
    given(joined('2014-01-01'))
      .when(leave('2016-03-01', 'retired'))
      .then([plain(left('2016-03-01', undefined, 'retired'))]);
  });

  it('leaves on the day of joining, and on the day of a transfer (after it)', () => {
    given(joined('2016-03-01'))
      .when(leave('2016-03-01'))
      .then([plain(left('2016-03-01', undefined, 'retired'))]);
    given(joined('2014-01-01'), transferred('eA', 'eB', '2016-03-01'))
      .when(leave('2016-03-01'))
      .then([plain(left('2016-03-01', undefined, 'retired'))]);
  });

  it('refuses a member who is not active on the date', () => {
    given(joined('2014-01-01'), left('2015-01-01')).when(leave('2016-03-01')).thenRefusedWith('MEMBER_NOT_ACTIVE');
    given(joined('2016-06-01')).when(leave('2016-03-01')).thenRefusedWith('MEMBER_NOT_ACTIVE');
    given().when(leave('2016-03-01')).thenRefusedWith('NOT_FOUND', { memberId: 'm1' });
  });

  it('refuses a back-dated leave before a later transfer, naming the transfer', () => {
    given(joined('2014-01-01'), transferred('eA', 'eC', '2016-06-01', 'tr-jun'))
      .when(leave('2016-03-01'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'tr-jun', reason: 'MEMBER_NOT_ACTIVE' });
  });

  it('refuses a back-dated leave before a later category change or a later leave', () => {
    given(joined('2014-01-01'), categoryChanged('migrant', 'regular', '2016-06-01', 'cat-jun'))
      .when(leave('2016-03-01'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'cat-jun', reason: 'MEMBER_NOT_ACTIVE' });
    given(joined('2014-01-01'), left('2016-06-01', 'leave-jun'))
      .when(leave('2016-03-01'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'leave-jun', reason: 'MEMBER_NOT_ACTIVE' });
  });

  it('accepts a back-dated leave before a later transfer that was voided', () => {
    given(joined('2014-01-01'), transferred('eA', 'eC', '2016-06-01', 'tr-jun'), voided('tr-jun'))
      .when(leave('2016-03-01'))
      .then([plain(left('2016-03-01', undefined, 'retired'))]);
  });

  it('refuses a back-dated leave in an earlier period, before a rejoin', () => {
    given(joined('2014-01-01'), left('2016-01-01', 'leave-jan'), joined('2016-06-01'))
      .when(leave('2015-01-01'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'leave-jan', reason: 'MEMBER_NOT_ACTIVE' });
  });
});

describe('void a member fact', () => {
  it('voids a leave: the member is active again and later decisions see them active', () => {
    const facts = [joined('2014-01-01'), left('2016-03-01', 'leave-mar')] as const;
    given(...facts)
      .when(voidEntry('leave-mar'))
      .then([plain(voided('leave-mar'))]);

    const afterVoid = given(...facts, voided('leave-mar'));
    expect(standingAsOf(afterVoid.state, TODAY)).toMatchObject({ status: 'active', placement: placement('eA') });
    afterVoid.when(transfer('eC', '2016-06-01')).then([plain(transferred('eA', 'eC', '2016-06-01'))]);
    afterVoid.when(join('2016-06-01')).thenRefusedWith('MEMBER_ALREADY_ACTIVE');
  });

  it('ignores a voided transfer when deciding a new one', () => {
    given(joined('2014-01-01'), transferred('eA', 'eB', '2016-03-01', 'tr-mar'), voided('tr-mar'))
      .when(transfer('eB', '2016-03-01'))
      .then([plain(transferred('eA', 'eB', '2016-03-01'))]);
  });

  it('voids the only join', () => {
    given(joined('2014-01-01', { id: 'join' }))
      .when(voidEntry('join'))
      .then([plain(voided('join'))]);
  });

  it('refuses to void a join that a later transfer depends on', () => {
    given(joined('2014-01-01', { id: 'join' }), transferred('eA', 'eC', '2016-06-01', 'tr-jun'))
      .when(voidEntry('join'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'tr-jun', reason: 'MEMBER_NOT_ACTIVE' });
  });

  it('refuses to void a category change that a later change starts from', () => {
    given(
      joined('2014-01-01'),
      categoryChanged('migrant', 'regular', '2015-01-01', 'cat-1'),
      categoryChanged('regular', 'dispatched', '2016-01-01', 'cat-2'),
    )
      .when(voidEntry('cat-1'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'cat-2', reason: 'TIMELINE_CONFLICT' });
  });

  it('refuses to void a leave when the person would then overlap another membership', () => {
    const m2 = otherMembership('m2', joined('2016-06-01', { memberId: 'm2', enterpriseId: 'eC' }));
    given(joined('2014-01-01'), left('2016-03-01', 'leave-mar'))
      .when(voidEntry('leave-mar', [m2]))
      .thenRefusedWith('PERSON_ALREADY_MEMBER', { memberId: 'm2', parkId: 'p2' });
  });

  it('voids a leave when the other membership ended before this one began', () => {
    const m2 = otherMembership(
      'm2',
      joined('2010-06-01', { memberId: 'm2', enterpriseId: 'eC' }),
      left('2013-01-01', undefined, 'resigned', 'm2'),
    );
    given(joined('2014-01-01'), left('2016-03-01', 'leave-mar'))
      .when(voidEntry('leave-mar', [m2]))
      .then([plain(voided('leave-mar'))]);
  });

  it('refuses to void a leave when the member would then stay at an enterprise past its closure', () => {
    given(joined('2016-01-01', { enterpriseId: 'eShort', id: 'join' }), left('2016-06-01', 'leave-jun'))
      .when(voidEntry('leave-jun'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'join', reason: 'ENTERPRISE_NOT_OPEN' });
  });

  it('refuses to void a transfer out of an enterprise that closed afterwards', () => {
    given(joined('2014-01-01', { enterpriseId: 'eShort', id: 'join' }), transferred('eShort', 'eA', '2016-03-01', 'tr-mar'))
      .when(voidEntry('tr-mar'))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'join', reason: 'ENTERPRISE_NOT_OPEN' });
  });

  it('refuses a fact that is already voided', () => {
    given(joined('2014-01-01'), left('2016-03-01', 'leave-mar'), voided('leave-mar'))
      .when(voidEntry('leave-mar'))
      .thenRefusedWith('ALREADY_VOIDED', { voidEventId: 'member-m1#2' });
  });

  it('refuses an unknown fact, and the void itself', () => {
    given(joined('2014-01-01')).when(voidEntry('nope')).thenRefusedWith('NOT_FOUND', { eventId: 'nope' });
    given(joined('2014-01-01'), left('2016-03-01', 'leave-mar'), voided('leave-mar'))
      .when(voidEntry('member-m1#2'))
      .thenRefusedWith('NOT_FOUND', { eventId: 'member-m1#2' });
  });
});

describe('voided joins and member ids', () => {
  it('lets the right person take a member id whose only join was voided', () => {
    given(joined('2016-03-01', { id: 'wrong-person' }), voided('wrong-person'))
      .when(join('2016-03-01', { person: BOB }))
      .then([plain(joined('2016-03-01', { person: BOB }))]);
  });
});

describe('standingAsOf', () => {
  const { state } = given(
    joined('2014-01-01'),
    transferred('eA', 'eC', '2015-01-01'),
    categoryChanged('migrant', 'regular', '2015-06-01'),
    left('2016-03-01', undefined, 'retired'),
    joined('2016-03-01', { enterpriseId: 'eB', category: 'dispatched' }),
  );
  const active = (since: string, enterpriseId: string, category: Category) => ({
    status: 'active',
    person: ALICE,
    name: 'sealed:name',
    since,
    placement: placement(enterpriseId),
    category,
  });

  it('counts a member from the day of joining', () => {
    expect(standingAsOf(state, '2013-12-31')).toStrictEqual({ status: 'never-joined' });
    expect(standingAsOf(state, '2014-01-01')).toStrictEqual(active('2014-01-01', 'eA', 'migrant'));
  });

  it('places a transferred member at the destination from the day of transfer', () => {
    expect(standingAsOf(state, '2014-12-31')).toStrictEqual(active('2014-01-01', 'eA', 'migrant'));
    expect(standingAsOf(state, '2015-01-01')).toStrictEqual(active('2014-01-01', 'eC', 'migrant'));
    expect(standingAsOf(state, '2015-06-01')).toStrictEqual(active('2014-01-01', 'eC', 'regular'));
  });

  it('no longer counts a member on the day of leaving; a rejoin that day starts a new period', () => {
    expect(standingAsOf(state, '2016-02-29')).toStrictEqual(active('2014-01-01', 'eC', 'regular'));
    expect(standingAsOf(state, '2016-03-01')).toStrictEqual(active('2016-03-01', 'eB', 'dispatched'));
    expect(standingAsOf(given(joined('2014-01-01'), left('2016-03-01')).state, '2016-03-01')).toStrictEqual({
      status: 'left',
      person: ALICE,
      leftOn: '2016-03-01',
    });
  });

  it('gives two periods for a leave and a rejoin', () => {
    const result = replay(timelineOf(state));
    expect('failure' in result ? result.failure : result.periods).toStrictEqual([
      { from: '2014-01-01', to: '2016-03-01', joinEventId: 'member-m1#0' },
      { from: '2016-03-01', joinEventId: 'member-m1#4' },
    ]);
  });

  it('orders facts of one day by recording order', () => {
    const sameDay = given(
      joined('2014-01-01'),
      transferred('eA', 'eB', '2016-03-01'),
      transferred('eB', 'eC', '2016-03-01'),
    ).state;
    expect(standingAsOf(sameDay, '2016-03-01')).toMatchObject({ placement: placement('eC') });
  });
});

describe('historyKnownAt', () => {
  const facts = [joined('2014-01-01'), left('2016-03-01', 'leave-mar'), voided('leave-mar')] as const;
  const { state } = given(...facts);

  it('keeps everything when knownAt is not given', () => {
    expect(historyKnownAt(state, undefined)).toBe(state);
    expect(standingAsOf(state, TODAY)).toMatchObject({ status: 'active' });
  });

  it('hides a fact recorded after knownAt', () => {
    const before = historyKnownAt(state, '2026-01-05T02:59:59.999Z');
    expect(before.facts.map((f) => f.id)).toEqual(['member-m1#0']);
    expect(standingAsOf(before, TODAY)).toMatchObject({ status: 'active' });
  });

  it('shows a fact recorded exactly at knownAt', () => {
    const at = historyKnownAt(state, recordedAt(1));
    expect(standingAsOf(at, TODAY)).toStrictEqual({ status: 'left', person: ALICE, leftOn: '2016-03-01' });
  });

  it('does not apply a void recorded after knownAt, and applies it from its recording on', () => {
    expect(standingAsOf(historyKnownAt(state, '2026-01-05T03:30:00.000Z'), TODAY)).toMatchObject({ status: 'left' });
    expect(historyKnownAt(state, '2026-01-05T03:30:00.000Z').facts[1].voided).toBeUndefined();
    expect(standingAsOf(historyKnownAt(state, recordedAt(2)), TODAY)).toMatchObject({ status: 'active' });
  });

  it('takes the void instant from the void, not from the voided fact', () => {
    const lateVoid = given(
      joined('2014-01-01'),
      left('2016-03-01', 'leave-mar'),
      voided('leave-mar', '2026-05-01T00:00:00.000Z'),
    ).state;
    expect(standingAsOf(historyKnownAt(lateVoid, '2026-04-30T23:59:59.999Z'), TODAY)).toMatchObject({ status: 'left' });
    expect(standingAsOf(historyKnownAt(lateVoid, '2026-05-01T00:00:00.000Z'), TODAY)).toMatchObject({ status: 'active' });
  });
});
