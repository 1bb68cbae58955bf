import { type ExpectedRevision } from '../event-store/event-store.port.js';
import { type MemberHistory } from '../membership/member.timeline.js';
import { NameSlots } from '../shared/name-slots.js';
import { grown } from '../shared/typed-arrays.js';

/** One plain fact of a packed member: its kind, date and two values (parks follow from the enterprises). */
export interface PackedFact {
  /** J joined (enterprise, category), T transferred (from, to), C category changed (from, to), L left (reason, ''). */
  readonly kind: 'J' | 'T' | 'C' | 'L';
  readonly effectiveDate: string;
  readonly a: string;
  readonly b: string;
}

/** A member's timeline as packed: what the import's decisions read of it. */
export interface PackedHistory {
  readonly revision: number | undefined;
  readonly personHash: string | undefined;
  readonly facts: readonly PackedFact[];
}

/** The member ids a person ever held, from their claims stream. */
export interface PersonEntry {
  readonly memberIds: readonly string[];
  readonly revision: ExpectedRevision;
}

const KINDS = ['J', 'T', 'C', 'L'] as const;
const KIND_CODES = { MemberJoined: 0, MemberTransferred: 1, MemberCategoryChanged: 2, MemberLeft: 3 } as const;
/** Ints a fact: kind, date, a, b, the member's previous fact + 1 (0: none). */
const FACT_INTS = 5;
const NO_VALUE = -1;
/** A person's entry is in `otherPersons` (several claims, or read from the store). */
const PERSON_ELSEWHERE = -1;

/**
 * What a province-sized import keeps of its members and persons, in typed arrays outside the JS
 * heap: member ids and person hashes as bytes (`NameSlots`), each member's plain facts as five
 * ints a fact, each person with one claim as the number of its member, and each enterprise's
 * placements as a chain of member numbers. ~150 bytes a member where Maps of strings and small
 * objects took ~350 on the heap, which kept a province's import over a 1 GiB budget.
 * Only plain timelines are packed (no voids, no erasure, one person, no transfer request);
 * the caller keeps the others as they are.
 */
export class PackedLedger {
  private readonly memberIds = new NameSlots();
  /** Per member number: the stream's revision (-1: none), its person + 1, its last fact + 1, its fact count + 1 (0: not packed). */
  private revisions = new Int32Array(1024);
  private memberPersons = new Int32Array(1024);
  private lastFacts = new Int32Array(1024);
  private factCounts = new Int32Array(1024);
  private facts = new Int32Array(FACT_INTS * 1024);
  private factsUsed = 0;
  /** Dates, enterprise ids, categories and reasons, each kept once. */
  private readonly valueCodes = new Map<string, number>();
  private readonly values: string[] = [];

  private readonly personHashes = new NameSlots();
  /** Per person number: its single claim's member + 1 (revision 0), PERSON_ELSEWHERE, or 0 (no entry). */
  private personClaims = new Int32Array(1024);
  private readonly otherPersons = new Map<number, PersonEntry>();

  /** Per enterprise code: its last placement + 1; placements are (member, previous placement + 1) pairs. */
  private readonly lastPlacements = new Map<number, number>();
  private placements = new Int32Array(2 * 1024);
  private placementsUsed = 0;

  /** The member's packed timeline, or undefined when none was packed. */
  member(memberId: string): PackedHistory | undefined {
    const slot = this.memberIds.find(memberId);
    if (slot < 0 || this.factCounts[slot] === 0) return undefined;
    const count = this.factCounts[slot] - 1;
    const facts = new Array<PackedFact>(count);
    for (let at = this.lastFacts[slot] - 1, i = count - 1; at >= 0; at = this.facts[at + 4] - 1, i--) {
      const b = this.facts[at + 3];
      facts[i] = {
        kind: KINDS[this.facts[at]],
        effectiveDate: this.values[this.facts[at + 1]],
        a: this.values[this.facts[at + 2]],
        b: b === NO_VALUE ? '' : this.values[b],
      };
    }
    const person = this.memberPersons[slot];
    const revision = this.revisions[slot];
    return {
      revision: revision < 0 ? undefined : revision,
      personHash: person === 0 ? undefined : this.personHashes.nameOf(person - 1),
      facts,
    };
  }

  /**
   * Packs the member's history, adding only the facts beyond those already packed (a plain
   * history only grows at its end). Answers false, packing nothing, when the history is not plain.
   */
  putMember(history: MemberHistory): boolean {
    if (history.erased) return false;
    let personHash: string | undefined;
    for (const f of history.facts) {
      if (f.voided) return false;
      if (f.type === 'MemberTransferred' && f.data.transferId !== undefined) return false;
      if (f.type === 'MemberJoined') {
        if (personHash !== undefined && personHash !== f.data.person.hash) return false;
        personHash = f.data.person.hash;
      }
    }
    const slot = this.memberSlot(history.memberId);
    let packed = this.factCounts[slot] === 0 ? 0 : this.factCounts[slot] - 1;
    if (packed > history.facts.length) packed = 0;
    if (packed === 0) this.lastFacts[slot] = 0;
    for (const f of history.facts.slice(packed)) {
      const at = this.factsUsed;
      if (at + FACT_INTS > this.facts.length) this.facts = grown(this.facts, this.facts.length * 2);
      this.factsUsed += FACT_INTS;
      const [a, b] =
        f.type === 'MemberJoined'
          ? [f.data.enterpriseId, f.data.category]
          : f.type === 'MemberTransferred'
            ? [f.data.from.enterpriseId, f.data.to.enterpriseId]
            : f.type === 'MemberCategoryChanged'
              ? [f.data.from, f.data.to]
              : [f.data.reason, undefined];
      this.facts[at] = KIND_CODES[f.type];
      this.facts[at + 1] = this.code(f.data.effectiveDate);
      this.facts[at + 2] = this.code(a);
      this.facts[at + 3] = b === undefined ? NO_VALUE : this.code(b);
      this.facts[at + 4] = this.lastFacts[slot];
      this.lastFacts[slot] = at + 1;
    }
    this.factCounts[slot] = history.facts.length + 1;
    this.revisions[slot] = history.revision ?? -1;
    this.memberPersons[slot] = personHash === undefined ? 0 : this.personHashes.add(personHash) + 1;
    return true;
  }

  /** The person's claims as last put, or undefined when none were put. */
  person(personHash: string): PersonEntry | undefined {
    const slot = this.personHashes.find(personHash);
    if (slot < 0) return undefined;
    const claim = slot < this.personClaims.length ? this.personClaims[slot] : 0;
    if (claim > 0) return { memberIds: [this.memberIds.nameOf(claim - 1)], revision: 0 };
    return claim === PERSON_ELSEWHERE ? this.otherPersons.get(slot) : undefined;
  }

  putPerson(personHash: string, entry: PersonEntry): void {
    const slot = this.personHashes.add(personHash);
    if (slot >= this.personClaims.length)
      this.personClaims = grown(this.personClaims, Math.max(slot + 1, this.personClaims.length * 2));
    if (entry.revision === 0 && entry.memberIds.length === 1) {
      this.personClaims[slot] = this.memberSlot(entry.memberIds[0]) + 1;
      this.otherPersons.delete(slot);
    } else {
      this.personClaims[slot] = PERSON_ELSEWHERE;
      this.otherPersons.set(slot, entry);
    }
  }

  /** Notes that the member was placed at the enterprise (joined or transferred there). */
  place(enterpriseId: string, memberId: string): void {
    const enterprise = this.code(enterpriseId);
    const at = this.placementsUsed;
    if (at + 2 > this.placements.length) this.placements = grown(this.placements, this.placements.length * 2);
    this.placementsUsed += 2;
    this.placements[at] = this.memberSlot(memberId);
    this.placements[at + 1] = this.lastPlacements.get(enterprise) ?? 0;
    this.lastPlacements.set(enterprise, at + 1);
  }

  /** The members placed at the enterprise, latest first (a member placed twice is named twice). */
  placedAt(enterpriseId: string): string[] {
    const enterprise = this.valueCodes.get(enterpriseId);
    const ids: string[] = [];
    if (enterprise === undefined) return ids;
    for (let at = (this.lastPlacements.get(enterprise) ?? 0) - 1; at >= 0; at = this.placements[at + 1] - 1)
      ids.push(this.memberIds.nameOf(this.placements[at]));
    return ids;
  }

  private memberSlot(memberId: string): number {
    const slot = this.memberIds.add(memberId);
    if (slot >= this.revisions.length) {
      const size = Math.max(slot + 1, this.revisions.length * 2);
      this.revisions = grown(this.revisions, size);
      this.memberPersons = grown(this.memberPersons, size);
      this.lastFacts = grown(this.lastFacts, size);
      this.factCounts = grown(this.factCounts, size);
    }
    return slot;
  }

  private code(value: string): number {
    let code = this.valueCodes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.valueCodes.set(value, code);
    }
    return code;
  }
}
