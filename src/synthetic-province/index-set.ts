import { type SeededRandom } from './seeded-random.js';

/** A set of small integers with O(1) add, remove and uniform pick (swap-remove over two typed arrays). */
export class IndexSet {
  private readonly items: Int32Array;
  private readonly positions: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
    this.positions = new Int32Array(capacity).fill(-1);
  }

  has(i: number): boolean {
    return this.positions[i] >= 0;
  }

  add(i: number): void {
    if (this.positions[i] >= 0) return;
    this.items[this.size] = i;
    this.positions[i] = this.size++;
  }

  remove(i: number): void {
    const p = this.positions[i];
    if (p < 0) return;
    const last = this.items[--this.size];
    this.items[p] = last;
    this.positions[last] = p;
    this.positions[i] = -1;
  }

  /** A uniformly drawn member; the set must not be empty. */
  pick(random: SeededRandom): number {
    return this.items[Math.floor(random.next() * this.size)];
  }

  /** The k-th member in the set's current (deterministic) order. */
  at(k: number): number {
    return this.items[k];
  }
}
