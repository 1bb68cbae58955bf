import fc from 'fast-check';
import { type PackedFact, type PackedHistory, PackedLedger, type PersonEntry } from '../../src/imports/packed-ledger.js';
import { type MemberFact, type MemberHistory } from '../../src/membership/member.timeline.js';

/*
 * The import's packed members, persons and placements against plain Maps: any sequence of
 * histories growing fact by fact, persons' claims and placements reads back exactly as put, and
 * a history that is not plain (a void, an erasure, a transfer request, two persons) is refused
 * and leaves what was packed before untouched.
 */

const memberIds = ['m1', 'm2', 'm3', 'member-长', 'm0000000004'];
const hashes = ['a'.repeat(64), 'b'.repeat(64), 'ab'.repeat(32)];
const enterprises = ['e1', 'e2', 'e3'];
const dates = ['2016-01-01', '2017-06-30', '2018-12-31'];

const plainFact = fc.record({
  kind: fc.constantFrom('J' as const, 'T' as const, 'C' as const, 'L' as const),
  effectiveDate: fc.constantFrom(...dates),
  a: fc.constantFrom(...enterprises),
  b: fc.constantFrom(...enterprises, 'regular', 'migrant'),
});

/** A stored fact of the kind, as the timeline holds it (only what packing reads). */
function storedFact(f: PackedFact, personHash: string, extra: { voided?: boolean; transferId?: string } = {}): MemberFact {
  const data =
    f.kind === 'J'
      ? { person: { hash: personHash, masked: '' }, enterpriseId: f.a, category: f.b, effectiveDate: f.effectiveDate }
      : f.kind === 'T'
        ? { from: { enterpriseId: f.a }, to: { enterpriseId: f.b }, effectiveDate: f.effectiveDate, transferId: extra.transferId }
        : f.kind === 'C'
          ? { from: f.a, to: f.b, effectiveDate: f.effectiveDate }
          : { reason: f.a, effectiveDate: f.effectiveDate };
  const type = { J: 'MemberJoined', T: 'MemberTransferred', C: 'MemberCategoryChanged', L: 'MemberLeft' }[f.kind];
  return { type, data, ...(extra.voided ? { voided: { reason: 'x' } } : {}) } as unknown as MemberFact;
}

const operation = fc.oneof(
  fc.record({
    op: fc.constant('grow' as const),
    memberId: fc.constantFrom(...memberIds),
    facts: fc.array(plainFact, { minLength: 1, maxLength: 3 }),
    personHash: fc.constantFrom(...hashes),
    spoil: fc.constantFrom('none', 'none', 'none', 'void', 'erased', 'transferRequest', 'otherPerson'),
  }),
  fc.record({
    op: fc.constant('person' as const),
    personHash: fc.constantFrom(...hashes, 'c'.repeat(64)),
    memberIds: fc.uniqueArray(fc.constantFrom(...memberIds), { maxLength: 3 }),
    revision: fc.constantFrom<PersonEntry['revision']>('no_stream', 0, 0, 3),
  }),
  fc.record({
    op: fc.constant('place' as const),
    enterpriseId: fc.constantFrom(...enterprises),
    memberId: fc.constantFrom(...memberIds),
  }),
);

describe('PackedLedger', () => {
  it('given any growing histories, claims and placements, when read back, then each is as put, and a history that is not plain is refused', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        const packed = new PackedLedger();
        const members = new Map<string, PackedHistory>();
        const persons = new Map<string, PersonEntry>();
        const placed = new Map<string, string[]>();
        for (const o of operations) {
          if (o.op === 'grow') {
            const before = members.get(o.memberId);
            // A member keeps the person of its first join; a history grows only at its end.
            const personHash = before?.personHash ?? o.personHash;
            const facts = [...(before?.facts ?? []), ...o.facts];
            const stored = facts.map((f) => storedFact(f, personHash));
            const last = stored.length - 1;
            if (o.spoil === 'void') stored[last] = storedFact(facts[last], personHash, { voided: true });
            if (o.spoil === 'transferRequest')
              stored[last] = storedFact({ ...facts[last], kind: 'T' }, personHash, { transferId: 't1' });
            if (o.spoil === 'otherPerson')
              stored.push(storedFact({ kind: 'J', effectiveDate: dates[0], a: 'e1', b: 'regular' }, `${personHash}x`));
            const history: MemberHistory = {
              memberId: o.memberId,
              facts: stored,
              revision: stored.length - 1,
              ...(o.spoil === 'erased' ? { erased: { reason: 'r', actor: 'a', recordedAt: '' } } : {}),
            };
            const plain = o.spoil === 'none' || (o.spoil === 'otherPerson' && !facts.some((f) => f.kind === 'J'));
            expect(packed.putMember(history)).toBe(plain);
            if (plain) {
              const hasJoin = stored.some((f) => f.type === 'MemberJoined');
              const kept =
                o.spoil === 'otherPerson'
                  ? [...facts, { kind: 'J' as const, effectiveDate: dates[0], a: 'e1', b: 'regular' }]
                  : facts;
              const joinedAs = o.spoil === 'otherPerson' ? `${personHash}x` : personHash;
              // A fact that is not a join has no second value but the enterprise it goes to, or a category.
              members.set(o.memberId, {
                revision: stored.length - 1,
                personHash: hasJoin ? joinedAs : undefined,
                facts: kept.map((f) => (f.kind === 'L' ? { ...f, b: '' } : f)),
              });
            }
          } else if (o.op === 'person') {
            const entry = { memberIds: o.memberIds, revision: o.revision };
            packed.putPerson(o.personHash, entry);
            persons.set(o.personHash, entry);
          } else {
            packed.place(o.enterpriseId, o.memberId);
            placed.set(o.enterpriseId, [o.memberId, ...(placed.get(o.enterpriseId) ?? [])]);
          }
          for (const id of memberIds) expect(packed.member(id)).toEqual(members.get(id));
          for (const hash of [...hashes, 'c'.repeat(64)]) expect(packed.person(hash)).toEqual(persons.get(hash));
          for (const e of enterprises) expect(packed.placedAt(e)).toEqual(placed.get(e) ?? []);
        }
      }),
      { numRuns: 200 },
    );
  });
});
