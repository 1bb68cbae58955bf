import fc from 'fast-check';
import type { FigureDelta } from '../../projections/figures/figure-delta.js';
import { MEASURES, PackedEvents } from '../../projections/figures/packed-events.js';

/*
 * The figures' stored segments: events' deltas packed as numbers with a table of strings. Any
 * events packed, sent to another thread, stored and read back, or merged from several packs in
 * any interleaving, give back exactly the deltas that went in, in order.
 */

// Few distinct strings, so packs share and repeat them; some not ASCII, some empty.
const text = fc.constantFrom('p1', 'p2', 'e1', 'e10', '2016-06-30', '2026-01-01', 'regular', '', '园区-张三', 'park-🙂');
const delta: fc.Arbitrary<FigureDelta> = fc.record({
  measure: fc.constantFrom(...MEASURES),
  date: text,
  parkId: text,
  enterpriseId: fc.option(text),
  detail: fc.option(text),
  toParkId: fc.option(text),
  toEnterpriseId: fc.option(text),
  amount: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
});
const event = fc.record({
  position: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  recordedMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  deltas: fc.array(delta, { maxLength: 5 }),
});
type Event = { position: number; recordedMs: number; deltas: FigureDelta[] };

function pack(events: readonly Event[]): PackedEvents {
  const p = new PackedEvents();
  for (const e of events) p.add(e.position, e.recordedMs, e.deltas);
  return p;
}

function unpacked(p: PackedEvents): Event[] {
  return Array.from({ length: p.length }, (_, e) => ({
    position: p.position(e),
    recordedMs: p.recordedMs(e),
    deltas: p.deltasOf(e),
  }));
}

describe('PackedEvents', () => {
  it('given any events, when packed, sent as a message and stored as bytes, then each way gives back the same events and deltas', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 300 }), (events) => {
        const packed = pack(events);
        expect(unpacked(packed)).toEqual(events);
        expect(unpacked(PackedEvents.fromMessage(packed.toMessage()))).toEqual(events);
        expect(unpacked(PackedEvents.fromBytes(packed.toBytes()))).toEqual(events);
        // Stored bytes may sit anywhere in a larger buffer (a Buffer from a pool, at an odd offset).
        const stored = packed.toBytes();
        const inside = Buffer.concat([Buffer.from([1, 2, 3]), stored, Buffer.from([4])]).subarray(3, 3 + stored.length);
        expect(unpacked(PackedEvents.fromBytes(inside))).toEqual(events);
        // A pack read back from bytes packs on: its arrays and its table go on growing.
        const more = PackedEvents.fromBytes(packed.toBytes());
        more.add(
          1,
          2,
          events.flatMap((e) => e.deltas),
        );
        expect(unpacked(PackedEvents.fromBytes(more.toBytes()))).toEqual([
          ...events,
          { position: 1, recordedMs: 2, deltas: events.flatMap((e) => e.deltas) },
        ]);
      }),
      { numRuns: 200 },
    );
  });

  it('given several packs, when their events are copied into one in any interleaving, then it holds those events with their own strings, and names each string once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(event, { maxLength: 40 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat()),
        (sources, choices) => {
          const packs = sources.map(pack);
          const next = packs.map(() => 0);
          const merged = new PackedEvents();
          const expected: Event[] = [];
          for (let c = 0; ; c++) {
            const open = packs.map((_, s) => s).filter((s) => next[s] < packs[s].length);
            if (open.length === 0) break;
            const s = open[(choices[c] ?? 0) % open.length];
            expected.push(sources[s][next[s]]);
            merged.copy(packs[s], next[s]++);
          }
          expect(unpacked(merged)).toEqual(expected);
          expect(unpacked(PackedEvents.fromBytes(merged.toBytes()))).toEqual(expected);
          expect(new Set(merged.strings).size).toBe(merged.strings.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('given stored bytes cut short, when read, then it fails saying so rather than reading past them', () => {
    const bytes = pack([{ position: 1, recordedMs: 1, deltas: [] }]).toBytes();
    expect(() => PackedEvents.fromBytes(bytes.subarray(0, bytes.length - 1))).toThrow(/does not hold what its header says/);
  });
});
