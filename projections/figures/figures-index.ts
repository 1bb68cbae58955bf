import { CATEGORIES, LEAVE_REASONS } from '../../src/membership/member.events.js';
import { CATEGORY_PAIRS, type FigureDelta, type Measure } from './figure-delta.js';
import type { PackedEvents } from './packed-events.js';
import { grown } from '../../src/shared/typed-arrays.js';
import { dayNumber, TemporalCube, upperBound } from './temporal-cube.js';

/** A place the figures are asked for (ids resolved to the index's own numbers). */
export type ScopeRef =
  | { readonly kind: 'province' }
  | { readonly kind: 'city'; readonly city: number }
  | { readonly kind: 'park'; readonly park: number }
  | { readonly kind: 'enterprise'; readonly enterprise: number };

export type GroupBy = 'city' | 'park' | 'category';

/** Stock figures in one vector: members by category, then the organisation counts. */
export const STOCK = [
  'regular',
  'migrant',
  'dispatched',
  'employees',
  'enterprises',
  'enterprisesWithUnion',
  'parks',
  'parksWithUnion',
];
const ORG_SLOTS = ['employees', 'enterprises', 'enterprisesWithUnion', 'parks', 'parksWithUnion'] as const;
const FLOW_SLOTS = [
  ...CATEGORIES.map((c) => `joined:${c}`),
  ...LEAVE_REASONS.map((r) => `left:${r}`),
  ...CATEGORY_PAIRS.map(([f, t]) => `categoryChanged:${f}>${t}`),
  'unionEstablished',
];
const PAIR = 32768;
/** A day after every effective date. */
const ANY_DAY = 2 ** 30;

export interface StatementSums {
  readonly opening: number;
  readonly closing: number;
  /** FLOW_SLOTS order. */
  readonly flows: Float64Array;
  readonly transferredIn: number;
  readonly transferredOut: number;
  readonly internalTransfers: number;
}

export interface ChangeSums {
  /** Index of the event (see `positionOf`). */
  readonly event: number;
  /** STOCK order. */
  readonly effects: Float64Array;
}

/**
 * The figures read model in memory: the projection's deltas in four temporal cubes (members by
 * category, organisation counts, flows for statements, transfers by pair of parks), plus the
 * places. Built from the persisted deltas in log order, then kept up to date by appending.
 */
export class FiguresIndex {
  private readonly parkIds: string[] = [];
  private readonly parkNumbers = new Map<string, number>();
  private readonly cityIds: string[] = [];
  private readonly cityNumbers = new Map<string, number>();
  private readonly cityOfPark: number[] = [];
  private readonly enterpriseIds: string[] = [];
  private readonly enterpriseNumbers = new Map<string, number>();
  private readonly parkOfEnterprise: number[] = [];
  private positions = new Float64Array(1024);
  private recorded = new Float64Array(1024);
  private events = 0;
  readonly members: TemporalCube;
  readonly org: TemporalCube;
  readonly flows: TemporalCube;
  readonly transfers: TemporalCube;
  /** Pending transfer requests by pair of parks (all dated at the earliest day: only knowledge matters). */
  readonly pending: TemporalCube;

  /**
   * `deferNodes` appends rows without the summary nodes that keep a query's cost flat as history
   * grows, until `summariseSome` has built them (see TemporalCube): queries are answered from the
   * rows meanwhile, or for good in a process that asks one question and ends.
   */
  constructor({ deferNodes = false }: { readonly deferNodes?: boolean } = {}) {
    const cube = (slots: number) => new TemporalCube(slots, undefined, undefined, { deferNodes });
    this.members = cube(3);
    this.org = cube(ORG_SLOTS.length);
    this.flows = cube(FLOW_SLOTS.length);
    this.transfers = cube(1);
    this.pending = cube(1);
  }

  /** Builds up to `leaves` leaves' worth of deferred summary nodes per cube; answers whether all are built. */
  summariseSome(leaves: number): boolean {
    let done = true;
    for (const cube of this.cubes()) done = cube.summariseSome(leaves) && done;
    return done;
  }

  /**
   * Room for a build of `events` events with deltas, before loading it: rows per event as a
   * province's are (members ~1.03, flows ~0.83, organisations ~0.08, transfers ~0.10), with a
   * margin; a cube that needs more grows as before.
   */
  reserve(events: number): void {
    if (events > this.positions.length) {
      this.positions = grown(this.positions, events);
      this.recorded = grown(this.recorded, events);
    }
    this.members.reserve(Math.ceil(events * 1.25));
    this.flows.reserve(Math.ceil(events * 1.0));
    this.org.reserve(Math.ceil(events * 0.25));
    this.transfers.reserve(Math.ceil(events * 0.25));
  }

  /** Rows still waiting for summary nodes, over every cube. */
  get unsummarisedRows(): number {
    return this.cubes().reduce((n, cube) => n + cube.unsummarisedRows, 0);
  }

  private cubes(): TemporalCube[] {
    return [this.members, this.org, this.flows, this.transfers, this.pending];
  }

  get eventCount(): number {
    return this.events;
  }

  positionOf(event: number): number {
    return this.positions[event];
  }

  /** When the event was recorded (ms since the epoch). */
  recordedMsOf(event: number): number {
    return this.recorded[event];
  }

  registerPark(parkId: string, cityId: string): void {
    if (this.parkNumbers.has(parkId)) return;
    let city = this.cityNumbers.get(cityId);
    if (city === undefined) {
      city = this.cityIds.push(cityId) - 1;
      this.cityNumbers.set(cityId, city);
    }
    this.parkNumbers.set(parkId, this.parkIds.push(parkId) - 1);
    this.cityOfPark.push(city);
  }

  registerEnterprise(enterpriseId: string, parkId: string): void {
    if (this.enterpriseNumbers.has(enterpriseId)) return;
    this.enterpriseNumbers.set(enterpriseId, this.enterpriseIds.push(enterpriseId) - 1);
    this.parkOfEnterprise.push(this.park(parkId));
  }

  scope(kind: string, id?: string): ScopeRef | undefined {
    if (kind === 'province') return { kind };
    const n =
      kind === 'city'
        ? this.cityNumbers.get(id!)
        : kind === 'park'
          ? this.parkNumbers.get(id!)
          : kind === 'enterprise'
            ? this.enterpriseNumbers.get(id!)
            : undefined;
    if (n === undefined) return undefined;
    return kind === 'city' ? { kind, city: n } : kind === 'park' ? { kind, park: n } : { kind: 'enterprise', enterprise: n };
  }

  /** The park and city of a scope, for access checks. */
  placeOf(scope: ScopeRef): { parkId?: string; cityId?: string } {
    switch (scope.kind) {
      case 'province':
        return {};
      case 'city':
        return { cityId: this.cityIds[scope.city] };
      case 'park':
        return { parkId: this.parkIds[scope.park], cityId: this.cityIds[this.cityOfPark[scope.park]] };
      case 'enterprise': {
        const park = this.parkOfEnterprise[scope.enterprise];
        return { parkId: this.parkIds[park], cityId: this.cityIds[this.cityOfPark[park]] };
      }
    }
  }

  /** Adds what one recorded event changed (its deltas, in order). */
  add(position: number, recordedMs: number, deltas: readonly FigureDelta[]): void {
    if (deltas.length === 0) return;
    const event = this.nextEvent(position, recordedMs);
    for (const d of deltas) {
      const park = this.park(d.parkId);
      const ent = d.enterpriseId === null ? -1 : this.enterprise(d.enterpriseId, park);
      this.addDelta(event, recordedMs, d.measure, dayNumber(d.date), park, ent, d.detail, d.toParkId, d.toEnterpriseId, d.amount);
    }
  }

  /**
   * Adds a pack of events (a stored segment), as `add` would one by one. Each string of the pack
   * (a date, a park, an enterprise) is turned into its number once, not once per delta.
   */
  addPacked(pack: PackedEvents): void {
    const { strings } = pack;
    const days = new Float64Array(strings.length).fill(NaN);
    const parks = new Int32Array(strings.length).fill(-1);
    const enterprises = new Int32Array(strings.length).fill(-1);
    const day = (n: number) => (Number.isNaN(days[n]) ? (days[n] = dayNumber(strings[n])) : days[n]);
    const park = (n: number) => (parks[n] < 0 ? (parks[n] = this.park(strings[n])) : parks[n]);
    const enterprise = (n: number, p: number) =>
      enterprises[n] < 0 ? (enterprises[n] = this.enterprise(strings[n], p)) : enterprises[n];
    const text = (n: number) => (n < 0 ? null : strings[n]);
    for (let e = 0; e < pack.length; e++) {
      if (pack.deltaCountOf(e) === 0) continue;
      const recordedMs = pack.recordedMs(e);
      const event = this.nextEvent(pack.position(e), recordedMs);
      pack.forEachDeltaNumbered(e, (measure, date, parkN, enterpriseN, detail, toPark, toEnterprise, amount) => {
        const p = park(parkN);
        const ent = enterpriseN < 0 ? -1 : enterprise(enterpriseN, p);
        this.addDelta(event, recordedMs, measure, day(date), p, ent, text(detail), text(toPark), text(toEnterprise), amount);
      });
    }
  }

  private nextEvent(position: number, recordedMs: number): number {
    if (this.events === this.positions.length) {
      const p = new Float64Array(this.events * 2);
      p.set(this.positions);
      this.positions = p;
      const r = new Float64Array(this.events * 2);
      r.set(this.recorded);
      this.recorded = r;
    }
    const event = this.events++;
    this.positions[event] = position;
    this.recorded[event] = recordedMs;
    return event;
  }

  private addDelta(
    event: number,
    recordedMs: number,
    measure: Measure,
    day: number,
    park: number,
    ent: number,
    detail: string | null,
    toParkId: string | null,
    toEnterpriseId: string | null,
    amount: number,
  ): void {
    switch (measure) {
      case 'members':
        this.members.append(recordedMs, day, park, CATEGORIES.indexOf(detail as never), amount, event, ent);
        break;
      case 'employees':
      case 'enterprises':
      case 'enterprisesWithUnion':
      case 'parks':
      case 'parksWithUnion':
        this.org.append(recordedMs, day, park, ORG_SLOTS.indexOf(measure), amount, event, ent);
        break;
      case 'joined':
      case 'left':
      case 'categoryChanged':
        this.flows.append(recordedMs, day, park, FLOW_SLOTS.indexOf(`${measure}:${detail}`), amount, event, ent);
        break;
      case 'unionEstablished':
        this.flows.append(recordedMs, day, park, FLOW_SLOTS.indexOf('unionEstablished'), amount, event, ent);
        break;
      case 'pendingTransfer': {
        const to = this.park(toParkId!);
        this.pending.append(recordedMs, day, park * PAIR + to, 0, amount, event, ent, this.enterprise(toEnterpriseId!, to));
        break;
      }
      case 'transferred': {
        const to = this.park(toParkId!);
        this.transfers.append(recordedMs, day, park * PAIR + to, 0, amount, event, ent, this.enterprise(toEnterpriseId!, to));
        break;
      }
    }
  }

  /** How many events (with deltas) were recorded at or before `knownMs`. */
  eventsKnownAt(knownMs: number): number {
    return upperBound(this.recorded, 0, this.events, knownMs);
  }

  /** Stock figures (STOCK order) per group: group keys, and the sums. */
  stocks(scope: ScopeRef, asOf: string, knownMs: number, groupBy?: 'city' | 'park'): { keys: string[]; sums: Float64Array[] } {
    const day = dayNumber(asOf);
    const groups = this.groupsOf(scope, groupBy);
    const n = groups.keys.length;
    const members = new Float64Array(n * 3);
    const org = new Float64Array(n * ORG_SLOTS.length);
    if (scope.kind === 'enterprise') {
      this.sumEnterprise(this.members, scope.enterprise, this.members.cut(knownMs), day, members, () => 0);
      this.sumEnterprise(this.org, scope.enterprise, this.org.cut(knownMs), day, org, () => 0);
    } else {
      this.members.sumInto(members, this.members.cut(knownMs), day, groups.groupOf);
      this.org.sumInto(org, this.org.cut(knownMs), day, groups.groupOf);
    }
    // One buffer for every group's vector (views into it): a buffer per group was garbage per query.
    const all = new Float64Array(n * STOCK.length);
    const sums = groups.keys.map((_, g) => {
      const at = g * STOCK.length;
      for (let s = 0; s < 3; s++) all[at + s] = members[g * 3 + s];
      for (let s = 0; s < ORG_SLOTS.length; s++) all[at + 3 + s] = org[g * ORG_SLOTS.length + s];
      return all.subarray(at, at + STOCK.length);
    });
    return { keys: groups.keys, sums };
  }

  /**
   * Transfer requests pending at `knownMs` that cross the boundary of each group (or of the
   * scope): `[in, out]` per group, requests between two parks of a group counting for neither.
   */
  pendingTransfers(scope: ScopeRef, knownMs: number, groupBy?: 'city' | 'park'): { into: Float64Array; outOf: Float64Array } {
    const groups = this.groupsOf(scope, groupBy);
    const cut = this.pending.cut(knownMs);
    const ends = (cell: number) => [groups.groupOf(Math.floor(cell / PAIR)), groups.groupOf(cell % PAIR)];
    const into = new Float64Array(groups.keys.length);
    const outOf = new Float64Array(groups.keys.length);
    this.pending.sumInto(into, cut, ANY_DAY, (cell) => {
      const [from, to] = ends(cell);
      return from === to ? -1 : to;
    });
    this.pending.sumInto(outOf, cut, ANY_DAY, (cell) => {
      const [from, to] = ends(cell);
      return from === to ? -1 : from;
    });
    // Two arrays, indexed by group: a typed array per group was ~100 array buffers a query for the
    // young generation's collections to sweep.
    return { into, outOf };
  }

  statement(scope: ScopeRef, from: string, to: string, knownMs: number): StatementSums {
    const first = dayNumber(from) - 1;
    const last = dayNumber(to);
    const total = (day: number) => {
      const out = new Float64Array(3);
      if (scope.kind === 'enterprise')
        this.sumEnterprise(this.members, scope.enterprise, this.members.cut(knownMs), day, out, () => 0);
      else this.members.sumInto(out, this.members.cut(knownMs), day, this.groupsOf(scope).groupOf);
      return out[0] + out[1] + out[2];
    };
    const flowsUpTo = (day: number) => {
      const out = new Float64Array(FLOW_SLOTS.length);
      if (scope.kind === 'enterprise')
        this.sumEnterprise(this.flows, scope.enterprise, this.flows.cut(knownMs), day, out, () => 0);
      else this.flows.sumInto(out, this.flows.cut(knownMs), day, this.groupsOf(scope).groupOf);
      return out;
    };
    // Transfers by direction: 0 internal, 1 out, 2 in.
    const transfersUpTo = (day: number) => {
      const out = new Float64Array(3);
      const cut = this.transfers.cut(knownMs);
      if (scope.kind === 'enterprise') {
        for (const row of this.transfers.rowsOfEnterprise(scope.enterprise)) {
          if (row >= cut) break;
          if (this.transfers.day[row] > day) continue;
          out[this.transfers.ent[row] === scope.enterprise ? 1 : 2] += this.transfers.amount[row];
        }
        return out;
      }
      const inside = this.parkFilter(scope);
      this.transfers.sumInto(out, cut, day, (cell) => {
        const a = inside(Math.floor(cell / PAIR));
        const b = inside(cell % PAIR);
        return a && b ? 0 : a ? 1 : b ? 2 : -1;
      });
      return out;
    };
    const flows = flowsUpTo(last);
    const before = flowsUpTo(first);
    for (let i = 0; i < flows.length; i++) flows[i] -= before[i];
    const moves = transfersUpTo(last);
    const movesBefore = transfersUpTo(first);
    return {
      opening: total(first),
      closing: total(last),
      flows,
      internalTransfers: moves[0] - movesBefore[0],
      transferredOut: moves[1] - movesBefore[1],
      transferredIn: moves[2] - movesBefore[2],
    };
  }

  /**
   * What each event recorded in (since, until] changed in the scope's stock figures as of
   * `asOf`, in log order: a page of at most `limit` such events after log position
   * `afterPosition`, and whether more follow.
   */
  changes(
    scope: ScopeRef,
    asOf: string,
    sinceMs: number,
    untilMs: number,
    page: { readonly afterPosition?: number; readonly limit?: number } = {},
  ): { changes: ChangeSums[]; more: boolean } {
    const day = dayNumber(asOf);
    const limit = page.limit ?? Number.POSITIVE_INFINITY;
    const inside = scope.kind === 'enterprise' ? undefined : this.parkFilter(scope);
    const enterprise = scope.kind === 'enterprise' ? scope.enterprise : -1;
    // Events are numbered in log order: the page starts at the first event after the cursor's position.
    const firstEvent = page.afterPosition === undefined ? 0 : upperBound(this.positions, 0, this.events, page.afterPosition);
    // Both cubes' rows are in log order too: walk them side by side, event by event, and stop once
    // the page is full and one more event is known to move a figure. A page costs the rows it
    // walks, never an object per event of the whole window.
    const cursors = [
      { cube: this.members, offset: 0 },
      { cube: this.org, offset: 3 },
    ].map(({ cube, offset }) => {
      const end = cube.cut(untilMs);
      return { cube, offset, row: upperBound(cube.event, cube.cut(sinceMs), end, firstEvent - 1), end };
    });
    const changes: ChangeSums[] = [];
    let effects = new Float64Array(STOCK.length);
    for (;;) {
      let event = Number.POSITIVE_INFINITY;
      for (const c of cursors) if (c.row < c.end && c.cube.event[c.row] < event) event = c.cube.event[c.row];
      if (event === Number.POSITIVE_INFINITY) return { changes, more: false };
      let moved = false;
      for (const c of cursors) {
        const { cube } = c;
        for (; c.row < c.end && cube.event[c.row] === event; c.row++) {
          if (cube.day[c.row] > day) continue;
          if (inside ? !inside(cube.cell[c.row]) : cube.ent[c.row] !== enterprise) continue;
          effects[c.offset + cube.slot[c.row]] += cube.amount[c.row];
          moved = true;
        }
      }
      if (!moved) continue;
      if (changes.length === limit) return { changes, more: true };
      changes.push({ event, effects });
      effects = new Float64Array(STOCK.length);
    }
  }

  private sumEnterprise(
    cube: TemporalCube,
    enterprise: number,
    cut: number,
    day: number,
    out: Float64Array,
    group: () => number,
  ) {
    for (const row of cube.rowsOfEnterprise(enterprise)) {
      if (row >= cut) break;
      if (cube.day[row] > day || cube.ent[row] !== enterprise) continue;
      out[group() * cube.slots + cube.slot[row]] += cube.amount[row];
    }
  }

  private parkFilter(scope: ScopeRef): (park: number) => boolean {
    switch (scope.kind) {
      case 'province':
        return () => true;
      case 'city':
        return (park) => this.cityOfPark[park] === scope.city;
      case 'park':
        return (park) => park === scope.park;
      case 'enterprise':
        return () => false;
    }
  }

  /** Groupings asked before, while the places stay the same (a query's groups were built afresh each time). */
  private readonly groupings = new Map<string, { keys: string[]; groupOf: (park: number) => number }>();
  private groupingsFor = '';

  private groupsOf(scope: ScopeRef, groupBy?: 'city' | 'park'): { keys: string[]; groupOf: (park: number) => number } {
    const places = `${this.parkIds.length}:${this.cityIds.length}`;
    if (places !== this.groupingsFor || this.groupings.size > 1000) {
      this.groupings.clear();
      this.groupingsFor = places;
    }
    const key = `${scope.kind}:${'city' in scope ? scope.city : 'park' in scope ? scope.park : 'enterprise' in scope ? scope.enterprise : ''}:${groupBy ?? ''}`;
    let grouping = this.groupings.get(key);
    if (grouping === undefined) this.groupings.set(key, (grouping = this.groupsAfresh(scope, groupBy)));
    return grouping;
  }

  private groupsAfresh(scope: ScopeRef, groupBy?: 'city' | 'park'): { keys: string[]; groupOf: (park: number) => number } {
    const inside = this.parkFilter(scope);
    if (groupBy === 'park') {
      const parks = this.parkIds.map((id, n) => ({ id, n })).filter(({ n }) => inside(n));
      parks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const group = new Int32Array(this.parkIds.length).fill(-1);
      parks.forEach(({ n }, g) => (group[n] = g));
      return { keys: parks.map((p) => p.id), groupOf: (park) => group[park] };
    }
    if (groupBy === 'city') {
      const cities = this.cityIds.map((id, n) => ({ id, n })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const group = new Int32Array(this.cityIds.length);
      cities.forEach(({ n }, g) => (group[n] = g));
      return { keys: cities.map((c) => c.id), groupOf: (park) => group[this.cityOfPark[park]] };
    }
    return { keys: [''], groupOf: (park) => (inside(park) ? 0 : -1) };
  }

  private park(parkId: string): number {
    const n = this.parkNumbers.get(parkId);
    if (n !== undefined) return n;
    // A park seen before its registration reached the index (never in an accepted log): kept, cityless.
    this.registerPark(parkId, '');
    return this.parkNumbers.get(parkId)!;
  }

  private enterprise(enterpriseId: string, park: number): number {
    const n = this.enterpriseNumbers.get(enterpriseId);
    if (n !== undefined) return n;
    this.registerEnterprise(enterpriseId, this.parkIds[park]);
    return this.enterpriseNumbers.get(enterpriseId)!;
  }
}
