import fc from 'fast-check';
import { TemporalCube } from '../../projections/figures/temporal-cube.js';

/*
 * The temporal cube (what every figure, statement and series is summed from) against a
 * brute-force sum over its rows. Small leaves and fan-outs make histories of a few hundred rows
 * run through summarised nodes on several levels, which the read side's scenario and oracle tests
 * (histories smaller than one 4,096-row leaf) never reach.
 */

const SLOTS = 3;
const row = fc.record({
  knownStep: fc.integer({ min: -2, max: 3 }), // a negative step is a clock that ran back: held at the previous instant
  day: fc.integer({ min: 40_000, max: 40_030 }),
  cell: fc.integer({ min: 0, max: 6 }),
  slot: fc.integer({ min: 0, max: SLOTS - 1 }),
  amount: fc.integer({ min: -3, max: 3 }),
});
const query = fc.record({
  cutShare: fc.double({ min: 0, max: 1, noNaN: true }),
  day: fc.integer({ min: 39_999, max: 40_031 }),
  // Cells in groups (several cells a group, some left out), as a park grouping by city does.
  groupOfCell: fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 7, maxLength: 7 }),
});

describe('TemporalCube', () => {
  it('given rows in knowledge order, when summed at any cut, day and grouping, then each group holds exactly the rows known by the cut and effective by the day', () => {
    fc.assert(
      fc.property(
        // After a row, how many leaves a deferred cube summarises: mostly none, so it lags several leaves behind.
        fc.array(
          fc.record({
            row,
            summarise: fc.oneof(
              { arbitrary: fc.constant(0), weight: 9 },
              { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 },
            ),
          }),
          { maxLength: 400, size: 'max' },
        ),
        fc.constantFrom([4, 2], [4, 3], [8, 2], [16, 4]),
        fc.array(query, { minLength: 1, maxLength: 20 }),
        // Cells as parks (small numbers: nodes built by sorting) or as park pairs (large: built by hashing).
        fc.constantFrom(1, 30_000),
        // Nodes built as rows arrive, or deferred: built a few leaves at a time between appends (the
        // service after a load), or never (the CLI).
        fc.constantFrom('as rows arrive', 'deferred', 'deferred', 'never'),
        fc.constantFrom(0, 0.5, 3),
        (rows, [leaf, fanout], queries, spread, nodes, reserved) => {
          const cube = new TemporalCube(SLOTS, leaf, fanout, { deferNodes: nodes !== 'as rows arrive' });
          // Room taken ahead (as a load does), short of the rows, past them, or none.
          cube.reserve(Math.floor(rows.length * reserved));
          let known = 1_000;
          const kept: Array<{ known: number; day: number; cell: number; slot: number; amount: number }> = [];
          const check = () => {
            for (const q of queries) {
              const knownMs = kept.length === 0 ? 0 : kept[Math.floor(q.cutShare * (kept.length - 1))].known;
              const cut = cube.cut(knownMs);
              expect(cut).toBe(kept.filter((k) => k.known <= knownMs).length);
              const out = new Float64Array(3 * SLOTS);
              cube.sumInto(out, cut, q.day, (cell) => q.groupOfCell[cell / spread]);
              const expected = new Float64Array(3 * SLOTS);
              for (const k of kept.slice(0, cut))
                if (k.day <= q.day && q.groupOfCell[k.cell] >= 0) expected[q.groupOfCell[k.cell] * SLOTS + k.slot] += k.amount;
              expect([...out]).toEqual([...expected]);
            }
          };
          rows.forEach(({ row: r, summarise }, i) => {
            known += r.knownStep;
            cube.append(known, r.day, r.cell * spread, r.slot, r.amount, i);
            kept.push({
              known: Math.max(known, kept.at(-1)?.known ?? known),
              day: r.day,
              cell: r.cell,
              slot: r.slot,
              amount: r.amount,
            });
            if (nodes === 'deferred' && summarise > 0) cube.summariseSome(summarise);
            if (i === rows.length >> 1) check();
          });
          check();
          if (nodes === 'deferred') {
            // Once every whole leaf is summarised, appends summarise again as they go.
            while (!cube.summariseSome(1));
            check();
          }
        },
      ),
      { numRuns: 600 },
    );
  });
});
