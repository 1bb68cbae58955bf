import { grown } from '../../src/shared/typed-arrays.js';
import type { FigureDelta, Measure } from './figure-delta.js';

/** Measures by code. The codes are stored: append new measures, never reorder. */
export const MEASURES: readonly Measure[] = [
  'members',
  'employees',
  'enterprises',
  'enterprisesWithUnion',
  'parks',
  'parksWithUnion',
  'joined',
  'left',
  'transferred',
  'categoryChanged',
  'unionEstablished',
  'pendingTransfer',
];
const MEASURE_CODES = new Map(MEASURES.map((m, code) => [m, code]));

/** Numbers an event takes in `events`: position, recordedMs, first delta, delta count. */
const EVENT = 4;
/** Numbers a delta takes in `deltas`: measure, then date, park, enterprise, detail, toPark, toEnterprise as string numbers (-1: null), amount. */
const DELTA = 8;
const NONE = -1;
/** Bytes before the numbers in a stored segment: event count, delta count, string bytes, 0 (keeps the Float64s aligned). */
const HEADER = 16;
const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder();

/** What crosses between threads: typed arrays (their buffers transferred) and the strings once. */
export interface PackedMessage {
  readonly strings: string[];
  readonly events: Float64Array;
  readonly deltas: Int32Array;
}

/**
 * Events' deltas as numbers in two typed arrays, each id, date and detail once in a table. A
 * rebuild writes ~2 million events' deltas and a start-up reads them all: as JSON each delta was
 * 8 strings to write, parse and collect; packed, it is 8 numbers, and a table of a few thousand
 * strings per segment.
 */
export class PackedEvents {
  /** The strings the deltas name, by number. */
  strings: string[] = [];
  /** Each string's number, made when first needed: a pack read only to be loaded never needs it. */
  private numbers?: Map<string, number>;
  /** Renumbering of the strings of packs copied from (see `copy`). */
  private readonly renumbered = new Map<PackedEvents, Int32Array>();
  private events: Float64Array = new Float64Array(64 * EVENT);
  private deltas: Int32Array = new Int32Array(128 * DELTA);
  private eventCount = 0;
  private deltaCount = 0;

  /** Events held. */
  get length(): number {
    return this.eventCount;
  }

  position(event: number): number {
    return this.events[event * EVENT];
  }

  recordedMs(event: number): number {
    return this.events[event * EVENT + 1];
  }

  /** How many deltas the event has. */
  deltaCountOf(event: number): number {
    return this.events[event * EVENT + 3];
  }

  /** Appends an event and its deltas. */
  add(position: number, recordedMs: number, deltas: readonly FigureDelta[]): void {
    const first = this.startEvent(position, recordedMs, deltas.length);
    for (let j = 0; j < deltas.length; j++) {
      const d = deltas[j];
      const at = (first + j) * DELTA;
      const code = MEASURE_CODES.get(d.measure);
      if (code === undefined) throw new Error(`unknown measure ${d.measure}`);
      this.deltas[at] = code;
      this.deltas[at + 1] = this.number(d.date);
      this.deltas[at + 2] = this.number(d.parkId);
      this.deltas[at + 3] = this.number(d.enterpriseId);
      this.deltas[at + 4] = this.number(d.detail);
      this.deltas[at + 5] = this.number(d.toParkId);
      this.deltas[at + 6] = this.number(d.toEnterpriseId);
      this.deltas[at + 7] = d.amount;
    }
  }

  /** Appends event `event` of `from`, its strings renumbered into this pack's table. */
  copy(from: PackedEvents, event: number): void {
    let renumber = this.renumbered.get(from);
    if (!renumber) {
      renumber = new Int32Array(from.strings.length).fill(NONE);
      this.renumbered.set(from, renumber);
    }
    const count = from.deltaCountOf(event);
    const first = this.startEvent(from.position(event), from.recordedMs(event), count);
    const source = from.events[event * EVENT + 2] * DELTA;
    for (let k = 0; k < count * DELTA; k++) {
      const field = k % DELTA;
      let value = from.deltas[source + k];
      if (field !== 0 && field !== 7 && value !== NONE) {
        let n = renumber[value];
        if (n === NONE) n = renumber[value] = this.number(from.strings[value]);
        value = n;
      }
      this.deltas[first * DELTA + k] = value;
    }
  }

  /** The event's deltas as objects. */
  deltasOf(event: number): FigureDelta[] {
    const out: FigureDelta[] = [];
    const s = (n: number) => (n === NONE ? null : this.strings[n]);
    this.forEachDeltaNumbered(event, (measure, date, park, enterprise, detail, toPark, toEnterprise, amount) =>
      out.push({
        measure,
        date: s(date)!,
        parkId: s(park)!,
        enterpriseId: s(enterprise),
        detail: s(detail),
        toParkId: s(toPark),
        toEnterpriseId: s(toEnterprise),
        amount,
      }),
    );
    return out;
  }

  /**
   * Calls `each` with every delta of the event, its strings as string numbers of this pack (see
   * `strings`) so that a reader can resolve each string once per pack, not once per delta.
   */
  forEachDeltaNumbered(
    event: number,
    each: (
      measure: Measure,
      date: number,
      park: number,
      enterprise: number,
      detail: number,
      toPark: number,
      toEnterprise: number,
      amount: number,
    ) => void,
  ): void {
    const d = this.deltas;
    const first = this.events[event * EVENT + 2];
    const end = first + this.deltaCountOf(event);
    for (let at = first * DELTA; at < end * DELTA; at += DELTA)
      each(MEASURES[d[at]], d[at + 1], d[at + 2], d[at + 3], d[at + 4], d[at + 5], d[at + 6], d[at + 7]);
  }

  /** Hands the pack to another thread: its arrays trimmed, their buffers transferable. */
  toMessage(): PackedMessage {
    return {
      strings: this.strings,
      events: this.events.slice(0, this.eventCount * EVENT),
      deltas: this.deltas.slice(0, this.deltaCount * DELTA),
    };
  }

  static fromMessage(message: PackedMessage): PackedEvents {
    return PackedEvents.filled(message.strings, message.events, message.deltas);
  }

  /** The pack as stored: a header, the events' numbers, the deltas' numbers, then the strings as JSON. */
  toBytes(): Uint8Array {
    const strings = UTF8_ENCODER.encode(JSON.stringify(this.strings));
    const eventBytes = this.eventCount * EVENT * 8;
    const deltaBytes = this.deltaCount * DELTA * 4;
    const bytes = new Uint8Array(HEADER + eventBytes + deltaBytes + strings.length);
    new Int32Array(bytes.buffer, 0, 4).set([this.eventCount, this.deltaCount, strings.length, 0]);
    bytes.set(new Uint8Array(this.events.buffer, this.events.byteOffset, eventBytes), HEADER);
    bytes.set(new Uint8Array(this.deltas.buffer, this.deltas.byteOffset, deltaBytes), HEADER + eventBytes);
    bytes.set(strings, HEADER + eventBytes + deltaBytes);
    return bytes;
  }

  static fromBytes(stored: Uint8Array): PackedEvents {
    // A copy of its own, aligned for the typed arrays: the bytes may sit anywhere in a larger
    // buffer (and a Buffer's `slice` would not copy them).
    const bytes = new Uint8Array(stored.byteLength);
    bytes.set(stored);
    const [eventCount, deltaCount, stringBytes] = new Int32Array(bytes.buffer, 0, 3);
    const eventBytes = eventCount * EVENT * 8;
    const deltaBytes = deltaCount * DELTA * 4;
    if (bytes.length !== HEADER + eventBytes + deltaBytes + stringBytes)
      throw new Error(`a figures segment of ${bytes.length} bytes does not hold what its header says`);
    const strings = JSON.parse(UTF8_DECODER.decode(bytes.subarray(HEADER + eventBytes + deltaBytes))) as string[];
    return PackedEvents.filled(
      strings,
      new Float64Array(bytes.buffer, HEADER, eventCount * EVENT),
      new Int32Array(bytes.buffer, HEADER + eventBytes, deltaCount * DELTA),
    );
  }

  private static filled(strings: string[], events: Float64Array, deltas: Int32Array): PackedEvents {
    const pack = new PackedEvents();
    pack.strings = strings;
    pack.events = events;
    pack.deltas = deltas;
    pack.eventCount = events.length / EVENT;
    pack.deltaCount = deltas.length / DELTA;
    return pack;
  }

  private startEvent(position: number, recordedMs: number, count: number): number {
    if ((this.eventCount + 1) * EVENT > this.events.length)
      this.events = grown(this.events, Math.max((this.eventCount + 1) * EVENT, this.events.length * 2));
    if ((this.deltaCount + count) * DELTA > this.deltas.length)
      this.deltas = grown(this.deltas, Math.max((this.deltaCount + count) * DELTA, this.deltas.length * 2));
    const e = this.eventCount++ * EVENT;
    this.events[e] = position;
    this.events[e + 1] = recordedMs;
    this.events[e + 2] = this.deltaCount;
    this.events[e + 3] = count;
    const first = this.deltaCount;
    this.deltaCount += count;
    return first;
  }

  private number(s: string | null): number {
    if (s === null) return NONE;
    this.numbers ??= new Map(this.strings.map((known, n) => [known, n]));
    let n = this.numbers.get(s);
    if (n === undefined) {
      n = this.strings.push(s) - 1;
      this.numbers.set(s, n);
    }
    return n;
  }
}
