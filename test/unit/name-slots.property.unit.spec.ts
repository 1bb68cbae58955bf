import fc from 'fast-check';
import { NameSlots } from '../../src/shared/name-slots.js';

/*
 * The table of names (the projector's streams, the import's members and persons) against a
 * Map: any sequence of finds and adds, with names that share prefixes, differ in one character
 * or in length, or are not ASCII, numbers each name once, in the order first added, finds
 * exactly the names added, and gives each number's name back.
 */

// A small alphabet makes near-identical names (and so hash-table collisions) common.
const name = fc.oneof(
  fc.stringMatching(/^member-[ab1.-]{0,6}$/),
  fc.stringMatching(/^[ab]{0,3}$/),
  fc.constantFrom('member-张三', 'member-é', 'member-a\u00ff', 'park-🙂'),
);
const operation = fc.record({ add: fc.boolean(), name });

describe('NameSlots', () => {
  it('given any adds and finds, when compared with a Map, then every name has the number a Map would give it, and each number gives its name back', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 1000 }), (operations) => {
        const slots = new NameSlots();
        const model = new Map<string, number>();
        for (const { add, name: n } of operations) {
          if (add) {
            if (!model.has(n)) model.set(n, model.size);
            expect(slots.add(n)).toBe(model.get(n));
          } else expect(slots.find(n)).toBe(model.get(n) ?? -1);
          expect(slots.size).toBe(model.size);
        }
        for (const [n, slot] of model) {
          expect(slots.find(n)).toBe(slot);
          expect(slots.nameOf(slot)).toBe(n);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('given 60,000 names, many of them prefixes of others, when added and looked up again, then each keeps its number (and its number its name) across the table growing', () => {
    const slots = new NameSlots();
    const names: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      // ~50 bytes a name: the names fill several of the table's 1 MiB chunks.
      const full = `member-${'x'.repeat(36)}${(i * 7919).toString(36)}-${i % 97}`;
      // Longest first: a shorter name then probes past cells holding names it is a prefix of.
      for (let end = full.length; end >= full.length - 9; end--) names.push(full.slice(0, end));
    }
    const unique = [...new Set(names)];
    const added = unique.map((n) => slots.add(n));
    const found = unique.map((n) => slots.find(n));
    // One comparison of whole arrays: an expect per name would take seconds.
    expect(added).toEqual(unique.map((_, i) => i));
    expect(found).toEqual(added);
    expect(added.map((slot) => slots.nameOf(slot))).toEqual(unique);
    expect(slots.find('member-unknown')).toBe(-1);
    expect(slots.size).toBe(unique.length);
    expect(unique.length).toBeGreaterThan(50_000);
  });

  it('given names of 64 bytes (person hashes), when 40,000 are added, then the names that fill a chunk exactly and those after it keep their numbers and bytes', () => {
    const slots = new NameSlots();
    // 16,384 names of 64 bytes fill a 1 MiB chunk to its last byte.
    const names = Array.from({ length: 40_000 }, (_, i) => i.toString(16).padStart(64, '0'));
    const added = names.map((n) => slots.add(n));
    expect(added).toEqual(names.map((_, i) => i));
    expect(names.map((n) => slots.find(n))).toEqual(added);
    expect(added.map((slot) => slots.nameOf(slot))).toEqual(names);
  });
});
