import fc from 'fast-check';
import { contributionsOf, deltasBetween } from '../../projections/figures/contributions.js';
import { memberMemo } from '../../projections/figures/member-memo.js';
import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { FigureProjector } from '../../src/read-models/figures/figure-projector.js';

/*
 * The projector's memory against the definition: for any member stream (valid or not: facts out
 * of date order, voids, rejoins by the same or another person, erasures, facts that cannot
 * stand), the deltas it gives each event, remembering the member between events, equal the
 * contributions of the stream up to that event minus those without it, recomputed from scratch.
 */

const DAYS = ['2016-03-01', '2016-03-02', '2016-03-03', '2016-03-04'];
const PLACES = [
  { parkId: 'p1', enterpriseId: 'e1' },
  { parkId: 'p1', enterpriseId: 'e2' },
  { parkId: 'p2', enterpriseId: 'e3' },
];
const CATEGORIES = ['regular', 'migrant', 'dispatched'];

type Raw =
  | { kind: 'join'; date: string; place: number; category: string; person: string }
  | { kind: 'transfer'; date: string; from: number; to: number }
  | { kind: 'category'; date: string; from: string; to: string }
  | { kind: 'leave'; date: string; reason: string }
  | { kind: 'void'; pick: number }
  | { kind: 'erase' };

const day = fc.constantFrom(...DAYS);
const place = fc.nat(PLACES.length - 1);
const category = fc.constantFrom(...CATEGORIES);
const raw: fc.Arbitrary<Raw> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('join' as const), date: day, place, category, person: fc.constantFrom('a', 'b') }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('transfer' as const), date: day, from: place, to: place }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('category' as const), date: day, from: category, to: category }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('leave' as const), date: day, reason: fc.constantFrom('resigned', 'retired') }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('void' as const), pick: fc.nat(30) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('erase' as const) }) },
);

/** The stream's event at `revision` as the store hands it back (positions with gaps, a minute apart). */
const recorded = (streamName: string, revision: number, type: string, data: unknown): RecordedEvent => ({
  id: `ev-${revision}`,
  type,
  data,
  metadata: { actor: 'clerk', correlationId: 'c', recordedAt: new Date(Date.UTC(2020, 0, 1, 0, revision)).toISOString() },
  streamName,
  revision,
  position: String(100 + revision * 3),
});

/** A void of one of the events so far (picked), or of an id the stream never held. */
const voidOf = (events: readonly RecordedEvent[], pick: number): [string, unknown] => [
  'EntryVoided',
  { voidedEventId: events.length > 0 ? events[pick % events.length].id : 'none', reason: 'error' },
];

function streamOf(raws: readonly Raw[]): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  raws.forEach((r, revision) => {
    const memberId = 'm1';
    const [type, data] =
      r.kind === 'join'
        ? [
            'MemberJoined',
            {
              memberId,
              person: { hash: r.person, masked: r.person },
              name: 'sealed',
              category: r.category,
              ...PLACES[r.place],
              effectiveDate: r.date,
            },
          ]
        : r.kind === 'transfer'
          ? ['MemberTransferred', { memberId, from: PLACES[r.from], to: PLACES[r.to], effectiveDate: r.date }]
          : r.kind === 'category'
            ? ['MemberCategoryChanged', { memberId, from: r.from, to: r.to, effectiveDate: r.date }]
            : r.kind === 'leave'
              ? ['MemberLeft', { memberId, reason: r.reason, effectiveDate: r.date }]
              : r.kind === 'void'
                ? voidOf(events, r.pick)
                : ['MemberPersonalDataErased', { memberId, reason: 'asked' }];
    events.push(recorded(`member-${memberId}`, revision, type, data));
  });
  return events;
}

describe('the figure projector remembering members between events', () => {
  it('given any member stream, when each event is projected in turn, then its deltas equal the contributions with it minus without it, and the memo equals one made from the stream', () => {
    const entity = { kind: 'member' as const, id: 'm1' };
    let fromMemory = 0;
    let fromStream = 0;
    fc.assert(
      fc.property(fc.array(raw, { minLength: 1, maxLength: 14 }), (raws) => {
        const stream = streamOf(raws);
        const projector = new FigureProjector();
        stream.forEach((event, i) => {
          const want = deltasBetween(
            contributionsOf(entity, stream.slice(0, i)),
            contributionsOf(entity, stream.slice(0, i + 1)),
          );
          let got = projector.project(event);
          if (got === undefined) {
            fromStream++;
            got = projector.projectFrom(event, stream);
          } else fromMemory++;
          expect(got).toEqual({
            position: Number(event.position),
            recordedMs: Date.parse(event.metadata.recordedAt),
            deltas: want,
          });
          // The memo the projector kept is the one the stream up to here gives.
          const memo = (projector as unknown as { members: Map<string, unknown> }).members.get(event.streamName);
          expect(memo).toEqual(memberMemo('m1', stream.slice(0, i + 1)));
        });
      }),
      { numRuns: 2000 },
    );
    // Both paths were taken often: the property is not vacuous for either.
    expect(fromMemory).toBeGreaterThan(2000);
    expect(fromStream).toBeGreaterThan(2000);
  });

  it('given a stream the projector has not seen from its start, when a later event comes, then it asks for the stream and goes on from memory after it', () => {
    const stream = streamOf([
      { kind: 'join', date: DAYS[0], place: 0, category: 'regular', person: 'a' },
      { kind: 'transfer', date: DAYS[1], from: 0, to: 2 },
      { kind: 'leave', date: DAYS[2], reason: 'resigned' },
    ]);
    const projector = new FigureProjector();
    expect(projector.project(stream[1])).toBeUndefined();
    expect(projector.projectFrom(stream[1], stream).deltas.map((d) => [d.measure, d.parkId, d.amount])).toEqual([
      ['members', 'p1', -1],
      ['members', 'p2', 1],
      ['transferred', 'p1', 1],
    ]);
    expect(projector.project(stream[2])?.deltas.map((d) => [d.measure, d.detail, d.amount])).toEqual([
      ['left', 'resigned', 1],
      ['members', 'regular', -1],
    ]);
  });

  it('given an event of a stream the figures do not count, then the projector says so', () => {
    const event = { ...streamOf([{ kind: 'erase' }])[0], streamName: 'person-abc' };
    expect(new FigureProjector().project(event)).toBeNull();
  });
});

/*
 * The same for enterprise streams: a headcount report is projected by its own shortcut
 * (`headcountDeltas`), every other event by the contributions before and after it; both must
 * give what the definition gives, whatever the order of the reports' dates, ties, voids of
 * reports, closings before or after them, reports before the registration or of an enterprise
 * never registered.
 */
type RawEnterprise =
  | { kind: 'register'; date: string }
  | { kind: 'union'; date: string }
  | { kind: 'headcount'; date: string; employees: number }
  | { kind: 'close'; date: string }
  | { kind: 'void'; pick: number };

const ENTERPRISE_DAYS = ['2016-02-28', '2016-03-01', '2016-03-02', '2016-03-03', '2016-03-04', '2016-03-05'];
const enterpriseDay = fc.constantFrom(...ENTERPRISE_DAYS);
const rawEnterprise: fc.Arbitrary<RawEnterprise> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('register' as const), date: enterpriseDay }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('union' as const), date: enterpriseDay }) },
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('headcount' as const), date: enterpriseDay, employees: fc.nat(4) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), date: enterpriseDay }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('void' as const), pick: fc.nat(30) }) },
);

function enterpriseStreamOf(raws: readonly RawEnterprise[]): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  const enterpriseId = 'e1';
  raws.forEach((r, revision) => {
    const [type, data] =
      r.kind === 'register'
        ? ['EnterpriseRegistered', { enterpriseId, parkId: 'p1', name: 'Copper', ownership: 'public', effectiveDate: r.date }]
        : r.kind === 'union'
          ? ['EnterpriseUnionEstablished', { enterpriseId, effectiveDate: r.date }]
          : r.kind === 'headcount'
            ? ['EnterpriseHeadcountReported', { enterpriseId, employees: r.employees * 10, effectiveDate: r.date }]
            : r.kind === 'close'
              ? ['EnterpriseClosed', { enterpriseId, effectiveDate: r.date }]
              : voidOf(events, r.pick);
    events.push(recorded(`enterprise-${enterpriseId}`, revision, type, data));
  });
  return events;
}

describe('the figure projector on enterprise streams', () => {
  it('given any enterprise stream, when each event is projected in turn, then its deltas equal the contributions with it minus without it', () => {
    const entity = { kind: 'enterprise' as const, id: 'e1' };
    let headcountsWithDeltas = 0;
    fc.assert(
      fc.property(fc.tuple(fc.boolean(), fc.array(rawEnterprise, { minLength: 1, maxLength: 25 })), ([registeredFirst, raws]) => {
        const stream = enterpriseStreamOf(registeredFirst ? [{ kind: 'register', date: ENTERPRISE_DAYS[1] }, ...raws] : raws);
        const projector = new FigureProjector();
        stream.forEach((event, i) => {
          const want = deltasBetween(
            contributionsOf(entity, stream.slice(0, i)),
            contributionsOf(entity, stream.slice(0, i + 1)),
          );
          // Never undefined: an organisation seen from its start is projected from memory.
          expect(projector.project(event)?.deltas).toEqual(want);
          if (event.type === 'EnterpriseHeadcountReported' && want.length > 0) headcountsWithDeltas++;
        });
      }),
      { numRuns: 3000 },
    );
    // Reports that moved the employees were projected many times over: the property is not vacuous.
    expect(headcountsWithDeltas).toBeGreaterThan(2000);
  });
});
