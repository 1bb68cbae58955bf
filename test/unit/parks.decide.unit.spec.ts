import { decideEstablishParkUnion } from '../../src/parks/establish-park-union/establish-park-union.decide.js';
import { type ParkEvent, type ParkRegistered, parkStream, type ParkUnionEstablished } from '../../src/parks/park.events.js';
import { activeParkUnion, foldPark } from '../../src/parks/park.state.js';
import { decideRegisterPark } from '../../src/parks/register-park/register-park.decide.js';
import { decideVoidParkEntry } from '../../src/parks/void-park-entry/void-park-entry.decide.js';
import { type EntryVoided } from '../../src/shared/ledger-event.js';
import { eventId, type Given, recordedAt, scenarios } from './given-when-then.js';

const ctx = { today: '2026-06-30' };
const stream = parkStream('p1');
const given = scenarios<ParkEvent, ReturnType<typeof foldPark>>(stream, foldPark);

const registered: ParkRegistered = {
  type: 'ParkRegistered',
  data: { parkId: 'p1', name: 'Nanchang High-Tech Park', cityId: 'nanchang', level: 'national', effectiveDate: '2010-03-01' },
};
const union = (effectiveDate: string, id?: string): Given<ParkUnionEstablished> => ({
  type: 'ParkUnionEstablished',
  data: { parkId: 'p1', effectiveDate },
  ...(id ? { id } : {}),
});
const voided = (voidedEventId: string): EntryVoided => ({
  type: 'EntryVoided',
  data: { voidedEventId, reason: 'recorded in error' },
});

describe('registerPark', () => {
  it('registers a new park', () => {
    given()
      .when((s) => decideRegisterPark({ ...registered.data }, s, ctx))
      .then([registered]);
  });

  it('registers a park on today', () => {
    given()
      .when((s) => decideRegisterPark({ ...registered.data, effectiveDate: ctx.today }, s, ctx))
      .then([{ type: 'ParkRegistered', data: { ...registered.data, effectiveDate: ctx.today } }]);
  });

  it('refuses a park that is already registered', () => {
    given(registered)
      .when((s) => decideRegisterPark({ ...registered.data, name: 'again' }, s, ctx))
      .thenRefusedWith('PARK_ALREADY_REGISTERED');
  });

  it('refuses an effective date after today', () => {
    given()
      .when((s) => decideRegisterPark({ ...registered.data, effectiveDate: '2026-07-01' }, s, ctx))
      .thenRefusedWith('VALIDATION_FAILED', [{ field: 'effectiveDate' }]);
  });

  it('refuses an effective date before 1949-10-01', () => {
    given()
      .when((s) => decideRegisterPark({ ...registered.data, effectiveDate: '1949-09-30' }, s, ctx))
      .thenRefusedWith('VALIDATION_FAILED', [{ field: 'effectiveDate' }]);
  });
});

describe('establishParkUnion', () => {
  it('founds the union of a registered park', () => {
    given(registered)
      .when((s) => decideEstablishParkUnion({ parkId: 'p1', effectiveDate: '2011-05-01' }, s, ctx))
      .then([union('2011-05-01')]);
  });

  it('founds it on the day of registration', () => {
    given(registered)
      .when((s) => decideEstablishParkUnion({ parkId: 'p1', effectiveDate: '2010-03-01' }, s, ctx))
      .then([union('2010-03-01')]);
  });

  it('refuses an unknown park', () => {
    given()
      .when((s) => decideEstablishParkUnion({ parkId: 'p1', effectiveDate: '2011-05-01' }, s, ctx))
      .thenRefusedWith('NOT_FOUND', { parkId: 'p1' });
  });

  it('refuses a date before the park was registered', () => {
    given(registered)
      .when((s) => decideEstablishParkUnion({ parkId: 'p1', effectiveDate: '2010-02-28' }, s, ctx))
      .thenRefusedWith('PARK_NOT_REGISTERED');
  });

  it('refuses a second union', () => {
    given(registered, union('2011-05-01'))
      .when((s) => decideEstablishParkUnion({ parkId: 'p1', effectiveDate: '2012-01-01' }, s, ctx))
      .thenRefusedWith('UNION_ALREADY_ESTABLISHED');
  });

  it('founds a union again once the first founding was voided', () => {
    given(registered, union('2011-05-01', 'u1'), voided('u1'))
      .when((s) => decideEstablishParkUnion({ parkId: 'p1', effectiveDate: '2012-01-01' }, s, ctx))
      .then([union('2012-01-01')]);
  });

  it('refuses a future date', () => {
    given(registered)
      .when((s) => decideEstablishParkUnion({ parkId: 'p1', effectiveDate: '2026-07-01' }, s, ctx))
      .thenRefusedWith('VALIDATION_FAILED');
  });
});

describe('voidParkEntry', () => {
  it('voids a union founding', () => {
    given(registered, union('2011-05-01', 'u1'))
      .when((s) => decideVoidParkEntry({ parkId: 'p1', eventId: 'u1', reason: 'recorded in error' }, s))
      .then([voided('u1')]);
  });

  it('refuses a founding that is already voided', () => {
    given(registered, union('2011-05-01', 'u1'), voided('u1'))
      .when((s) => decideVoidParkEntry({ parkId: 'p1', eventId: 'u1', reason: 'again' }, s))
      .thenRefusedWith('ALREADY_VOIDED');
  });

  it('refuses to void the registration', () => {
    given(registered, union('2011-05-01'))
      .when((s) => decideVoidParkEntry({ parkId: 'p1', eventId: eventId(stream, 0), reason: 'no' }, s))
      .thenRefusedWith('NOT_FOUND', { eventId: eventId(stream, 0) });
  });

  it('refuses an unknown park', () => {
    given()
      .when((s) => decideVoidParkEntry({ parkId: 'p1', eventId: 'u1', reason: 'no' }, s))
      .thenRefusedWith('NOT_FOUND', { parkId: 'p1' });
  });
});

describe('park state', () => {
  it('keeps a voided founding with who voided it, when and why', () => {
    const { state } = given(registered, union('2011-05-01', 'u1'), { ...voided('u1'), id: 'v1' }, union('2012-01-01', 'u2'));
    expect(state).toStrictEqual({
      status: 'registered',
      parkId: 'p1',
      cityId: 'nanchang',
      name: 'Nanchang High-Tech Park',
      level: 'national',
      registeredOn: '2010-03-01',
      unions: [
        {
          eventId: 'u1',
          effectiveDate: '2011-05-01',
          voided: { voidEventId: 'v1', reason: 'recorded in error', actor: 'clerk-1', recordedAt: recordedAt(2) },
        },
        { eventId: 'u2', effectiveDate: '2012-01-01' },
      ],
    });
    expect(activeParkUnion(state)).toStrictEqual({ eventId: 'u2', effectiveDate: '2012-01-01' });
  });
});
