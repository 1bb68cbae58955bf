import { type RecordedEvent } from '../event-store.port.js';

/**
 * The log's latest events as last read: every event with a position in (from, to], in order.
 * Each of the service's followers (projections, the transfer process) reads the events that the
 * others have just read; held here, they are read from SQLite and parsed once, not once each.
 * Positions commit in order, so a range read once stays whole: no event can later appear in it.
 * The events are shared between readers, who never change them.
 */
export class RecentLog {
  private events: RecordedEvent[] = [];
  private positions: number[] = [];
  /** Index of the first event held (the ones before it were let go). */
  private first = 0;
  private from = -1;
  private to = -1;

  constructor(private readonly atMost: number) {}

  /** The events held after `after`, at most `maxCount`, up to the last held; undefined when `after` is outside [from, to]. */
  read(after: number, maxCount: number): RecordedEvent[] | undefined {
    if (after < this.from || after > this.to) return undefined;
    let lo = this.first;
    let hi = this.positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.positions[mid] <= after) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo, lo + maxCount);
  }

  /** Everything the log held after `after` when read, in order (up to the last of `read`): kept, after what is held when it follows on. */
  add(after: number, read: readonly RecordedEvent[]): void {
    if (after !== this.to) {
      this.events = [];
      this.positions = [];
      this.first = 0;
      this.from = after;
      this.to = after;
    }
    for (const event of read) {
      this.events.push(event);
      this.positions.push(Number(event.position));
    }
    if (read.length > 0) this.to = this.positions[this.positions.length - 1];
    const held = this.positions.length - this.first;
    if (held > this.atMost) {
      this.first += held - this.atMost;
      this.from = this.positions[this.first - 1];
      // The arrays are cut when half of them is let go: a cut costs as much as what it keeps.
      if (this.first * 2 > this.positions.length) {
        this.events = this.events.slice(this.first);
        this.positions = this.positions.slice(this.first);
        this.first = 0;
      }
    }
  }
}
