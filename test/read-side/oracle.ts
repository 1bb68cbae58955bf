/*
 * A brute-force oracle for the ledger's temporal read side, written from the contract alone
 * (docs/ledger-contract.md sections 3, 4, 6): it knows nothing of the service's projections.
 *
 * Input: every accepted fact, in log order, with the eventId and recordedAt the ledger answered.
 * Knowledge is a prefix of that log: the facts recorded at or before `knownAt` (recordedAt never
 * decreases along the log, so they are a prefix), and only voids inside the prefix apply.
 * Every figure is recomputed from scratch by folding; nothing is incremental, nothing is clever.
 */

export type Category = 'regular' | 'migrant' | 'dispatched';
export const CATEGORIES: readonly Category[] = ['regular', 'migrant', 'dispatched'];
export type LeaveReason = 'left-employment' | 'resigned' | 'retired' | 'deceased' | 'expelled' | 'moved-out-of-province';
export const LEAVE_REASONS: readonly LeaveReason[] = [
  'left-employment',
  'resigned',
  'retired',
  'deceased',
  'expelled',
  'moved-out-of-province',
];

/** The facts of contract section 4, reduced to what the figures depend on. */
export type Fact =
  | { type: 'ParkRegistered'; parkId: string; cityId: string; effectiveDate: string }
  | { type: 'ParkUnionEstablished'; parkId: string; effectiveDate: string }
  | { type: 'EnterpriseRegistered'; enterpriseId: string; parkId: string; effectiveDate: string }
  | { type: 'EnterpriseUnionEstablished'; enterpriseId: string; effectiveDate: string }
  | { type: 'EnterpriseHeadcountReported'; enterpriseId: string; employees: number; effectiveDate: string }
  | { type: 'EnterpriseClosed'; enterpriseId: string; effectiveDate: string }
  | { type: 'MemberJoined'; memberId: string; category: Category; enterpriseId: string; effectiveDate: string }
  | { type: 'MemberTransferred'; memberId: string; toEnterpriseId: string; effectiveDate: string }
  | { type: 'MemberCategoryChanged'; memberId: string; to: Category; effectiveDate: string }
  | { type: 'MemberLeft'; memberId: string; reason: LeaveReason; effectiveDate: string }
  | { type: 'EntryVoided'; voidedEventId: string }
  /** Contract section 8: a transfer request opened, and its end (rejected or cancelled) before acceptance. */
  | { type: 'TransferRequested'; transferId: string; memberId: string; toEnterpriseId: string; effectiveDate: string }
  | { type: 'TransferEnded'; transferId: string };

export type Recorded = Fact & { readonly eventId: string; readonly recordedAt: string };

export type Scope =
  { kind: 'province' } | { kind: 'city'; id: string } | { kind: 'park'; id: string } | { kind: 'enterprise'; id: string };

export const scopeParam = (s: Scope): string => (s.kind === 'province' ? 'province' : `${s.kind}:${s.id}`);

export type ByCategory = Record<Category, number>;

export interface Totals {
  members: number;
  byCategory: ByCategory;
  employees: number;
  membershipRate: number | null;
  enterprises: number;
  enterprisesWithUnion: number;
  unionEstablishmentRate: number | null;
  parks?: number;
  parksWithUnion?: number;
  pendingTransfersIn?: number;
  pendingTransfersOut?: number;
}

export type GroupBy = 'city' | 'park' | 'category';
export interface Group {
  key: string;
  totals: Totals | { members: number };
}

export interface Statement {
  opening: number;
  joined: { total: number; byCategory: ByCategory };
  left: { total: number; byReason: Record<LeaveReason, number> };
  transferredIn: number;
  transferredOut: number;
  internalTransfers: number;
  categoryChanges: { from: Category; to: Category; count: number }[];
  unionsEstablished: number;
  closing: number;
}

/** What one event did to the figures of a scope as of a date: its effect on `members`, and whether any figure moved. */
export interface EventChange {
  readonly index: number;
  readonly eventId: string;
  readonly type: Fact['type'];
  readonly recordedAt: string;
  readonly effectiveDate?: string;
  readonly effect: number;
  readonly changesAnyFigure: boolean;
}

export type Every = 'day' | 'month' | 'quarter' | 'year';

// ---------------------------------------------------------------------------------------------
// Calendar days as YYYY-MM-DD strings (they compare correctly as strings).

const toDate = (d: string) => new Date(`${d}T00:00:00.000Z`);
const fromDate = (d: Date) => d.toISOString().slice(0, 10);
export function addDays(day: string, n: number): string {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return fromDate(d);
}
/** The last day of the month that is `monthsAhead` months after the month of `day`. */
function endOfMonth(day: string, monthsAhead = 0): string {
  const d = toDate(day);
  return fromDate(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1 + monthsAhead, 0)));
}
function endOfPeriod(day: string, every: Every): string {
  const month = toDate(day).getUTCMonth(); // 0..11
  switch (every) {
    case 'day':
      return day;
    case 'month':
      return endOfMonth(day);
    case 'quarter':
      return endOfMonth(day, 2 - (month % 3));
    case 'year':
      return endOfMonth(day, 11 - month);
  }
}

/** The dates of a series: the end of each period from `from` to `to`, the last one clipped to `to`. */
export function seriesDates(from: string, to: string, every: Every): string[] {
  const dates: string[] = [];
  for (let day = from; day <= to;) {
    const end = endOfPeriod(day, every);
    dates.push(end < to ? end : to);
    day = addDays(end, 1);
  }
  return dates;
}

// ---------------------------------------------------------------------------------------------
// What was known after the first `known` events of the log.

interface MemberState {
  readonly active: boolean;
  readonly enterpriseId?: string;
  readonly category?: Category;
}
const NOT_A_MEMBER: MemberState = { active: false };

type MemberFact = Extract<Fact, { memberId: string }> & { eventId: string; index: number };

/** One fact of a member's timeline that changed the member's standing, with the standing on either side. */
interface Step {
  readonly fact: MemberFact;
  readonly before: MemberState;
  readonly after: MemberState;
}

interface Knowledge {
  readonly parks: Map<string, { cityId: string; registeredOn: string; unions: string[] }>;
  readonly enterprises: Map<
    string,
    {
      parkId: string;
      registeredOn: string;
      closedOn?: string;
      unions: string[];
      headcounts: { date: string; index: number; employees: number }[];
    }
  >;
  /** Each member's timeline folded in effective order (ties: log order). */
  readonly members: Map<string, Step[]>;
  /** Facts that could not stand where they fell on their timeline: the service should have refused them. */
  readonly anomalies: string[];
  /** Transfer requests known: the parks at both ends (the member's park on the date, as known when requested), and whether still pending. */
  readonly requests: Map<string, { fromParkId: string; toParkId: string; pending: boolean }>;
}

function fold(facts: readonly MemberFact[], anomalies: string[]): Step[] {
  const ordered = [...facts].sort((a, b) =>
    a.effectiveDate < b.effectiveDate ? -1 : a.effectiveDate > b.effectiveDate ? 1 : a.index - b.index,
  );
  const steps: Step[] = [];
  let state = NOT_A_MEMBER;
  for (const fact of ordered) {
    let next: MemberState | undefined;
    switch (fact.type) {
      case 'MemberJoined':
        if (!state.active) next = { active: true, enterpriseId: fact.enterpriseId, category: fact.category };
        break;
      case 'MemberTransferred':
        if (state.active && state.enterpriseId !== fact.toEnterpriseId) next = { ...state, enterpriseId: fact.toEnterpriseId };
        break;
      case 'MemberCategoryChanged':
        if (state.active && state.category !== fact.to) next = { ...state, category: fact.to };
        break;
      case 'MemberLeft':
        if (state.active) next = NOT_A_MEMBER;
        break;
    }
    if (!next) {
      anomalies.push(`${fact.type} ${fact.eventId} of ${fact.memberId} on ${fact.effectiveDate} cannot stand on its timeline`);
      continue;
    }
    steps.push({ fact, before: state, after: next });
    state = next;
  }
  return steps;
}

function know(log: readonly Recorded[], known: number): Knowledge {
  const prefix = log.slice(0, known);
  const voided = new Set(prefix.flatMap((e) => (e.type === 'EntryVoided' ? [e.voidedEventId] : [])));
  const parks: Knowledge['parks'] = new Map();
  const enterprises: Knowledge['enterprises'] = new Map();
  const memberFacts = new Map<string, MemberFact[]>();
  const anomalies: string[] = [];
  const requests: Knowledge['requests'] = new Map();
  // A request's origin is fixed when it is recorded: the member's facts and voids known then.
  const everyMemberFact = new Map<string, MemberFact[]>();
  const voidedSoFar = new Set<string>();
  prefix.forEach((e, index) => {
    if (e.type === 'EntryVoided') voidedSoFar.add(e.voidedEventId);
    if (
      e.type === 'MemberJoined' ||
      e.type === 'MemberTransferred' ||
      e.type === 'MemberCategoryChanged' ||
      e.type === 'MemberLeft'
    )
      everyMemberFact.set(e.memberId, [...(everyMemberFact.get(e.memberId) ?? []), { ...e, index }]);
    if (voided.has(e.eventId)) return;
    switch (e.type) {
      case 'ParkRegistered':
        parks.set(e.parkId, { cityId: e.cityId, registeredOn: e.effectiveDate, unions: [] });
        break;
      case 'ParkUnionEstablished':
        parks.get(e.parkId)?.unions.push(e.effectiveDate);
        break;
      case 'EnterpriseRegistered':
        enterprises.set(e.enterpriseId, { parkId: e.parkId, registeredOn: e.effectiveDate, unions: [], headcounts: [] });
        break;
      case 'EnterpriseUnionEstablished':
        enterprises.get(e.enterpriseId)?.unions.push(e.effectiveDate);
        break;
      case 'EnterpriseHeadcountReported':
        enterprises.get(e.enterpriseId)?.headcounts.push({ date: e.effectiveDate, index, employees: e.employees });
        break;
      case 'EnterpriseClosed': {
        const ent = enterprises.get(e.enterpriseId);
        if (ent) ent.closedOn = e.effectiveDate;
        break;
      }
      case 'MemberJoined':
      case 'MemberTransferred':
      case 'MemberCategoryChanged':
      case 'MemberLeft': {
        const list = memberFacts.get(e.memberId) ?? [];
        list.push({ ...e, index });
        memberFacts.set(e.memberId, list);
        break;
      }
      case 'EntryVoided':
        break;
      case 'TransferRequested': {
        const known = (everyMemberFact.get(e.memberId) ?? []).filter((f) => !voidedSoFar.has(f.eventId));
        const at = standing(fold(known, []), e.effectiveDate);
        const fromParkId = at.active ? enterprises.get(at.enterpriseId!)?.parkId : undefined;
        const toParkId = enterprises.get(e.toEnterpriseId)?.parkId;
        if (fromParkId === undefined || toParkId === undefined)
          anomalies.push(
            `request ${e.transferId} of ${e.memberId} on ${e.effectiveDate}: the member is not active or the target unknown`,
          );
        else requests.set(e.transferId, { fromParkId, toParkId, pending: true });
        break;
      }
      case 'TransferEnded': {
        const request = requests.get(e.transferId);
        if (request) request.pending = false;
        break;
      }
    }
  });
  const members = new Map([...memberFacts].map(([id, facts]) => [id, fold(facts, anomalies)] as const));
  return { parks, enterprises, members, anomalies, requests };
}

/** A member's standing at the end of `asOf`. */
function standing(steps: readonly Step[], asOf: string): MemberState {
  let state = NOT_A_MEMBER;
  for (const step of steps) if (step.fact.effectiveDate <= asOf) state = step.after;
  return state;
}

const zeroByCategory = (): ByCategory => ({ regular: 0, migrant: 0, dispatched: 0 });
const rate = (n: number, d: number): number | null => (d === 0 ? null : n / d);

// ---------------------------------------------------------------------------------------------

export class Oracle {
  private readonly cache = new Map<number, Knowledge>();

  /** `log`: the accepted facts in log order (the order of `position` in the command answers). */
  constructor(readonly log: readonly Recorded[]) {}

  /** How many events of the log are known at `knownAt` (all of them when it is omitted). */
  knownCount(knownAt?: string): number {
    if (knownAt === undefined) return this.log.length;
    const t = Date.parse(knownAt);
    let n = 0;
    while (n < this.log.length && Date.parse(this.log[n].recordedAt) <= t) n++;
    return n;
  }

  /** Anomalies of the member timelines at every prefix of the log (should be none). */
  anomalies(): string[] {
    const found = new Set<string>();
    for (let n = 0; n <= this.log.length; n++) for (const a of this.at(n).anomalies) found.add(`after ${n} events: ${a}`);
    return [...found];
  }

  private at(known: number): Knowledge {
    let k = this.cache.get(known);
    if (!k) {
      k = know(this.log, known);
      this.cache.set(known, k);
    }
    return k;
  }

  private inScope(k: Knowledge, scope: Scope): (enterpriseId: string) => boolean {
    return (enterpriseId) => {
      if (scope.kind === 'province') return true;
      if (scope.kind === 'enterprise') return enterpriseId === scope.id;
      const parkId = k.enterprises.get(enterpriseId)?.parkId;
      if (scope.kind === 'park') return parkId === scope.id;
      return parkId !== undefined && k.parks.get(parkId)?.cityId === scope.id;
    };
  }

  /** GET /figures totals for the scope at (asOf, first `known` events). */
  totals(scope: Scope, asOf: string, known: number = this.log.length): Totals {
    const k = this.at(known);
    const inScope = this.inScope(k, scope);
    const byCategory = zeroByCategory();
    let members = 0;
    for (const steps of k.members.values()) {
      const s = standing(steps, asOf);
      if (s.active && inScope(s.enterpriseId!)) {
        members++;
        byCategory[s.category!]++;
      }
    }
    let employees = 0;
    let enterprises = 0;
    let enterprisesWithUnion = 0;
    for (const [id, e] of k.enterprises) {
      if (!inScope(id) || e.registeredOn > asOf || (e.closedOn !== undefined && e.closedOn <= asOf)) continue;
      enterprises++;
      if (e.unions.some((d) => d <= asOf)) enterprisesWithUnion++;
      const latest = e.headcounts
        .filter((h) => h.date <= asOf)
        .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.index - b.index))
        .at(-1);
      employees += latest?.employees ?? 0;
    }
    const totals: Totals = {
      members,
      byCategory,
      employees,
      membershipRate: rate(members, employees),
      enterprises,
      enterprisesWithUnion,
      unionEstablishmentRate: rate(enterprisesWithUnion, enterprises),
    };
    if (scope.kind === 'province' || scope.kind === 'city') {
      const parks = [...k.parks.values()].filter(
        (p) => p.registeredOn <= asOf && (scope.kind === 'province' || p.cityId === scope.id),
      );
      totals.parks = parks.length;
      totals.parksWithUnion = parks.filter((p) => p.unions.some((d) => d <= asOf)).length;
    }
    if (scope.kind === 'park' || scope.kind === 'city') {
      // Requests pending as known, crossing the scope's boundary (whatever asOf).
      const inside = (parkId: string) => (scope.kind === 'park' ? parkId === scope.id : k.parks.get(parkId)?.cityId === scope.id);
      const pending = [...k.requests.values()].filter((r) => r.pending && inside(r.fromParkId) !== inside(r.toParkId));
      totals.pendingTransfersIn = pending.filter((r) => inside(r.toParkId)).length;
      totals.pendingTransfersOut = pending.filter((r) => inside(r.fromParkId)).length;
    }
    return totals;
  }

  /** GET /figures groups. */
  groups(scope: Scope, asOf: string, groupBy: GroupBy, known: number = this.log.length): Group[] {
    const k = this.at(known);
    if (groupBy === 'category') {
      const t = this.totals(scope, asOf, known);
      return CATEGORIES.map((c) => ({ key: c, totals: { members: t.byCategory[c] } }));
    }
    const parks = [...k.parks].filter(
      ([, p]) => p.registeredOn <= asOf && (scope.kind === 'province' || (scope.kind === 'city' && p.cityId === scope.id)),
    );
    const keys = groupBy === 'city' ? [...new Set(parks.map(([, p]) => p.cityId))] : parks.map(([parkId]) => parkId);
    return keys
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((key) => ({ key, totals: this.totals({ kind: groupBy, id: key }, asOf, known) }));
  }

  /** GET /statement for the scope over [from, to]. */
  statement(scope: Scope, from: string, to: string, known: number = this.log.length): Statement {
    const k = this.at(known);
    const inScope = this.inScope(k, scope);
    const joined = { total: 0, byCategory: zeroByCategory() };
    const byReason = Object.fromEntries(LEAVE_REASONS.map((r) => [r, 0])) as Record<LeaveReason, number>;
    let transferredIn = 0;
    let transferredOut = 0;
    let internalTransfers = 0;
    const changes = new Map<string, number>();
    for (const steps of k.members.values()) {
      for (const { fact, before, after } of steps) {
        if (fact.effectiveDate < from || fact.effectiveDate > to) continue;
        switch (fact.type) {
          case 'MemberJoined':
            if (inScope(after.enterpriseId!)) {
              joined.total++;
              joined.byCategory[after.category!]++;
            }
            break;
          case 'MemberLeft':
            if (inScope(before.enterpriseId!)) byReason[fact.reason]++;
            break;
          case 'MemberTransferred': {
            const out = inScope(before.enterpriseId!);
            const into = inScope(after.enterpriseId!);
            if (out && into) internalTransfers++;
            else if (out) transferredOut++;
            else if (into) transferredIn++;
            break;
          }
          case 'MemberCategoryChanged':
            if (inScope(before.enterpriseId!)) {
              const key = `${before.category}>${after.category}`;
              changes.set(key, (changes.get(key) ?? 0) + 1);
            }
            break;
        }
      }
    }
    const categoryChanges = CATEGORIES.flatMap((f) =>
      CATEGORIES.flatMap((t) => {
        const count = changes.get(`${f}>${t}`) ?? 0;
        return count > 0 ? [{ from: f, to: t, count }] : [];
      }),
    );
    let unionsEstablished = 0;
    const prefix = this.log.slice(0, known);
    const voided = new Set(prefix.flatMap((e) => (e.type === 'EntryVoided' ? [e.voidedEventId] : [])));
    for (const e of prefix)
      if (
        e.type === 'EnterpriseUnionEstablished' &&
        !voided.has(e.eventId) &&
        e.effectiveDate >= from &&
        e.effectiveDate <= to &&
        inScope(e.enterpriseId)
      )
        unionsEstablished++;
    return {
      opening: this.totals(scope, addDays(from, -1), known).members,
      joined,
      left: { total: Object.values(byReason).reduce((a, b) => a + b, 0), byReason },
      transferredIn,
      transferredOut,
      internalTransfers,
      categoryChanges,
      unionsEstablished,
      closing: this.totals(scope, to, known).members,
    };
  }

  /**
   * For each event at log positions [since, until) (0-based, so the events known after `since`
   * and up to `until`): its effect on `members` of the scope as of `asOf` (known just after it
   * minus known just before it), and whether it moved any figure at all.
   */
  changes(scope: Scope, asOf: string, since: number, until: number): EventChange[] {
    const out: EventChange[] = [];
    for (let i = since; i < until; i++) {
      const before = this.totals(scope, asOf, i);
      const after = this.totals(scope, asOf, i + 1);
      const e = this.log[i];
      out.push({
        index: i,
        eventId: e.eventId,
        type: e.type,
        recordedAt: e.recordedAt,
        effectiveDate: 'effectiveDate' in e ? e.effectiveDate : undefined,
        effect: after.members - before.members,
        changesAnyFigure: figuresDiffer(before, after),
      });
    }
    return out;
  }
}

/** True when any counted figure differs (the rates follow from them). */
export function figuresDiffer(a: Totals, b: Totals): boolean {
  return (
    a.members !== b.members ||
    CATEGORIES.some((c) => a.byCategory[c] !== b.byCategory[c]) ||
    a.employees !== b.employees ||
    a.enterprises !== b.enterprises ||
    a.enterprisesWithUnion !== b.enterprisesWithUnion ||
    a.parks !== b.parks ||
    a.parksWithUnion !== b.parksWithUnion
  );
}
