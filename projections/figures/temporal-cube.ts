import { grown } from '../../src/shared/typed-arrays.js';

/**
 * Sums of signed amounts over two time axes: rows arrive in knowledge order (log order, with a
 * non-decreasing knowledge instant) and carry an effective day; a query sums every row known by a
 * cut and effective by a day, per group of cells. Pure data structure, no I/O.
 *
 * Query cost does not grow with the length of history: completed runs of rows are summarised in a
 * tree of nodes (a leaf node per `leaf` rows, a parent per `fanout` children), each holding, per
 * cell, its effective days in order with running sums. A prefix of the log is at most
 * `fanout - 1` nodes per level plus one partial leaf, and each node answers "up to day D" with one
 * binary search per cell.
 */
export class TemporalCube {
  length = 0;
  known = new Float64Array(1024);
  day = new Int32Array(1024);
  cell = new Int32Array(1024);
  slot = new Uint8Array(1024);
  amount = new Int32Array(1024);
  /** Which recorded event (an index the owner keeps) each row came from. */
  event = new Int32Array(1024);
  /** Optional per-row enterprise indices (from, and to for transfers): -1 when none. */
  ent = new Int32Array(1024);
  ent2 = new Int32Array(1024);
  private readonly levels: CubeNode[][] = [];
  /** Row indices per enterprise, for enterprise scopes (an enterprise's own rows). */
  private readonly byEnterprise: Int32Array[] = [];
  private readonly byEnterpriseLength: number[] = [];

  /** Rows that summary nodes cover (whole leaves, from the first row). */
  private summarisedRows = 0;
  /**
   * While true, appends leave summarising to `summariseSome`: a process that loads a long history
   * answers from the rows at once (each sum then scans the rows known by its cut, a cost that grows
   * with history) and builds the nodes later, or never when it asks one question and ends.
   */
  private deferred: boolean;

  constructor(
    readonly slots: number,
    readonly leaf = 4096,
    readonly fanout = 16,
    { deferNodes = false }: { readonly deferNodes?: boolean } = {},
  ) {
    this.deferred = deferNodes;
  }

  append(known: number, day: number, cell: number, slot: number, amount: number, event: number, ent = -1, ent2 = -1): void {
    if (this.length === this.known.length) this.grow();
    const i = this.length;
    // Knowledge order is log order; an instant that ran backwards (clock skew between writers) is held at the previous one.
    this.known[i] = i > 0 && known < this.known[i - 1] ? this.known[i - 1] : known;
    this.day[i] = day;
    this.cell[i] = cell;
    this.slot[i] = slot;
    this.amount[i] = amount;
    this.event[i] = event;
    this.ent[i] = ent;
    this.ent2[i] = ent2;
    this.length++;
    if (ent >= 0) this.index(ent, i);
    if (ent2 >= 0 && ent2 !== ent) this.index(ent2, i);
    if (!this.deferred && this.length % this.leaf === 0) this.summariseLeaf();
  }

  /**
   * Builds the nodes of up to `leaves` more whole leaves (and the parents they complete), in log
   * order, so sums may run between two calls. Answers whether every whole leaf is summarised: from
   * then on appends summarise as they go.
   */
  summariseSome(leaves: number): boolean {
    for (let n = 0; n < leaves && this.summarisedRows + this.leaf <= this.length; n++) this.summariseLeaf();
    if (this.summarisedRows + this.leaf > this.length) this.deferred = false;
    return !this.deferred;
  }

  /** Rows of whole leaves still waiting for their summary nodes (0 unless deferred). */
  get unsummarisedRows(): number {
    return this.deferred ? this.length - (this.length % this.leaf) - this.summarisedRows : 0;
  }

  /** Number of rows known at `knownMs` (rows are in knowledge order). */
  cut(knownMs: number): number {
    return upperBound(this.known, 0, this.length, knownMs);
  }

  /**
   * Adds, into `out[group * slots + slot]`, every row before `cut` effective on or before
   * `day`, for cells whose group (`groupOf`) is not negative.
   */
  sumInto(out: Float64Array, cut: number, day: number, groupOf: (cell: number) => number): void {
    let position = 0;
    for (let level = this.levels.length - 1; level >= 0; level--) {
      const size = this.leaf * this.fanout ** level;
      const nodes = this.levels[level];
      while (position + size <= cut && position / size < nodes.length) {
        nodes[position / size].sumInto(out, day, groupOf, this.slots);
        position += size;
      }
    }
    for (let i = position; i < cut; i++) {
      if (this.day[i] > day) continue;
      const group = groupOf(this.cell[i]);
      if (group >= 0) out[group * this.slots + this.slot[i]] += this.amount[i];
    }
  }

  /** The rows of one enterprise (as `ent` or `ent2`), in log order. */
  rowsOfEnterprise(ent: number): Int32Array {
    const rows = this.byEnterprise[ent];
    return rows ? rows.subarray(0, this.byEnterpriseLength[ent]) : new Int32Array(0);
  }

  private index(ent: number, row: number): void {
    let rows = this.byEnterprise[ent];
    const n = this.byEnterpriseLength[ent] ?? 0;
    if (!rows || n === rows.length) {
      const bigger = new Int32Array(Math.max(8, n * 2));
      if (rows) bigger.set(rows);
      this.byEnterprise[ent] = rows = bigger;
    }
    rows[n] = row;
    this.byEnterpriseLength[ent] = n + 1;
  }

  /**
   * Room for `rows` rows in all, taken at once: a province's load grew its arrays by doubling,
   * and the copies and freshly touched pages took ~25 % of it. Room never used is never touched,
   * so an estimate on the high side costs little memory.
   */
  reserve(rows: number): void {
    if (rows > this.known.length) this.grow(rows);
  }

  private grow(size = this.known.length * 2): void {
    this.known = grown(this.known, size);
    this.day = grown(this.day, size);
    this.cell = grown(this.cell, size);
    this.slot = grown(this.slot, size);
    this.amount = grown(this.amount, size);
    this.event = grown(this.event, size);
    this.ent = grown(this.ent, size);
    this.ent2 = grown(this.ent2, size);
  }

  /** The next whole leaf: summarise it, and every parent that it completes. */
  private summariseLeaf(): void {
    const end = (this.summarisedRows += this.leaf);
    for (let level = 0; ; level++) {
      const size = this.leaf * this.fanout ** level;
      if (end % size !== 0) return;
      this.levels[level] ??= [];
      this.levels[level].push(CubeNode.of(this, end - size, end));
    }
  }
}

const DAY_SPAN = 2 ** 17;
/** `CubeNode.sorted` packs (cell, day, row) into a number below 2^53: cells below 2^16, at most 2^20 rows. */
const SORTED_CELLS = 2 ** 16;
const SORTED_ROWS = 2 ** 20;

/** Per cell: effective days in order, with the running sums of each slot up to that day. */
class CubeNode {
  private constructor(
    private readonly cells: Int32Array,
    private readonly offsets: Int32Array,
    private readonly days: Int32Array,
    private readonly sums: Float64Array,
  ) {}

  static of(cube: TemporalCube, from: number, to: number): CubeNode {
    let maxCell = 0;
    for (let i = from; i < to; i++) if (cube.cell[i] > maxCell) maxCell = cube.cell[i];
    return maxCell < SORTED_CELLS && to - from <= SORTED_ROWS ? CubeNode.sorted(cube, from, to) : CubeNode.hashed(cube, from, to);
  }

  /**
   * Rows sorted by (cell, day) as one typed array of numbers `(cell × DAY_SPAN + day) × SORTED_ROWS
   * + row` (exact below 2^53), then summed in one pass: a native numeric sort instead of a hash
   * look-up per row (a province's start-up spent ~20 % of its time in `hashed`).
   */
  private static sorted(cube: TemporalCube, from: number, to: number): CubeNode {
    const slots = cube.slots;
    const n = to - from;
    const order = new Float64Array(n);
    for (let j = 0; j < n; j++) order[j] = (cube.cell[from + j] * DAY_SPAN + cube.day[from + j]) * SORTED_ROWS + j;
    order.sort();
    // Distinct (cell, day) keys, each with its running sums per slot within its cell.
    let days = new Int32Array(Math.min(n, 1024));
    let sums = new Float64Array(days.length * slots);
    const cells: number[] = [];
    const offsets: number[] = [];
    let keys = 0;
    let lastKey = -1;
    for (let j = 0; j < n; j++) {
      const key = Math.floor(order[j] / SORTED_ROWS);
      const row = from + (order[j] - key * SORTED_ROWS);
      if (key !== lastKey) {
        const cell = Math.floor(key / DAY_SPAN);
        const running = keys > 0 && cell === cells[cells.length - 1];
        if (keys === days.length) {
          days = grown(days, days.length * 2);
          sums = grown(sums, days.length * slots);
        }
        days[keys] = key - cell * DAY_SPAN;
        for (let t = 0; t < slots; t++) sums[keys * slots + t] = running ? sums[(keys - 1) * slots + t] : 0;
        if (!running) {
          cells.push(cell);
          offsets.push(keys);
        }
        keys++;
        lastKey = key;
      }
      sums[(keys - 1) * slots + cube.slot[row]] += cube.amount[row];
    }
    offsets.push(keys);
    return new CubeNode(Int32Array.from(cells), Int32Array.from(offsets), days.slice(0, keys), sums.slice(0, keys * slots));
  }

  /** The same from a hash of (cell, day) keys, for cells or nodes too large to pack into one sortable number. */
  private static hashed(cube: TemporalCube, from: number, to: number): CubeNode {
    const slots = cube.slots;
    const at = new Map<number, number>();
    let totals = new Float64Array(1024 * slots);
    for (let i = from; i < to; i++) {
      const key = cube.cell[i] * DAY_SPAN + cube.day[i];
      let k = at.get(key);
      if (k === undefined) {
        k = at.size;
        at.set(key, k);
        if ((k + 1) * slots > totals.length) {
          const bigger = new Float64Array(totals.length * 2);
          bigger.set(totals);
          totals = bigger;
        }
      }
      totals[k * slots + cube.slot[i]] += cube.amount[i];
    }
    const keys = Float64Array.from(at.keys()).sort();
    const days = new Int32Array(keys.length);
    const sums = new Float64Array(keys.length * slots);
    const cells: number[] = [];
    const offsets: number[] = [];
    let previousCell = -1;
    keys.forEach((key, n) => {
      const cell = Math.floor(key / DAY_SPAN);
      days[n] = key - cell * DAY_SPAN;
      const k = at.get(key)!;
      const running = cell === previousCell;
      if (!running) {
        cells.push(cell);
        offsets.push(n);
        previousCell = cell;
      }
      for (let s = 0; s < slots; s++) sums[n * slots + s] = totals[k * slots + s] + (running ? sums[(n - 1) * slots + s] : 0);
    });
    offsets.push(keys.length);
    return new CubeNode(Int32Array.from(cells), Int32Array.from(offsets), days, sums);
  }

  sumInto(out: Float64Array, day: number, groupOf: (cell: number) => number, slots: number): void {
    for (let c = 0; c < this.cells.length; c++) {
      const group = groupOf(this.cells[c]);
      if (group < 0) continue;
      // The last entry of this cell with an effective day <= day.
      const after = upperBound(this.days, this.offsets[c], this.offsets[c + 1], day);
      if (after === this.offsets[c]) continue;
      const n = after - 1;
      for (let s = 0; s < slots; s++) out[group * slots + s] += this.sums[n * slots + s];
    }
  }
}

/** The first index in [lo, hi) of a sorted array whose value is greater than `value`. */
export function upperBound(values: Float64Array | Int32Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Days since 1900-01-01 (non-negative for every date the ledger accepts). */
export function dayNumber(date: string): number {
  return Math.round((Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) - DAY_ZERO) / 86_400_000);
}

export function dateOfDay(day: number): string {
  return new Date(DAY_ZERO + day * 86_400_000).toISOString().slice(0, 10);
}

const DAY_ZERO = Date.UTC(1900, 0, 1);
