import { decideCloseEnterprise, type Placement } from '../../src/enterprises/close-enterprise/close-enterprise.decide.js';
import {
  type EnterpriseClosed,
  type EnterpriseEvent,
  type EnterpriseHeadcountReported,
  type EnterpriseRegistered,
  enterpriseStream,
  type EnterpriseUnionEstablished,
} from '../../src/enterprises/enterprise.events.js';
import { activeEnterpriseUnion, foldEnterprise, isOpenOn } from '../../src/enterprises/enterprise.state.js';
import { decideEstablishEnterpriseUnion } from '../../src/enterprises/establish-enterprise-union/establish-enterprise-union.decide.js';
import { decideRegisterEnterprise } from '../../src/enterprises/register-enterprise/register-enterprise.decide.js';
import { decideReportHeadcount } from '../../src/enterprises/report-headcount/report-headcount.decide.js';
import { decideVoidEnterpriseEntry } from '../../src/enterprises/void-enterprise-entry/void-enterprise-entry.decide.js';
import { type ParkEvent, parkStream } from '../../src/parks/park.events.js';
import { foldPark } from '../../src/parks/park.state.js';
import { type EntryVoided } from '../../src/shared/ledger-event.js';
import { eventId, type Given, scenarios } from './given-when-then.js';

const ctx = { today: '2026-06-30' };
const stream = enterpriseStream('e1');
const given = scenarios<EnterpriseEvent, ReturnType<typeof foldEnterprise>>(stream, foldEnterprise);

const park = scenarios<ParkEvent, ReturnType<typeof foldPark>>(
  parkStream('p1'),
  foldPark,
)({
  type: 'ParkRegistered',
  data: { parkId: 'p1', name: 'Ganzhou Park', cityId: 'ganzhou', level: 'provincial', effectiveDate: '2010-03-01' },
}).state;
const noPark = foldPark([]);

const registered: EnterpriseRegistered = {
  type: 'EnterpriseRegistered',
  data: { enterpriseId: 'e1', parkId: 'p1', name: 'Jiangxi Copper Works', ownership: 'non-public', effectiveDate: '2012-01-01' },
};
const union = (effectiveDate: string, id?: string): Given<EnterpriseUnionEstablished> => ({
  type: 'EnterpriseUnionEstablished',
  data: { enterpriseId: 'e1', effectiveDate },
  ...(id ? { id } : {}),
});
const headcount = (employees: number, effectiveDate: string, id?: string): Given<EnterpriseHeadcountReported> => ({
  type: 'EnterpriseHeadcountReported',
  data: { enterpriseId: 'e1', employees, effectiveDate },
  ...(id ? { id } : {}),
});
const closed = (effectiveDate: string): EnterpriseClosed => ({
  type: 'EnterpriseClosed',
  data: { enterpriseId: 'e1', effectiveDate },
});
const voided = (voidedEventId: string): EntryVoided => ({
  type: 'EntryVoided',
  data: { voidedEventId, reason: 'recorded in error' },
});

describe('registerEnterprise', () => {
  it('registers an enterprise in a registered park', () => {
    given()
      .when((s) => decideRegisterEnterprise({ ...registered.data }, s, park, ctx))
      .then([registered]);
  });

  it('registers on the day the park was registered', () => {
    given()
      .when((s) => decideRegisterEnterprise({ ...registered.data, effectiveDate: '2010-03-01' }, s, park, ctx))
      .then([{ type: 'EnterpriseRegistered', data: { ...registered.data, effectiveDate: '2010-03-01' } }]);
  });

  it('refuses an enterprise that is already registered', () => {
    given(registered)
      .when((s) => decideRegisterEnterprise({ ...registered.data }, s, park, ctx))
      .thenRefusedWith('ENTERPRISE_ALREADY_REGISTERED');
  });

  it('refuses an unknown park', () => {
    given()
      .when((s) => decideRegisterEnterprise({ ...registered.data }, s, noPark, ctx))
      .thenRefusedWith('NOT_FOUND', { parkId: 'p1' });
  });

  it('refuses a date before the park was registered', () => {
    given()
      .when((s) => decideRegisterEnterprise({ ...registered.data, effectiveDate: '2010-02-28' }, s, park, ctx))
      .thenRefusedWith('PARK_NOT_REGISTERED');
  });

  it('refuses a future date', () => {
    given()
      .when((s) => decideRegisterEnterprise({ ...registered.data, effectiveDate: '2026-07-01' }, s, park, ctx))
      .thenRefusedWith('VALIDATION_FAILED', [{ field: 'effectiveDate' }]);
  });
});

describe('establishEnterpriseUnion', () => {
  const establish = (effectiveDate: string) => (s: ReturnType<typeof foldEnterprise>) =>
    decideEstablishEnterpriseUnion({ enterpriseId: 'e1', effectiveDate }, s, ctx);

  it('founds the union of an open enterprise', () => {
    given(registered)
      .when(establish('2014-05-01'))
      .then([union('2014-05-01')]);
  });

  it('founds it the day before the enterprise closes', () => {
    given(registered, closed('2015-01-01'))
      .when(establish('2014-12-31'))
      .then([union('2014-12-31')]);
  });

  it('refuses an unknown enterprise', () => {
    given().when(establish('2014-05-01')).thenRefusedWith('NOT_FOUND', { enterpriseId: 'e1' });
  });

  it('refuses a date before the enterprise was registered', () => {
    given(registered).when(establish('2011-12-31')).thenRefusedWith('ENTERPRISE_NOT_OPEN');
  });

  it('refuses the day the enterprise closes, and later', () => {
    given(registered, closed('2015-01-01')).when(establish('2015-01-01')).thenRefusedWith('ENTERPRISE_NOT_OPEN');
    given(registered, closed('2015-01-01')).when(establish('2016-01-01')).thenRefusedWith('ENTERPRISE_NOT_OPEN');
  });

  it('refuses a second union', () => {
    given(registered, union('2014-05-01')).when(establish('2015-05-01')).thenRefusedWith('UNION_ALREADY_ESTABLISHED');
  });

  it('founds a union again once the first founding was voided', () => {
    given(registered, union('2014-05-01', 'u1'), voided('u1'))
      .when(establish('2015-05-01'))
      .then([union('2015-05-01')]);
  });
});

describe('reportHeadcount', () => {
  const report =
    (employees: number, effectiveDate = '2016-06-30') =>
    (s: ReturnType<typeof foldEnterprise>) =>
      decideReportHeadcount({ enterpriseId: 'e1', employees, effectiveDate }, s, ctx);

  it('accepts 0 and 1,000,000 employees', () => {
    given(registered)
      .when(report(0))
      .then([headcount(0, '2016-06-30')]);
    given(registered)
      .when(report(1_000_000))
      .then([headcount(1_000_000, '2016-06-30')]);
  });

  it.each([-1, 1_000_001, 2.5, Number.NaN])('refuses %p employees', (employees) => {
    given(registered)
      .when(report(employees))
      .thenRefusedWith('VALIDATION_FAILED', [{ field: 'employees' }]);
  });

  it('refuses an unknown enterprise', () => {
    given().when(report(10)).thenRefusedWith('NOT_FOUND', { enterpriseId: 'e1' });
  });

  it('refuses a date the enterprise is not open', () => {
    given(registered).when(report(10, '2011-12-31')).thenRefusedWith('ENTERPRISE_NOT_OPEN');
    given(registered, closed('2015-01-01')).when(report(10, '2015-01-01')).thenRefusedWith('ENTERPRISE_NOT_OPEN');
  });

  it('refuses a future date', () => {
    given(registered)
      .when(report(10, '2026-07-01'))
      .thenRefusedWith('VALIDATION_FAILED', [{ field: 'effectiveDate' }]);
  });
});

describe('closeEnterprise', () => {
  const close =
    (placements: readonly Placement[], effectiveDate = '2016-06-30') =>
    (s: ReturnType<typeof foldEnterprise>) =>
      decideCloseEnterprise({ enterpriseId: 'e1', effectiveDate }, s, placements, ctx);

  it('closes an enterprise that never had members', () => {
    given(registered, union('2014-05-01'), headcount(120, '2015-12-31'))
      .when(close([]))
      .then([closed('2016-06-30')]);
  });

  it('closes when every placement ended on or before the date', () => {
    const placements = [
      { memberId: 'm1', from: '2013-01-01', to: '2016-06-30' },
      { memberId: 'm2', from: '2013-01-01', to: '2014-02-01' },
    ];
    given(registered)
      .when(close(placements))
      .then([closed('2016-06-30')]);
  });

  it('refuses while a member is still placed there (no end)', () => {
    const placements = [
      { memberId: 'm1', from: '2013-01-01', to: '2014-02-01' },
      { memberId: 'm2', from: '2013-01-01' },
    ];
    given(registered)
      .when(close(placements))
      .thenRefusedWith('ENTERPRISE_HAS_ACTIVE_MEMBERS', { memberIds: ['m2'] });
  });

  it('refuses while a placement ends after the date', () => {
    given(registered)
      .when(close([{ memberId: 'm1', from: '2013-01-01', to: '2016-07-01' }]))
      .thenRefusedWith('ENTERPRISE_HAS_ACTIVE_MEMBERS', { memberIds: ['m1'] });
  });

  it('refuses when a member joins there after the date', () => {
    given(registered)
      .when(close([{ memberId: 'm1', from: '2016-08-01', to: '2016-09-01' }]))
      .thenRefusedWith('ENTERPRISE_HAS_ACTIVE_MEMBERS', { memberIds: ['m1'] });
  });

  it('refuses when the union was founded on the closure day or later', () => {
    given(registered, union('2016-06-30', 'u1'))
      .when(close([]))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'u1' });
    given(registered, union('2016-08-01', 'u1'))
      .when(close([]))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'u1' });
  });

  it('refuses when a headcount is dated on the closure day or later', () => {
    given(registered, headcount(5, '2016-07-01', 'h1'))
      .when(close([]))
      .thenRefusedWith('TIMELINE_CONFLICT', { conflictingEventId: 'h1' });
  });

  it('ignores a voided founding dated after the closure', () => {
    given(registered, union('2016-08-01', 'u1'), voided('u1'))
      .when(close([]))
      .then([closed('2016-06-30')]);
  });

  it('refuses an enterprise already closed', () => {
    given(registered, closed('2015-01-01')).when(close([])).thenRefusedWith('ENTERPRISE_NOT_OPEN');
  });

  it('refuses a date before the registration', () => {
    given(registered).when(close([], '2011-12-31')).thenRefusedWith('ENTERPRISE_NOT_OPEN');
  });

  it('refuses an unknown enterprise', () => {
    given().when(close([])).thenRefusedWith('NOT_FOUND', { enterpriseId: 'e1' });
  });
});

describe('voidEnterpriseEntry', () => {
  const voidEntry = (id: string) => (s: ReturnType<typeof foldEnterprise>) =>
    decideVoidEnterpriseEntry({ enterpriseId: 'e1', eventId: id, reason: 'recorded in error' }, s);

  it('voids a headcount report and a union founding', () => {
    given(registered, headcount(10, '2015-01-01', 'h1'))
      .when(voidEntry('h1'))
      .then([voided('h1')]);
    given(registered, union('2014-05-01', 'u1'))
      .when(voidEntry('u1'))
      .then([voided('u1')]);
  });

  it('refuses an entry that is already voided', () => {
    given(registered, headcount(10, '2015-01-01', 'h1'), voided('h1'))
      .when(voidEntry('h1'))
      .thenRefusedWith('ALREADY_VOIDED');
  });

  it('refuses to void the registration or the closure', () => {
    given(registered, closed('2016-01-01'))
      .when(voidEntry(eventId(stream, 0)))
      .thenRefusedWith('NOT_FOUND', { eventId: eventId(stream, 0) });
    given(registered, closed('2016-01-01'))
      .when(voidEntry(eventId(stream, 1)))
      .thenRefusedWith('NOT_FOUND', { eventId: eventId(stream, 1) });
  });

  it('refuses an unknown enterprise', () => {
    given().when(voidEntry('h1')).thenRefusedWith('NOT_FOUND', { enterpriseId: 'e1' });
  });
});

describe('enterprise state', () => {
  it('is open from registration up to the day before closure', () => {
    const { state } = given(registered, closed('2016-01-01'));
    const days = ['2011-12-31', '2012-01-01', '2015-12-31', '2016-01-01'];
    expect(days.map((d) => isOpenOn(state, d))).toEqual([false, true, true, false]);
  });

  it('finds the union that is not voided', () => {
    const { state } = given(registered, union('2014-05-01', 'u1'), voided('u1'), union('2015-05-01', 'u2'));
    expect(activeEnterpriseUnion(state)).toStrictEqual({
      eventId: 'u2',
      type: 'EnterpriseUnionEstablished',
      effectiveDate: '2015-05-01',
    });
  });
});
