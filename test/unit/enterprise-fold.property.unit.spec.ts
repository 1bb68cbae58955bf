import fc from 'fast-check';
import { type EnterpriseEvent, enterpriseStream } from '../../src/enterprises/enterprise.events.js';
import { evolveEnterprise, foldEnterprise, initialEnterpriseState } from '../../src/enterprises/enterprise.state.js';
import { eventId, type Given, stored } from './given-when-then.js';

/*
 * `foldEnterprise` gathers the facts in one array instead of copying them at every event (a long
 * stream of headcounts folded in quadratic time). Whatever the stream, even one the deciders
 * would refuse to write (facts before the registration, a second registration, voids of voids or
 * of nothing, facts after a closure), it gives exactly what `evolveEnterprise` event by event gives.
 */

const stream = enterpriseStream('e1');
const date = fc
  .integer({ min: 0, max: 400 })
  .map((d) => new Date(Date.UTC(2012, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

/** An event of the stream; a void names the event at some revision of the stream (maybe itself, maybe none yet). */
const givenEvent = (length: number): fc.Arbitrary<Given<EnterpriseEvent>> =>
  fc.oneof(
    {
      weight: 1,
      arbitrary: fc
        .record({ effectiveDate: date, ownership: fc.constantFrom('public' as const, 'non-public' as const) })
        .map(({ effectiveDate, ownership }): Given<EnterpriseEvent> => ({
          type: 'EnterpriseRegistered',
          data: { enterpriseId: 'e1', parkId: 'p1', name: 'Copper Works', ownership, effectiveDate },
        })),
    },
    {
      // Union foundings twice as often as closings.
      weight: 3,
      arbitrary: fc
        .record({
          type: fc.constantFrom(
            'EnterpriseUnionEstablished' as const,
            'EnterpriseUnionEstablished' as const,
            'EnterpriseClosed' as const,
          ),
          effectiveDate: date,
        })
        .map(({ type, effectiveDate }): Given<EnterpriseEvent> => ({ type, data: { enterpriseId: 'e1', effectiveDate } })),
    },
    {
      weight: 6,
      arbitrary: fc
        .record({ effectiveDate: date, employees: fc.integer({ min: 0, max: 5000 }) })
        .map(({ effectiveDate, employees }): Given<EnterpriseEvent> => ({
          type: 'EnterpriseHeadcountReported',
          data: { enterpriseId: 'e1', employees, effectiveDate },
        })),
    },

    {
      weight: 3,
      arbitrary: fc
        .record({ target: fc.integer({ min: 0, max: length }), reason: fc.constantFrom('typo', 'wrong enterprise') })
        .map(({ target, reason }): Given<EnterpriseEvent> => ({
          type: 'EntryVoided',
          data: { voidedEventId: eventId(stream, target), reason },
        })),
    },
  );

const givenStream = fc.integer({ min: 0, max: 60 }).chain((length) => fc.array(givenEvent(length), { maxLength: length }));

describe('foldEnterprise', () => {
  it('given any stream of enterprise events, when folded, then it equals evolveEnterprise applied event by event', () => {
    fc.assert(
      fc.property(givenStream, (given) => {
        const events = stored(stream, given);
        expect(foldEnterprise(events)).toStrictEqual(events.reduce(evolveEnterprise, initialEnterpriseState));
      }),
      { numRuns: 2000 },
    );
  });

  it('given a registered enterprise with headcounts and a voided one, when folded, then every fact is there in order with its void', () => {
    const events = stored<EnterpriseEvent>(stream, [
      {
        type: 'EnterpriseRegistered',
        data: { enterpriseId: 'e1', parkId: 'p1', name: 'Copper Works', ownership: 'public', effectiveDate: '2012-01-01' },
      },
      { type: 'EnterpriseHeadcountReported', data: { enterpriseId: 'e1', employees: 120, effectiveDate: '2012-01-31' } },
      { type: 'EnterpriseHeadcountReported', data: { enterpriseId: 'e1', employees: 130, effectiveDate: '2012-02-29' } },
      { type: 'EntryVoided', data: { voidedEventId: eventId(stream, 1), reason: 'typo' } },
    ]);
    const state = foldEnterprise(events);
    expect(state.status === 'registered' && state.facts.map((f) => [f.employees, f.voided?.voidEventId])).toEqual([
      [120, eventId(stream, 3)],
      [130, undefined],
    ]);
  });
});
