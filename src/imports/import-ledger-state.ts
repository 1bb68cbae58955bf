import { type EnterpriseEvent, enterpriseStream } from '../enterprises/enterprise.events.js';
import {
  type EnterpriseState,
  evolveEnterprise,
  foldEnterprise,
  initialEnterpriseState,
} from '../enterprises/enterprise.state.js';
import { type EventStore, type ExpectedRevision, type RecordedEvent, revisionOf } from '../event-store/event-store.port.js';
import { type MemberEvent, memberStream } from '../membership/member.events.js';
import { membershipOf, type OtherMembership } from '../membership/member.rules.js';
import { emptyHistory, evolveHistory, foldHistory, type MemberFact, type MemberHistory } from '../membership/member.timeline.js';
import { type PersonClaims, type PersonMembershipClaimed, personStream } from '../membership/person-claims.js';
import { type ParkEvent, parkStream } from '../parks/park.events.js';
import { evolvePark, foldPark, initialParkState, type ParkState } from '../parks/park.state.js';
import { type Stored } from '../shared/ledger-event.js';
import { type PackedHistory, PackedLedger, type PersonEntry } from './packed-ledger.js';

export { type PersonEntry } from './packed-ledger.js';

/** A stream's folded state and the revision it was folded at. */
export interface Versioned<S> {
  readonly state: S;
  readonly revision: ExpectedRevision;
}

const nextRevision = (revision: ExpectedRevision, count: number): number => (revision === 'no_stream' ? -1 : revision) + count;

/**
 * What an import decides against, kept in memory for the length of one import: parks,
 * enterprises, member histories and person claims, each read from the store the first time a
 * line needs it and then kept up to date by the import's own events. While the store held
 * nothing when the import began, nothing needs reading: a record not in memory does not exist.
 * Member histories are kept without names (no decision reads them).
 */
export class ImportLedgerState {
  private readonly parks = new Map<string, Versioned<ParkState>>();
  private readonly enterprises = new Map<string, Versioned<EnterpriseState>>();
  /** Plain member timelines, persons' claims and the import's placements, outside the JS heap. */
  private packed = new PackedLedger();
  /** Member histories that are not plain (voids, erasure, a transfer request, two persons), as they are. */
  private readonly members = new Map<string, MemberHistory>();
  /** Members the store placed at each enterprise before the import, read on the first closure. */
  private storePlaced?: Map<string, Set<string>>;

  constructor(
    private readonly store: EventStore,
    private readonly claims: PersonClaims,
    /** Whether the store was empty when the import began (positions up to `startHead` otherwise). */
    private fresh: boolean,
    private readonly startHead: string | undefined,
  ) {}

  /** Forgets everything: after a conflict with another writer, every record is read again. */
  reset(): void {
    this.parks.clear();
    this.enterprises.clear();
    this.members.clear();
    this.packed = new PackedLedger();
    this.storePlaced = undefined;
    this.fresh = false;
  }

  /** Whether a record missing from memory may still exist in the store. */
  get mayBeStored(): boolean {
    return !this.fresh;
  }

  async park(parkId: string): Promise<Versioned<ParkState>> {
    let park = this.parks.get(parkId);
    if (!park) {
      const events = this.fresh ? [] : await this.store.readStream(parkStream(parkId));
      park = { state: foldPark(events as Array<Stored<ParkEvent>>), revision: revisionOf(events) };
      this.parks.set(parkId, park);
    }
    return park;
  }

  async enterprise(enterpriseId: string): Promise<Versioned<EnterpriseState>> {
    let enterprise = this.enterprises.get(enterpriseId);
    if (!enterprise) {
      const events = this.fresh ? [] : await this.store.readStream(enterpriseStream(enterpriseId));
      enterprise = { state: foldEnterprise(events as Array<Stored<EnterpriseEvent>>), revision: revisionOf(events) };
      this.enterprises.set(enterpriseId, enterprise);
    }
    return enterprise;
  }

  async enterprisesById(ids: Iterable<string>): Promise<Map<string, EnterpriseState>> {
    const found = new Map<string, EnterpriseState>();
    for (const id of ids) if (!found.has(id)) found.set(id, (await this.enterprise(id)).state);
    return found;
  }

  async member(memberId: string): Promise<MemberHistory> {
    const kept = this.members.get(memberId);
    if (kept) return kept;
    const packed = this.packed.member(memberId);
    if (packed) return this.unpack(memberId, packed);
    // Not in memory: nothing while the store was empty at the start, otherwise as stored.
    if (this.fresh) return emptyHistory(memberId);
    const history = foldHistory(memberId, (await this.store.readStream(memberStream(memberId))) as Array<Stored<MemberEvent>>);
    if (!this.packed.putMember(history)) this.members.set(memberId, history);
    return history;
  }

  async person(personHash: string): Promise<PersonEntry> {
    const kept = this.packed.person(personHash);
    if (kept) return kept;
    if (this.fresh) return { memberIds: [], revision: 'no_stream' };
    // The claims' own reader first: it finishes a claim a crashed command left half-done.
    await this.claims.load(personHash, '');
    const claims = (await this.store.readStream(personStream(personHash))) as Array<Stored<PersonMembershipClaimed>>;
    const person: PersonEntry = { memberIds: [...new Set(claims.map((c) => c.data.memberId))], revision: revisionOf(claims) };
    this.packed.putPerson(personHash, person);
    return person;
  }

  /**
   * A packed member as the deciders read it: its facts as stored events, their ids stand-ins
   * (`packedFactOf` tells which fact one stands for, when a refusal names it).
   */
  private async unpack(memberId: string, packed: PackedHistory): Promise<MemberHistory> {
    const facts: MemberFact[] = [];
    for (const [i, { kind, effectiveDate, a, b }] of packed.facts.entries()) {
      const data =
        kind === 'J'
          ? {
              memberId,
              person: { hash: packed.personHash!, masked: '' },
              name: '',
              category: b,
              enterpriseId: a,
              parkId: await this.parkOf(a),
              effectiveDate,
            }
          : kind === 'T'
            ? {
                memberId,
                from: { enterpriseId: a, parkId: await this.parkOf(a) },
                to: { enterpriseId: b, parkId: await this.parkOf(b) },
                effectiveDate,
              }
            : kind === 'C'
              ? { memberId, from: a, to: b, effectiveDate }
              : { memberId, reason: a, effectiveDate };
      facts.push({
        id: `${STAND_IN}${memberId}#${i}`,
        type: PACKED_TYPES[kind],
        data,
        metadata: PACKED_METADATA,
        streamName: '',
        revision: i,
        position: '',
      } as MemberFact);
    }
    return { memberId, facts, revision: packed.revision };
  }

  private async parkOf(enterpriseId: string): Promise<string> {
    const e = (await this.enterprise(enterpriseId)).state;
    return e.status === 'registered' ? e.parkId : '';
  }

  /** The person's memberships under other member ids, as each one's own timeline has them. */
  async otherMemberships(personHash: string, memberId: string): Promise<OtherMembership[]> {
    const others: OtherMembership[] = [];
    for (const id of (await this.person(personHash)).memberIds) {
      const membership = id === memberId ? undefined : membershipOf(personHash, await this.member(id));
      if (membership) others.push(membership);
    }
    return others;
  }

  /** Every member ever placed at the enterprise: by this import, and by the store before it. */
  async membersEverAt(enterpriseId: string): Promise<string[]> {
    const ids = new Set(this.packed.placedAt(enterpriseId));
    if (this.startHead !== undefined) {
      this.storePlaced ??= await this.scanPlacements();
      for (const id of this.storePlaced.get(enterpriseId) ?? []) ids.add(id);
    }
    return [...ids];
  }

  private async scanPlacements(): Promise<Map<string, Set<string>>> {
    const placed = new Map<string, Set<string>>();
    const add = (enterpriseId: string, memberId: string) => {
      let set = placed.get(enterpriseId);
      if (!set) placed.set(enterpriseId, (set = new Set()));
      set.add(memberId);
    };
    const end = Number(this.startHead);
    let after: string | undefined;
    for (;;) {
      const page = await this.store.readAll({ after, maxCount: 5000 });
      for (const e of page) {
        if (Number(e.position) > end) return placed;
        if (e.type === 'MemberJoined')
          add((e.data as { enterpriseId: string }).enterpriseId, (e.data as { memberId: string }).memberId);
        if (e.type === 'MemberTransferred')
          add((e.data as { to: { enterpriseId: string } }).to.enterpriseId, (e.data as { memberId: string }).memberId);
      }
      if (page.length === 0) return placed;
      after = page[page.length - 1].position;
    }
  }

  /** The import's own events, as they are decided (before they are written). */
  recordPark(parkId: string, events: readonly RecordedEvent[]): void {
    const park = this.parks.get(parkId)!;
    this.parks.set(parkId, {
      state: (events as Array<Stored<ParkEvent>>).reduce(evolvePark, park.state ?? initialParkState),
      revision: nextRevision(park.revision, events.length),
    });
  }

  recordEnterprise(enterpriseId: string, events: readonly RecordedEvent[]): void {
    const enterprise = this.enterprises.get(enterpriseId)!;
    this.enterprises.set(enterpriseId, {
      state: (events as Array<Stored<EnterpriseEvent>>).reduce(evolveEnterprise, enterprise.state ?? initialEnterpriseState),
      revision: nextRevision(enterprise.revision, events.length),
    });
  }

  /** Adds the member's new events; `history` is the one `member()` answered for this decision. */
  recordMember(history: MemberHistory, events: readonly RecordedEvent[]): void {
    const { memberId } = history;
    for (const event of events as Array<Stored<MemberEvent>>) {
      history = evolveHistory(history, event);
      const to =
        event.type === 'MemberJoined'
          ? event.data.enterpriseId
          : event.type === 'MemberTransferred'
            ? event.data.to.enterpriseId
            : undefined;
      if (to !== undefined) this.packed.place(to, memberId);
    }
    // Once not plain, a history stays as it is (a void or an erasure is never undone).
    if (this.members.has(memberId) || !this.packed.putMember(history)) this.members.set(memberId, history);
  }

  async recordPersonClaim(personHash: string, memberId: string): Promise<void> {
    const person = await this.person(personHash);
    const memberIds = person.memberIds.includes(memberId) ? person.memberIds : [...person.memberIds, memberId];
    const revision = nextRevision(person.revision, 1);
    this.packed.putPerson(personHash, { memberIds, revision });
  }
}

/** Leads the id a packed fact stands in with; an event id never starts so (ids are UUIDs). */
const STAND_IN = 'packed:';

/**
 * The fact a stand-in id stands for: its member's stream and its revision there (a plain
 * timeline, the only kind packed, holds one fact a revision); undefined for a real event id.
 */
export function packedFactOf(id: string): { stream: string; revision: number } | undefined {
  if (!id.startsWith(STAND_IN)) return undefined;
  const at = id.lastIndexOf('#');
  return { stream: memberStream(id.slice(STAND_IN.length, at)), revision: Number(id.slice(at + 1)) };
}

const PACKED_TYPES = { J: 'MemberJoined', T: 'MemberTransferred', C: 'MemberCategoryChanged', L: 'MemberLeft' } as const;
const PACKED_METADATA = Object.freeze({ actor: '', correlationId: '', recordedAt: '' });
