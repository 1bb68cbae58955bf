import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createHash } from 'node:crypto';
import { decideCloseEnterprise } from '../../src/enterprises/close-enterprise/close-enterprise.decide.js';
import { CloseEnterpriseBody } from '../../src/enterprises/close-enterprise/close-enterprise.http.js';
import { decideEstablishEnterpriseUnion } from '../../src/enterprises/establish-enterprise-union/establish-enterprise-union.decide.js';
import { EstablishEnterpriseUnionBody } from '../../src/enterprises/establish-enterprise-union/establish-enterprise-union.http.js';
import { type EnterpriseEvent } from '../../src/enterprises/enterprise.events.js';
import {
  activeEnterpriseUnion,
  type EnterpriseState,
  evolveEnterprise,
  initialEnterpriseState,
  isOpenOn,
} from '../../src/enterprises/enterprise.state.js';
import { decideRegisterEnterprise } from '../../src/enterprises/register-enterprise/register-enterprise.decide.js';
import { RegisterEnterpriseBody } from '../../src/enterprises/register-enterprise/register-enterprise.http.js';
import { decideReportHeadcount } from '../../src/enterprises/report-headcount/report-headcount.decide.js';
import { ReportHeadcountBody } from '../../src/enterprises/report-headcount/report-headcount.http.js';
import { LEDGER_ID_PATTERN } from '../../src/http/validators.js';
import { decideChangeCategory } from '../../src/membership/change-category/change-category.decide.js';
import { ChangeCategoryBody } from '../../src/membership/change-category/change-category.http.js';
import { decideJoin } from '../../src/membership/join/join.decide.js';
import { JoinBody } from '../../src/membership/join/join.http.js';
import { decideLeave } from '../../src/membership/leave/leave.decide.js';
import { LeaveBody } from '../../src/membership/leave/leave.http.js';
import { type Category, type MemberEvent } from '../../src/membership/member.events.js';
import { type MemberDecisionContext, type OtherMembership } from '../../src/membership/member.rules.js';
import {
  emptyHistory,
  evolveHistory,
  type MemberHistory,
  replay,
  standingAsOf,
  timelineOf,
} from '../../src/membership/member.timeline.js';
import { decideTransfer } from '../../src/membership/transfer/transfer.decide.js';
import { TransferBody } from '../../src/membership/transfer/transfer.http.js';
import { EstablishParkUnionBody } from '../../src/parks/establish-park-union/establish-park-union.http.js';
import { decideEstablishParkUnion } from '../../src/parks/establish-park-union/establish-park-union.decide.js';
import { type ParkEvent } from '../../src/parks/park.events.js';
import { activeParkUnion, evolvePark, initialParkState, type ParkState } from '../../src/parks/park.state.js';
import { decideRegisterPark } from '../../src/parks/register-park/register-park.decide.js';
import { RegisterParkBody } from '../../src/parks/register-park/register-park.http.js';
import { EARLIEST_DATE } from '../../src/shared/dates.js';
import { type LedgerEvent, type Stored } from '../../src/shared/ledger-event.js';
import { maskResidentId, residentIdBirthDate, residentIdProblem } from '../../src/shared/resident-id.js';
import {
  earliestEndDate,
  type ExpectedFigures,
  IMPORT_COMMANDS,
  type ImportCommand,
  type ProvinceOptions,
  provinceOptionsProblem,
  type ProvinceSummary,
  restRequestOf,
  syntheticProvince,
} from '../../src/synthetic-province/synthetic-province.js';

function generate(options: ProvinceOptions): { commands: ImportCommand[]; lines: string[]; summary: ProvinceSummary } {
  const commands: ImportCommand[] = [];
  const iterator = syntheticProvince(options).commands();
  for (let next = iterator.next(); ; next = iterator.next()) {
    if (next.done) return { commands, lines: commands.map((c) => JSON.stringify(c)), summary: next.value };
    commands.push(next.value);
  }
}

const sha256 = (lines: readonly string[]) => createHash('sha256').update(lines.join('\n')).digest('hex');

/**
 * The ledger's rules without HTTP or a store: every line decided by the slice's own pure
 * decision over states folded from the events decided before it, as the handlers do.
 */
class DeciderLedger {
  readonly parks = new Map<string, ParkState>();
  readonly enterprises = new Map<string, EnterpriseState>();
  readonly histories = new Map<string, MemberHistory>();
  private readonly membersOfPerson = new Map<string, Set<string>>();
  private readonly everAt = new Map<string, Set<string>>();
  private readonly revisions = new Map<string, number>();
  private position = 0;

  constructor(private readonly today: string) {}

  private stored<E extends LedgerEvent>(stream: string, event: E): Stored<E> {
    const revision = (this.revisions.get(stream) ?? -1) + 1;
    this.revisions.set(stream, revision);
    const position = ++this.position;
    return {
      ...event,
      id: `${stream}#${revision}`,
      metadata: { actor: 'generator', correlationId: `c-${position}`, recordedAt: new Date(1e12 + position).toISOString() },
      streamName: stream,
      revision,
      position: String(position),
    } as unknown as Stored<E>;
  }

  private others(personHash: string, memberId: string): OtherMembership[] {
    return [...(this.membersOfPerson.get(personHash) ?? [])]
      .filter((id) => id !== memberId)
      .flatMap((id) => {
        const r = replay(timelineOf(this.histories.get(id)!));
        return 'failure' in r ? [] : [{ memberId: id, periods: r.periods, stays: r.stays }];
      });
  }

  private placementsAt(enterpriseId: string) {
    return [...(this.everAt.get(enterpriseId) ?? [])].flatMap((memberId) => {
      const r = replay(timelineOf(this.histories.get(memberId)!));
      if ('failure' in r) throw new Error(r.failure.message);
      return r.stays.filter((s) => s.enterpriseId === enterpriseId).map((s) => ({ memberId, from: s.from, to: s.to }));
    });
  }

  /** Decides one line; throws the rule's DomainError when it is refused. */
  apply(line: ImportCommand): void {
    const ctx = { today: this.today };
    switch (line.command) {
      case 'registerPark':
      case 'establishParkUnion': {
        const state = this.parks.get(line.parkId) ?? initialParkState;
        const events =
          line.command === 'registerPark' ? decideRegisterPark(line, state, ctx) : decideEstablishParkUnion(line, state, ctx);
        this.parks.set(
          line.parkId,
          events.reduce((s, e) => evolvePark(s, this.stored<ParkEvent>(`park-${line.parkId}`, e)), state),
        );
        return;
      }
      case 'registerEnterprise':
      case 'establishEnterpriseUnion':
      case 'reportHeadcount':
      case 'closeEnterprise': {
        const state = this.enterprises.get(line.enterpriseId) ?? initialEnterpriseState;
        const events =
          line.command === 'registerEnterprise'
            ? decideRegisterEnterprise(line, state, this.parks.get(line.parkId) ?? initialParkState, ctx)
            : line.command === 'establishEnterpriseUnion'
              ? decideEstablishEnterpriseUnion(line, state, ctx)
              : line.command === 'reportHeadcount'
                ? decideReportHeadcount(line, state, ctx)
                : decideCloseEnterprise(line, state, this.placementsAt(line.enterpriseId), ctx);
        this.enterprises.set(
          line.enterpriseId,
          events.reduce(
            (s: EnterpriseState, e) => evolveEnterprise(s, this.stored<EnterpriseEvent>(`enterprise-${line.enterpriseId}`, e)),
            state,
          ),
        );
        return;
      }
      default: {
        const history = this.histories.get(line.memberId) ?? emptyHistory(line.memberId);
        const mctx: MemberDecisionContext = { ...ctx, enterprises: this.enterprises };
        let events: readonly MemberEvent[];
        const touched: string[] = [];
        if (line.command === 'join') {
          const person = { hash: line.personId, masked: maskResidentId(line.personId) };
          events = decideJoin({ ...line, person, birthDate: residentIdBirthDate(line.personId) }, history, {
            ...mctx,
            otherMemberships: this.others(person.hash, line.memberId),
          });
          if (!this.membersOfPerson.has(person.hash)) this.membersOfPerson.set(person.hash, new Set());
          this.membersOfPerson.get(person.hash)!.add(line.memberId);
          touched.push(line.enterpriseId);
        } else if (line.command === 'transfer') {
          events = decideTransfer(line, history, mctx);
          touched.push(line.toEnterpriseId);
        } else if (line.command === 'changeCategory') events = decideChangeCategory(line, history, mctx);
        else events = decideLeave(line, history, mctx);
        this.histories.set(
          line.memberId,
          events.reduce((h, e) => evolveHistory(h, this.stored<MemberEvent>(`member-${line.memberId}`, e)), history),
        );
        for (const e of touched) {
          if (!this.everAt.has(e)) this.everAt.set(e, new Set());
          this.everAt.get(e)!.add(line.memberId);
        }
      }
    }
  }

  /** The province figures at the end of `asOf`, counted from the folded states (no knownAt: everything). */
  figures(asOf: string): Omit<ExpectedFigures, 'asOf' | 'membershipRate' | 'unionEstablishmentRate'> {
    const byCategory: Record<Category, number> = { regular: 0, migrant: 0, dispatched: 0 };
    for (const history of this.histories.values()) {
      const standing = standingAsOf(history, asOf);
      if (standing.status === 'active') byCategory[standing.category]++;
    }
    let employees = 0;
    let enterprises = 0;
    let enterprisesWithUnion = 0;
    for (const state of this.enterprises.values()) {
      if (state.status !== 'registered' || !isOpenOn(state, asOf)) continue;
      enterprises++;
      const union = activeEnterpriseUnion(state);
      if (union && union.effectiveDate <= asOf) enterprisesWithUnion++;
      const reports = state.facts.filter((f) => f.type === 'EnterpriseHeadcountReported' && f.effectiveDate <= asOf);
      const latest = reports.reduce<(typeof reports)[number] | undefined>(
        (a, f) => (a === undefined || f.effectiveDate >= a.effectiveDate ? f : a),
        undefined,
      );
      employees += latest?.employees ?? 0;
    }
    const parks = [...this.parks.values()].filter((p) => p.status === 'registered' && p.registeredOn <= asOf);
    return {
      members: byCategory.regular + byCategory.migrant + byCategory.dispatched,
      byCategory,
      employees,
      enterprises,
      enterprisesWithUnion,
      parks: parks.length,
      parksWithUnion: parks.filter((p) => {
        const union = activeParkUnion(p);
        return union !== undefined && union.effectiveDate <= asOf;
      }).length,
    };
  }
}

/** The DTO class each route validates its body with. */
const BODIES: Record<ImportCommand['command'], new () => object> = {
  registerPark: RegisterParkBody,
  establishParkUnion: EstablishParkUnionBody,
  registerEnterprise: RegisterEnterpriseBody,
  establishEnterpriseUnion: EstablishEnterpriseUnionBody,
  reportHeadcount: ReportHeadcountBody,
  closeEnterprise: CloseEnterpriseBody,
  join: JoinBody,
  transfer: TransferBody,
  changeCategory: ChangeCategoryBody,
  leave: LeaveBody,
};

describe('a synthetic province as import commands', () => {
  const options: ProvinceOptions = { members: 3000, seed: 42, years: 10, endDate: '2026-06-30' };
  let province: ReturnType<typeof generate>;

  beforeAll(() => {
    province = generate(options);
  });

  it('given the same options, when generated twice, then the lines are identical; another seed or size gives other lines', () => {
    const again = generate(options);
    expect(again.lines.length).toBe(province.lines.length);
    expect(sha256(again.lines)).toBe(sha256(province.lines));
    expect(again.summary).toEqual(province.summary);
    expect(sha256(generate({ ...options, seed: 43 }).lines)).not.toBe(sha256(province.lines));
    expect(sha256(generate({ ...options, members: 3001 }).lines)).not.toBe(sha256(province.lines));
  });

  it('has 11 cities and 94 parks, 11 of them national, an enterprise per 100 member ids, every member id joining, and every kind of command', () => {
    const parks = province.commands.filter((c) => c.command === 'registerPark');
    expect(parks).toHaveLength(94);
    expect(new Set(parks.map((p) => p.parkId)).size).toBe(94);
    expect(new Set(parks.map((p) => p.cityId)).size).toBe(11);
    expect(parks.filter((p) => p.level === 'national')).toHaveLength(11);
    // Each city has exactly one national park.
    expect(new Set(parks.filter((p) => p.level === 'national').map((p) => p.cityId)).size).toBe(11);
    expect(province.summary.counts.establishParkUnion).toBe(94);
    expect(province.summary.counts.registerEnterprise).toBe(30);
    const joined = new Set(province.commands.flatMap((c) => (c.command === 'join' ? [c.memberId] : [])));
    expect(joined.size).toBe(3000);
    expect(province.summary.memberIds).toBe(3000);
    for (const command of IMPORT_COMMANDS)
      expect({ command, count: province.summary.counts[command] > 0 }).toEqual({ command, count: true });
    const counted = Object.values(province.summary.counts).reduce((a, b) => a + b, 0);
    expect(counted).toBe(province.lines.length);
    expect(province.summary.lines).toBe(province.lines.length);
  });

  it('gives each person one valid resident ID number, never shared with another person', () => {
    const nameOf = new Map<string, string>();
    for (const c of province.commands) {
      if (c.command !== 'join') continue;
      expect({ personId: c.personId, problem: residentIdProblem(c.personId) }).toEqual({
        personId: c.personId,
        problem: undefined,
      });
      // Born before the window ends (the ledger refuses a birth date after today), and of working age when joining.
      const born = residentIdBirthDate(c.personId);
      expect({ personId: c.personId, bornByEnd: born <= options.endDate }).toEqual({ personId: c.personId, bornByEnd: true });
      expect({
        personId: c.personId,
        sixteenAtJoin: `${Number(born.slice(0, 4)) + 16}${born.slice(4)}` <= c.effectiveDate,
      }).toEqual({
        personId: c.personId,
        sixteenAtJoin: true,
      });
      // A person keeps their name whenever they join again (same id number, same person).
      if (!nameOf.has(c.personId)) nameOf.set(c.personId, c.name);
      expect(nameOf.get(c.personId)).toBe(c.name);
    }
    expect(nameOf.size).toBe(province.summary.persons);
    // The check character is X for about one number in eleven.
    const withX = [...nameOf.keys()].filter((id) => id.endsWith('X')).length;
    expect(withX).toBeGreaterThan(nameOf.size / 20);
  });

  it('has no two identical lines, no commandId, and every date from 1949-10-01 to the end date in file order', () => {
    expect(new Set(province.lines).size).toBe(province.lines.length);
    expect(province.lines.filter((l) => l.includes('commandId'))).toEqual([]);
    let previous = EARLIEST_DATE;
    for (const c of province.commands) {
      expect(c.effectiveDate >= previous && c.effectiveDate <= options.endDate).toBe(true);
      previous = c.effectiveDate;
    }
    expect(province.summary.firstDate).toBe(province.commands[0].effectiveDate);
  });

  it("passes the HTTP edge's validation: each body under its route's DTO (unknown fields refused), each path id under the id pattern", () => {
    const problems: string[] = [];
    for (const c of province.commands) {
      const { path, body } = restRequestOf(c);
      const dto = plainToInstance(BODIES[c.command], body, { enableImplicitConversion: false });
      const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
      if (errors.length > 0)
        problems.push(`${JSON.stringify(c)}: ${errors.map((e) => JSON.stringify(e.constraints)).join(', ')}`);
      for (const id of path.split('/').slice(2, 3)) if (!LEDGER_ID_PATTERN.test(id)) problems.push(`${path}: bad path id`);
    }
    expect(problems).toEqual([]);
    // The check has teeth: a wrong check character or an unknown field is refused.
    const join = province.commands.find((c) => c.command === 'join')!;
    const { body } = restRequestOf(join);
    const badId = {
      ...body,
      personId: `${(body.personId as string).slice(0, 17)}${(body.personId as string).endsWith('0') ? '1' : '0'}`,
    };
    for (const bad of [badId, { ...body, commando: 1 }])
      expect(validateSync(plainToInstance(JoinBody, bad), { whitelist: true, forbidNonWhitelisted: true })).not.toEqual([]);
  });

  it.each([
    { members: 3000, seed: 42, years: 10, endDate: '2026-06-30' },
    { members: 1200, seed: 7, years: 3, endDate: '2024-02-29' },
    { members: 100, seed: 0, years: 1, endDate: earliestEndDate(1) },
  ])(
    'given $members member ids over $years years to $endDate, when every line is decided in order by the ledger’s own rules, then all are accepted and the figures are the expected ones',
    (o) => {
      const { commands, summary } = o.seed === 42 ? province : generate(o);
      const ledger = new DeciderLedger(o.endDate);
      const refused: string[] = [];
      commands.forEach((c, i) => {
        try {
          ledger.apply(c);
        } catch (error) {
          refused.push(`line ${i + 1} ${JSON.stringify(c)}: ${(error as { code?: string }).code} ${(error as Error).message}`);
        }
      });
      expect(refused.slice(0, 5)).toEqual([]);
      const { asOf, membershipRate, unionEstablishmentRate, ...expected } = summary.expected;
      expect(asOf).toBe(o.endDate);
      expect(ledger.figures(o.endDate)).toEqual(expected);
      expect(membershipRate).toBeCloseTo(expected.members / expected.employees, 12);
      expect(unionEstablishmentRate).toBeCloseTo(expected.enterprisesWithUnion / expected.enterprises, 12);
    },
  );

  it('has the shape of the province it models: membership rate 80-90 %, about 80 % of enterprises with a union, migrant workers the most mobile', () => {
    const large = generate({ ...options, members: 30_000 });
    const e = large.summary.expected;
    expect(e.membershipRate).toBeGreaterThan(0.8);
    expect(e.membershipRate).toBeLessThan(0.9);
    expect(e.unionEstablishmentRate).toBeGreaterThan(0.72);
    expect(e.unionEstablishmentRate).toBeLessThan(0.88);
    expect(e.parksWithUnion).toBe(94);
    expect(e.members / large.summary.memberIds).toBeGreaterThan(0.9);
    // Transfers by the category the member is in: migrant workers move more than the others together.
    const category = new Map<string, Category>();
    const moves: Record<Category, number> = { regular: 0, migrant: 0, dispatched: 0 };
    for (const c of large.commands) {
      if (c.command === 'join' || c.command === 'changeCategory') category.set(c.memberId, c.category);
      if (c.command === 'transfer') moves[category.get(c.memberId)!]++;
    }
    expect(moves.migrant).toBeGreaterThan(moves.regular + moves.dispatched);
  });

  it('names the option that is wrong', () => {
    const ok: ProvinceOptions = { members: 1000, seed: 1, years: 10, endDate: '2026-06-30' };
    expect(provinceOptionsProblem(ok)).toBeUndefined();
    expect(provinceOptionsProblem({ ...ok, members: 99 })).toMatch(/^--members/);
    expect(provinceOptionsProblem({ ...ok, members: 1.5 })).toMatch(/^--members/);
    expect(provinceOptionsProblem({ ...ok, seed: 2 ** 32 })).toMatch(/^--seed/);
    expect(provinceOptionsProblem({ ...ok, years: 0 })).toMatch(/^--years/);
    expect(provinceOptionsProblem({ ...ok, years: 41 })).toMatch(/^--years/);
    expect(provinceOptionsProblem({ ...ok, endDate: '2026-02-30' })).toMatch(/^--end-date/);
    expect(provinceOptionsProblem({ ...ok, endDate: '1980-01-01' })).toMatch(/^--end-date must be 1983-/);
    expect(provinceOptionsProblem({ ...ok, endDate: earliestEndDate(10) })).toBeUndefined();
    expect(() => syntheticProvince({ ...ok, members: 5 })).toThrow(RangeError);
  });
});
