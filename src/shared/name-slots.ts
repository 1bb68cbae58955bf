import { grown } from './typed-arrays.js';

/**
 * Numbers names (stream names, member ids, person hashes) 0, 1, 2… in the order first seen, with
 * the names' bytes in one buffer and an open-addressing table of numbers: ~50 bytes a member
 * stream, all outside the JS heap, where a Map of strings took ~95 on the heap (and was marked by
 * every full collection).
 * Names with a character outside ASCII (ledger ids never have one) are kept in a Map instead.
 */
export class NameSlots {
  /** The names' bytes, in chunks that are never copied (one doubling buffer overshot by up to half). */
  private readonly chunks: Uint8Array[] = [];
  /** Where the next name goes: chunk * CHUNK + offset. */
  private used = 0;
  private starts = new Int32Array(1024);
  private lengths = new Uint16Array(1024);
  /** slot + 1 per cell, 0 when empty; at most half full. */
  private table = new Int32Array(2048);
  private count = 0;
  private readonly others = new Map<string, number>();
  /** The names kept in `others`, by number. */
  private readonly otherNames = new Map<number, string>();

  get size(): number {
    return this.count;
  }

  /** The name's number, or -1 if it has none. */
  find(name: string): number {
    return this.slot(name, false);
  }

  /** The name's number, given it now if it has none. */
  add(name: string): number {
    return this.slot(name, true);
  }

  /** The name numbered `slot` (which `add` gave). */
  nameOf(slot: number): string {
    const other = this.otherNames.get(slot);
    if (other !== undefined) return other;
    if (this.lengths[slot] === 0) return '';
    const start = this.starts[slot];
    const at = start & CHUNK_MASK;
    // ASCII bytes: latin1 decoding gives the very characters that were stored.
    return Buffer.from(this.chunks[start >>> CHUNK_BITS].buffer, at, this.lengths[slot]).toString('latin1');
  }

  private slot(name: string, create: boolean): number {
    const length = name.length;
    if (length > 0xffff) return this.other(name, create);
    let hash = 0x811c9dc5;
    for (let i = 0; i < length; i++) {
      const c = name.charCodeAt(i);
      if (c > 0x7f) return this.other(name, create);
      hash = Math.imul(hash ^ c, 0x01000193);
    }
    const mask = this.table.length - 1;
    let cell = hash & mask;
    for (;;) {
      const held = this.table[cell] - 1;
      if (held < 0) break;
      if (this.lengths[held] === length && this.equals(this.starts[held], name)) return held;
      cell = (cell + 1) & mask;
    }
    if (!create) return -1;
    const slot = this.next();
    // A name never spans two chunks (names are at most 0xffff bytes, a chunk is 1 MiB): a new
    // chunk when it does not fit in the last one, which may be exactly full.
    if (this.used + length > this.chunks.length * CHUNK) {
      this.used = this.chunks.length * CHUNK;
      this.chunks.push(new Uint8Array(CHUNK));
    }
    const chunk = this.chunks[this.chunks.length - 1];
    for (let i = 0, at = this.used & CHUNK_MASK; i < length; i++) chunk[at + i] = name.charCodeAt(i);
    this.starts[slot] = this.used;
    this.lengths[slot] = length;
    this.used += length;
    this.table[cell] = slot + 1;
    if (this.count * 2 > this.table.length) this.rehash();
    return slot;
  }

  private other(name: string, create: boolean): number {
    const known = this.others.get(name);
    if (known !== undefined || !create) return known ?? -1;
    const slot = this.next();
    this.others.set(name, slot);
    this.otherNames.set(slot, name);
    return slot;
  }

  private next(): number {
    const slot = this.count++;
    if (slot === this.starts.length) {
      this.starts = grown(this.starts, slot * 2);
      this.lengths = grown(this.lengths, slot * 2);
    }
    return slot;
  }

  private equals(start: number, name: string): boolean {
    const chunk = this.chunks[start >>> CHUNK_BITS];
    const at = start & CHUNK_MASK;
    for (let i = 0; i < name.length; i++) if (chunk[at + i] !== name.charCodeAt(i)) return false;
    return true;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (const entry of this.table) {
      if (entry === 0) continue;
      const start = this.starts[entry - 1];
      const chunk = this.chunks[start >>> CHUNK_BITS];
      const at = start & CHUNK_MASK;
      let hash = 0x811c9dc5;
      for (let i = at; i < at + this.lengths[entry - 1]; i++) hash = Math.imul(hash ^ chunk[i], 0x01000193);
      let cell = hash & mask;
      while (table[cell] !== 0) cell = (cell + 1) & mask;
      table[cell] = entry;
    }
    this.table = table;
  }
}

const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
