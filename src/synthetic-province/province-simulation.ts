import { CATEGORIES, type Category, LEAVE_REASONS } from '../membership/member.events.js';
import { DayNames, dayOf, isoOf } from './calendar.js';
import { type ImportCommand, IMPORT_COMMANDS, type ImportCommandName } from '../imports/import-commands.js';
import { IndexSet } from './index-set.js';
import {
  CITIES,
  COUNTIES_PER_CITY,
  type EnterprisePlan,
  historyWindow,
  type HistoryWindow,
  NEVER,
  OUTSIDE_REGION_COUNT,
  type ParkPlan,
  planEnterprises,
  planParks,
  REGIONS,
} from './organisation-plan.js';
import { People } from './people.js';
import { mix32, SeededRandom } from './seeded-random.js';

export interface ProvinceOptions {
  /** Member ids in the file: every one joins at least once. */
  readonly members: number;
  readonly seed: number;
  /** Years simulated day by day, ending on `endDate`. */
  readonly years: number;
  /** `YYYY-MM-DD`: nothing is dated after it. */
  readonly endDate: string;
}

/** The province's figures as of the end date, as `GET /figures?scope=province` must answer them once the file is imported. */
export interface ExpectedFigures {
  readonly asOf: string;
  readonly members: number;
  readonly byCategory: Record<Category, number>;
  readonly employees: number;
  readonly membershipRate: number | null;
  readonly enterprises: number;
  readonly enterprisesWithUnion: number;
  readonly unionEstablishmentRate: number | null;
  readonly parks: number;
  readonly parksWithUnion: number;
}

export interface ProvinceSummary {
  readonly options: ProvinceOptions;
  readonly lines: number;
  readonly counts: Record<ImportCommandName, number>;
  /** Member ids used, and people behind them (a person who comes back under a new member id is one person). */
  readonly memberIds: number;
  readonly persons: number;
  readonly firstDate: string;
  readonly lastDate: string;
  readonly expected: ExpectedFigures;
}

// Yearly rates: per active member (leave, transfer, category change), per member who left and
// may come back (rejoin on the same member id), per enterprise without a union (founding).
const LEAVE_RATE = 0.006;
const TRANSFER_RATE = 0.0035;
const CATEGORY_RATE = 0.001;
const REJOIN_RATE = 0.04;
const UNION_RATE = 0.06;
/** Share of the member ids already members when the window opens (joined in the 8 years before). */
const OPENING_SHARE = 0.55;
/** Share of new member ids that are a former member coming back under a new number. */
const RETURNING_PERSON_SHARE = 0.04;
/** Chance that an enterprise reports its headcount in a given year (every one does in the last year). */
const YEARLY_REPORT = 0.1;
/** Membership rate at a headcount report: uniform in [RATE_LOW, RATE_LOW + RATE_SPAN). */
const RATE_LOW = 0.8;
const RATE_SPAN = 0.12;

const REGULAR = 0;
const MIGRANT = 1;
const DISPATCHED = 2;
/** Leave reasons (contract order) weighted per category: regular, migrant, dispatched. */
const LEAVE_WEIGHTS = [
  [35, 12, 38, 5, 1, 9],
  [55, 12, 6, 2, 1, 24],
  [60, 14, 8, 2, 1, 15],
];
const RETIRED = 2;
/** Chance that a transfer crosses into another park, per category: migrant workers move the most. */
const CROSS_PARK = [0.15, 0.55, 0.35];
/** Who is picked for a leave, a transfer, a category change (relative to a migrant worker). */
const LEAVE_PICK = [0.75, 1, 1];
const TRANSFER_PICK = [0.2, 1, 0.5];
const CHANGE_PICK = [0.3, 1, 1];

const memberIdOf = (m: number) => `m${String(m + 1).padStart(7, '0')}`;
const enterpriseIdOf = (e: number) => `e${String(e + 1).padStart(6, '0')}`;

/**
 * A province simulated day by day, from the first park's registration to the end date, as
 * import commands in effective-date order: each line is valid under the ledger's rules when the
 * lines before it have been applied. Within a day: parks, park unions, closures (their members
 * moved out first), registrations, union foundings, joins, rejoins, leaves, transfers, category
 * changes, headcount reports. A member has at most one fact a day; an enterprise at most one
 * headcount report a day; so no two lines are the same.
 *
 * Memory is a few typed arrays per member id (about 50 bytes each) and per enterprise; the
 * commands of one day are queued, then handed out.
 */
export class ProvinceSimulation {
  private readonly random: SeededRandom;
  private readonly w: HistoryWindow;
  private readonly days: DayNames;
  private readonly parks: ParkPlan[];
  private readonly plan: EnterprisePlan;
  private readonly people: People;
  private readonly n: number;
  private readonly queue: ImportCommand[] = [];
  private readonly counts = Object.fromEntries(IMPORT_COMMANDS.map((c) => [c, 0])) as Record<ImportCommandName, number>;
  private lines = 0;
  private firstDate?: string;
  private started = false;

  // Enterprises.
  private readonly entOpen: Uint8Array;
  private readonly entUnion: Uint8Array;
  private readonly entCount: Int32Array;
  private readonly entHead: Int32Array;
  private readonly entEmployees: Int32Array;
  private readonly openSet: IndexSet;
  private readonly nonUnionSet: IndexSet;
  private readonly parkOpen: IndexSet[];
  private readonly reportsByDay: number[][];
  private readonly closing: Int32Array;
  private readonly openingUnions: Int32Array;

  // Member ids: active, or left (in `leftPool` while free to rejoin), or not used yet (>= nextMember).
  private readonly cat: Uint8Array;
  private readonly ent: Int32Array;
  private readonly person: Int32Array;
  private readonly lastDay: Int32Array;
  private readonly leftDay: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly active: IndexSet;
  private readonly leftPool: IndexSet;
  private nextMember = 0;

  constructor(readonly options: ProvinceOptions) {
    this.random = new SeededRandom(options.seed);
    this.n = options.members;
    this.w = historyWindow(dayOf(options.endDate), options.years);
    this.days = new DayNames(this.w.first, this.w.end);
    this.parks = planParks(this.random, this.w);
    const enterprises = Math.max(24, Math.round(this.n / 100));
    this.plan = planEnterprises(this.random, this.parks, enterprises, this.w);
    const oldest = this.w.openingFrom - 55 * 366;
    this.people = new People(this.n, REGIONS, oldest, this.w.end - 17 * 366, mix32(options.seed ^ 0x5bd1e995));

    const E = enterprises;
    this.entOpen = new Uint8Array(E);
    this.entUnion = new Uint8Array(E);
    this.entCount = new Int32Array(E);
    this.entHead = new Int32Array(E).fill(-1);
    this.entEmployees = new Int32Array(E);
    this.openSet = new IndexSet(E);
    this.nonUnionSet = new IndexSet(E);
    this.parkOpen = this.parks.map(() => new IndexSet(E));
    this.reportsByDay = Array.from({ length: 365 }, () => []);
    for (let e = 0; e < E; e++) this.reportsByDay[this.plan.reportDay[e]].push(e);
    const byDay = (days: Int32Array) =>
      Int32Array.from(
        Array.from({ length: E }, (_, e) => e)
          .filter((e) => days[e] !== NEVER)
          .sort((a, b) => days[a] - days[b] || a - b),
      );
    this.closing = byDay(this.plan.closesOn);
    this.openingUnions = byDay(this.plan.unionOn);

    const N = this.n;
    this.cat = new Uint8Array(N);
    this.ent = new Int32Array(N).fill(-1);
    this.person = new Int32Array(N);
    this.lastDay = new Int32Array(N).fill(-0x80000000);
    this.leftDay = new Int32Array(N);
    this.next = new Int32Array(N).fill(-1);
    this.prev = new Int32Array(N).fill(-1);
    this.active = new IndexSet(N);
    this.leftPool = new IndexSet(N);
  }

  /** Lines handed out so far, and a rough total for a progress bar. */
  progress(): { lines: number; estimatedLines: number } {
    // Measured: about 1.165 lines per member id, plus the parks' 188.
    const estimate = Math.round(1.165 * this.n + 190);
    return { lines: this.lines, estimatedLines: Math.max(estimate, this.lines) };
  }

  /** The commands in file order; the summary is the generator's return value. Runs once. */
  *commands(): Generator<ImportCommand, ProvinceSummary, undefined> {
    if (this.started) throw new Error('a synthetic province is generated once');
    this.started = true;
    const cursors = { park: 0, parkUnion: 0, enterprise: 0, closing: 0, openingUnion: 0 };
    const parksByRegistration = this.parks
      .map((_, p) => p)
      .sort((a, b) => this.parks[a].registeredOn - this.parks[b].registeredOn || a - b);
    const parksByUnion = this.parks.map((_, p) => p).sort((a, b) => this.parks[a].unionOn - this.parks[b].unionOn || a - b);
    for (let d = this.w.first; d <= this.w.end; d++) {
      const date = this.days.iso(d);
      while (cursors.park < this.parks.length && this.parks[parksByRegistration[cursors.park]].registeredOn <= d)
        this.registerPark(parksByRegistration[cursors.park++], date);
      while (cursors.parkUnion < this.parks.length && this.parks[parksByUnion[cursors.parkUnion]].unionOn <= d)
        this.emit({
          command: 'establishParkUnion',
          parkId: this.parks[parksByUnion[cursors.parkUnion++]].parkId,
          effectiveDate: date,
        });
      const closingToday: number[] = [];
      while (cursors.closing < this.closing.length && this.plan.closesOn[this.closing[cursors.closing]] <= d)
        closingToday.push(this.closing[cursors.closing++]);
      if (closingToday.length > 0) this.close(closingToday, d, date);
      while (cursors.enterprise < this.plan.count && this.plan.registeredOn[cursors.enterprise] <= d)
        this.registerEnterprise(cursors.enterprise++, d, date);
      while (cursors.openingUnion < this.openingUnions.length && this.plan.unionOn[this.openingUnions[cursors.openingUnion]] <= d)
        this.establishUnion(this.openingUnions[cursors.openingUnion++], date);
      if (d >= this.w.openingFrom && d < this.w.start) this.openingDay(d, date);
      else if (d >= this.w.start) this.windowDay(d, date);
      for (let i = 0; i < this.queue.length; i++) {
        this.lines++;
        yield this.queue[i];
      }
      this.queue.length = 0;
    }
    return this.summary();
  }

  private emit(command: ImportCommand): void {
    this.firstDate ??= command.effectiveDate;
    this.counts[command.command]++;
    this.queue.push(command);
  }

  private registerPark(p: number, date: string): void {
    const park = this.parks[p];
    this.emit({
      command: 'registerPark',
      parkId: park.parkId,
      name: park.name,
      cityId: CITIES[park.cityIndex].cityId,
      level: park.level,
      effectiveDate: date,
    });
  }

  private registerEnterprise(e: number, d: number, date: string): void {
    const p = this.plan.park[e];
    this.emit({
      command: 'registerEnterprise',
      enterpriseId: enterpriseIdOf(e),
      parkId: this.parks[p].parkId,
      name: this.plan.names[e],
      ownership: this.plan.publicOwned[e] ? 'public' : 'non-public',
      effectiveDate: date,
    });
    this.entOpen[e] = 1;
    this.openSet.add(e);
    this.parkOpen[p].add(e);
    this.nonUnionSet.add(e);
    // A new enterprise in the window reports its first headcount with its registration.
    if (d >= this.w.start) this.reportHeadcount(e, date, this.random.int(20, 300));
  }

  private establishUnion(e: number, date: string): void {
    this.entUnion[e] = 1;
    this.nonUnionSet.remove(e);
    this.emit({ command: 'establishEnterpriseUnion', enterpriseId: enterpriseIdOf(e), effectiveDate: date });
  }

  /** The headcount that puts the membership rate between 80 and 92 %, or a small staff without members. */
  private headcountOf(e: number): number {
    const members = this.entCount[e];
    if (members === 0) return this.random.int(3, 40);
    return Math.min(1_000_000, Math.round(members / (RATE_LOW + RATE_SPAN * this.random.next())) + this.random.int(0, 2));
  }

  private reportHeadcount(e: number, date: string, employees = this.headcountOf(e)): void {
    this.entEmployees[e] = employees;
    this.emit({ command: 'reportHeadcount', enterpriseId: enterpriseIdOf(e), employees, effectiveDate: date });
  }

  /** Closing day: nobody may be joining or moving in, every member moves to another enterprise or leaves, then the closure. */
  private close(enterprises: readonly number[], d: number, date: string): void {
    for (const e of enterprises) {
      this.entOpen[e] = 0;
      this.openSet.remove(e);
      this.parkOpen[this.plan.park[e]].remove(e);
      this.nonUnionSet.remove(e);
    }
    for (const e of enterprises) {
      const here: number[] = [];
      for (let m = this.entHead[e]; m >= 0; m = this.next[m]) here.push(m);
      for (const m of here) {
        const to = this.random.chance(0.7) ? this.otherEnterprise(m) : -1;
        if (to >= 0) this.transfer(m, to, d, date);
        else this.leave(m, 'left-employment', d, date);
      }
      this.emit({ command: 'closeEnterprise', enterpriseId: enterpriseIdOf(e), effectiveDate: date });
    }
  }

  /** Before the window: the opening stock joins, more of it in the later years (the survivors). */
  private openingDay(d: number, date: string): void {
    const span = this.w.start - this.w.openingFrom;
    const t = (d - this.w.openingFrom) / Math.max(1, span - 1);
    const expected = (Math.round(this.n * OPENING_SHARE) * (0.25 + 1.5 * t)) / span;
    const joins = this.random.countOf(expected);
    for (let k = 0; k < joins && this.nextMember < this.n && this.openSet.size > 0; k++) {
      const e = this.joinTarget();
      const m = this.nextMember++;
      this.person[m] = this.newPerson(e, d);
      this.join(m, e, d, date, this.newCategory(true));
    }
    // The eve of the window: every enterprise reports its headcount.
    if (d === this.w.start - 1) for (let k = 0; k < this.openSet.size; k++) this.reportHeadcount(this.openSet.at(k), date);
  }

  private windowDay(d: number, date: string): void {
    const random = this.random;
    const month = Number(date.slice(5, 7));
    // After the Spring Festival the migrant workers come back: joins peak in February and March.
    const season = month === 2 || month === 3 ? 1.6 : month === 1 || month === 12 ? 0.6 : 0.95;

    const unions = random.countOf((this.nonUnionSet.size * UNION_RATE) / 365);
    for (let k = 0; k < unions && this.nonUnionSet.size > 0; k++) this.establishUnion(this.nonUnionSet.pick(random), date);

    const remaining = this.n - this.nextMember;
    const joins = d === this.w.end ? remaining : random.countOf((remaining / (this.w.end - d + 1)) * season);
    for (let k = 0; k < joins && this.nextMember < this.n && this.openSet.size > 0; k++) {
      const e = this.joinTarget();
      const m = this.nextMember++;
      const returning = this.leftPool.size > 0 && random.chance(RETURNING_PERSON_SHARE) ? this.pickLeft(d) : -1;
      if (returning >= 0) {
        // A former member joins again under a new member id: the old one stays closed.
        this.leftPool.remove(returning);
        this.person[m] = this.person[returning];
      } else this.person[m] = this.newPerson(e, d);
      this.join(m, e, d, date, this.newCategory(false));
    }

    const rejoins = random.countOf((this.leftPool.size * REJOIN_RATE) / 365);
    for (let k = 0; k < rejoins && this.openSet.size > 0; k++) {
      const m = this.pickLeft(d);
      if (m < 0) break;
      this.leftPool.remove(m);
      this.join(m, this.joinTarget(), d, date, random.chance(0.7) ? this.cat[m] : this.newCategory(false));
    }

    const leaves = random.countOf((this.active.size * LEAVE_RATE) / 365);
    for (let k = 0; k < leaves; k++) {
      const m = this.pickActive(d, LEAVE_PICK);
      if (m >= 0) this.leave(m, this.leaveReason(m, d), d, date);
    }

    const transfers = random.countOf((this.active.size * TRANSFER_RATE) / 365);
    for (let k = 0; k < transfers; k++) {
      const m = this.pickActive(d, TRANSFER_PICK);
      const to = m >= 0 ? this.otherEnterprise(m) : -1;
      if (to >= 0) this.transfer(m, to, d, date);
    }

    const changes = random.countOf((this.active.size * CATEGORY_RATE) / 365);
    for (let k = 0; k < changes; k++) {
      const m = this.pickActive(d, CHANGE_PICK);
      if (m < 0) continue;
      const to = this.otherCategory(this.cat[m]);
      this.cat[m] = to;
      this.lastDay[m] = d;
      this.emit({ command: 'changeCategory', memberId: memberIdOf(m), category: CATEGORIES[to], effectiveDate: date });
    }

    const lastYear = d > this.w.end - 365;
    for (const e of this.reportsByDay[(d - this.w.start) % 365])
      if (this.entOpen[e] && this.plan.registeredOn[e] < d && (lastYear || random.chance(YEARLY_REPORT)))
        this.reportHeadcount(e, date);
  }

  private join(m: number, e: number, d: number, date: string, category: number): void {
    const q = this.person[m];
    this.cat[m] = category;
    this.active.add(m);
    this.place(m, e);
    this.lastDay[m] = d;
    this.emit({
      command: 'join',
      memberId: memberIdOf(m),
      personId: this.people.residentId(q),
      name: this.people.name(q),
      category: CATEGORIES[category],
      enterpriseId: enterpriseIdOf(e),
      effectiveDate: date,
    });
  }

  private transfer(m: number, to: number, d: number, date: string): void {
    this.unplace(m);
    this.place(m, to);
    this.lastDay[m] = d;
    this.emit({ command: 'transfer', memberId: memberIdOf(m), toEnterpriseId: enterpriseIdOf(to), effectiveDate: date });
  }

  private leave(m: number, reason: (typeof LEAVE_REASONS)[number], d: number, date: string): void {
    this.unplace(m);
    this.active.remove(m);
    this.leftDay[m] = d;
    this.lastDay[m] = d;
    this.leftPool.add(m);
    this.emit({ command: 'leave', memberId: memberIdOf(m), reason, effectiveDate: date });
  }

  private place(m: number, e: number): void {
    this.ent[m] = e;
    this.prev[m] = -1;
    this.next[m] = this.entHead[e];
    if (this.entHead[e] >= 0) this.prev[this.entHead[e]] = m;
    this.entHead[e] = m;
    this.entCount[e]++;
  }

  private unplace(m: number): void {
    const e = this.ent[m];
    if (this.prev[m] >= 0) this.next[this.prev[m]] = this.next[m];
    else this.entHead[e] = this.next[m];
    if (this.next[m] >= 0) this.prev[this.next[m]] = this.prev[m];
    this.next[m] = this.prev[m] = -1;
    this.ent[m] = -1;
    this.entCount[e]--;
  }

  /** Mostly where members already are (so enterprise sizes spread), else any open enterprise. */
  private joinTarget(): number {
    return this.active.size > 0 && this.random.chance(0.6)
      ? this.ent[this.active.pick(this.random)]
      : this.openSet.pick(this.random);
  }

  /** Another open enterprise: in the same park, or (migrant workers most often) in another park; -1 if none. */
  private otherEnterprise(m: number): number {
    const here = this.ent[m];
    const park = this.plan.park[here];
    const local = this.parkOpen[park];
    const crossPark = this.random.chance(CROSS_PARK[this.cat[m]]);
    if (!crossPark && local.size > (local.has(here) ? 1 : 0))
      for (let tries = 0; tries < 32; tries++) {
        const e = local.pick(this.random);
        if (e !== here) return e;
      }
    for (let tries = 0; tries < 32; tries++) {
      const e = this.openSet.pick(this.random);
      if (this.plan.park[e] !== park) return e;
    }
    return -1;
  }

  /** An active member without a fact today, drawn with the category's weight; -1 if none found. */
  private pickActive(d: number, weights: readonly number[]): number {
    if (this.active.size === 0) return -1;
    for (let tries = 0; tries < 64; tries++) {
      const m = this.active.pick(this.random);
      if (this.lastDay[m] < d && this.random.next() < weights[this.cat[m]]) return m;
    }
    return -1;
  }

  /** A member id whose member left before today; -1 if none found. */
  private pickLeft(d: number): number {
    if (this.leftPool.size === 0) return -1;
    for (let tries = 0; tries < 20; tries++) {
      const m = this.leftPool.pick(this.random);
      if (this.leftDay[m] < d) return m;
    }
    return -1;
  }

  private leaveReason(m: number, d: number): (typeof LEAVE_REASONS)[number] {
    const q = this.person[m];
    const weights = [...LEAVE_WEIGHTS[this.cat[m]]];
    if (d - this.people.birthDay(q) < this.people.retirementAge(q) * 365.25) weights[RETIRED] = 0;
    return LEAVE_REASONS[this.random.weighted(weights)];
  }

  private newCategory(opening: boolean): number {
    const r = this.random.next();
    if (opening) return r < 0.38 ? REGULAR : r < 0.91 ? MIGRANT : DISPATCHED;
    return r < 0.15 ? REGULAR : r < 0.9 ? MIGRANT : DISPATCHED;
  }

  private otherCategory(c: number): number {
    if (c === REGULAR) return this.random.chance(0.6) ? DISPATCHED : MIGRANT;
    if (c === MIGRANT) return this.random.chance(0.85) ? REGULAR : DISPATCHED;
    return this.random.chance(0.8) ? REGULAR : MIGRANT;
  }

  /** A new person joining at enterprise `e` on day `d`: from the city's counties, the province's, or outside; 18 to 53 years old. */
  private newPerson(e: number, d: number): number {
    const random = this.random;
    const city = this.parks[this.plan.park[e]].cityIndex;
    const r = random.next();
    const region =
      r < 0.55
        ? city * COUNTIES_PER_CITY + random.int(0, COUNTIES_PER_CITY - 1)
        : r < 0.9
          ? random.int(0, CITIES.length * COUNTIES_PER_CITY - 1)
          : CITIES.length * COUNTIES_PER_CITY + random.int(0, OUTSIDE_REGION_COUNT - 1);
    const age = 18 + Math.floor(((random.next() + random.next()) / 2) * 36);
    const birthDay = d - Math.floor(age * 365.25) - random.int(0, 364);
    return this.people.add(region, birthDay, random.chance(0.58));
  }

  private summary(): ProvinceSummary {
    const byCategory: Record<Category, number> = { regular: 0, migrant: 0, dispatched: 0 };
    for (let k = 0; k < this.active.size; k++) byCategory[CATEGORIES[this.cat[this.active.at(k)]]]++;
    let employees = 0;
    let withUnion = 0;
    for (let k = 0; k < this.openSet.size; k++) {
      const e = this.openSet.at(k);
      employees += this.entEmployees[e];
      withUnion += this.entUnion[e];
    }
    const members = this.active.size;
    const enterprises = this.openSet.size;
    return {
      options: this.options,
      lines: this.lines,
      counts: { ...this.counts },
      memberIds: this.nextMember,
      persons: this.people.count,
      firstDate: this.firstDate ?? isoOf(this.w.end),
      lastDate: isoOf(this.w.end),
      expected: {
        asOf: isoOf(this.w.end),
        members,
        byCategory,
        employees,
        membershipRate: employees === 0 ? null : members / employees,
        enterprises,
        enterprisesWithUnion: withUnion,
        unionEstablishmentRate: enterprises === 0 ? null : withUnion / enterprises,
        parks: this.parks.length,
        parksWithUnion: this.parks.filter((p) => p.unionOn <= this.w.end).length,
      },
    };
  }
}
