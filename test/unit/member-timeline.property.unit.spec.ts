import fc from 'fast-check';
import type { EnterpriseState } from '../../src/enterprises/enterprise.state.js';
import { decideChangeCategory } from '../../src/membership/change-category/change-category.decide.js';
import { decideJoin } from '../../src/membership/join/join.decide.js';
import { decideLeave } from '../../src/membership/leave/leave.decide.js';
import type { Category, MemberEvent } from '../../src/membership/member.events.js';
import type { MemberDecisionContext } from '../../src/membership/member.rules.js';
import { foldHistory, replay, timelineOf } from '../../src/membership/member.timeline.js';
import { decideTransfer } from '../../src/membership/transfer/transfer.decide.js';
import { decideVoidMemberEntry } from '../../src/membership/void-entry/void-entry.decide.js';
import { DomainError } from '../../src/shared/domain-error.js';
import type { LedgerEvent, Stored } from '../../src/shared/ledger-event.js';

/*
 * The whole-timeline rule, checked against an oracle written here from the contract alone:
 * for any history of joins, transfers, category changes, leaves and voids, with dates that
 * collide and go backwards, a fact (or void) is accepted exactly when the member's timeline,
 * ordered by effective date then recording order, is valid with it.
 */

const DAYS = ['2016-03-01', '2016-03-02', '2016-03-03', '2016-03-04', '2016-03-05'];
const ENTERPRISE_IDS = ['e1', 'e2', 'e3'];
const CATEGORIES: Category[] = ['regular', 'migrant', 'dispatched'];
const PERSON = { hash: 'h-1', masked: '110105********002X' };

const open = (enterpriseId: string): EnterpriseState => ({
  status: 'registered',
  enterpriseId,
  parkId: `park-of-${enterpriseId}`,
  name: enterpriseId,
  ownership: 'public',
  registeredOn: '2000-01-01',
  facts: [],
});
const ctx: MemberDecisionContext = {
  today: '2026-11-24',
  enterprises: new Map(ENTERPRISE_IDS.map((id) => [id, open(id)])),
  otherMemberships: [],
};

type Cmd =
  | { kind: 'join'; date: string; enterpriseId: string; category: Category }
  | { kind: 'transfer'; date: string; to: string }
  | { kind: 'category'; date: string; to: Category }
  | { kind: 'leave'; date: string }
  | { kind: 'void'; pick: number };

const day = fc.constantFrom(...DAYS);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({
    kind: fc.constant('join' as const),
    date: day,
    enterpriseId: fc.constantFrom(...ENTERPRISE_IDS),
    category: fc.constantFrom(...CATEGORIES),
  }),
  fc.record({ kind: fc.constant('transfer' as const), date: day, to: fc.constantFrom(...ENTERPRISE_IDS) }),
  fc.record({ kind: fc.constant('category' as const), date: day, to: fc.constantFrom(...CATEGORIES) }),
  fc.record({ kind: fc.constant('leave' as const), date: day }),
  fc.record({ kind: fc.constant('void' as const), pick: fc.nat(40) }),
);

/** The oracle's own view of a fact: plain fields, no ledger types. */
interface OracleFact {
  readonly id: string;
  readonly order: number;
  readonly date: string;
  readonly kind: 'join' | 'transfer' | 'category' | 'leave';
  readonly enterprise?: string;
  readonly fromEnterprise?: string;
  readonly category?: string;
  readonly fromCategory?: string;
}

interface OracleState {
  active: boolean;
  enterprise?: string;
  category?: string;
}

/** Folds facts in effective order; undefined as soon as one cannot stand where it is. */
function oracleFold(facts: readonly OracleFact[]): OracleState | undefined {
  const sorted = [...facts].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));
  const s: OracleState = { active: false };
  for (const f of sorted) {
    if (f.kind === 'join') {
      if (s.active) return undefined;
      Object.assign(s, { active: true, enterprise: f.enterprise, category: f.category });
    } else if (!s.active) return undefined;
    else if (f.kind === 'transfer') {
      if (f.enterprise === s.enterprise || f.fromEnterprise !== s.enterprise) return undefined;
      s.enterprise = f.enterprise;
    } else if (f.kind === 'category') {
      if (f.category === s.category || f.fromCategory !== s.category) return undefined;
      s.category = f.category;
    } else s.active = false;
  }
  return s;
}

const asOracle = (e: Stored<MemberEvent>): OracleFact | undefined => {
  const base = { id: e.id, order: e.revision };
  switch (e.type) {
    case 'MemberJoined':
      return { ...base, date: e.data.effectiveDate, kind: 'join', enterprise: e.data.enterpriseId, category: e.data.category };
    case 'MemberTransferred':
      return {
        ...base,
        date: e.data.effectiveDate,
        kind: 'transfer',
        enterprise: e.data.to.enterpriseId,
        fromEnterprise: e.data.from.enterpriseId,
      };
    case 'MemberCategoryChanged':
      return { ...base, date: e.data.effectiveDate, kind: 'category', category: e.data.to, fromCategory: e.data.from };
    case 'MemberLeft':
      return { ...base, date: e.data.effectiveDate, kind: 'leave' };
    default:
      return undefined;
  }
};

function standing(events: ReadonlyArray<Stored<MemberEvent>>): OracleFact[] {
  const voided = new Set(events.flatMap((e) => (e.type === 'EntryVoided' ? [e.data.voidedEventId] : [])));
  return events.flatMap((e) => {
    const f = asOracle(e);
    return f && !voided.has(f.id) ? [f] : [];
  });
}

/** What the oracle expects of a command: refused, or accepted with these facts standing after it. */
function expectation(
  events: ReadonlyArray<Stored<MemberEvent>>,
  c: Cmd,
): { accepted: false } | { accepted: true; facts: OracleFact[] } | 'skip' {
  const facts = standing(events);
  const next = { id: 'new', order: events.length };
  if (c.kind === 'void') {
    if (facts.length === 0) return 'skip';
    const target = facts[c.pick % facts.length];
    const rest = facts.filter((f) => f !== target);
    return oracleFold(rest) ? { accepted: true, facts: rest } : { accepted: false };
  }
  let fact: OracleFact;
  if (c.kind === 'join') fact = { ...next, date: c.date, kind: 'join', enterprise: c.enterpriseId, category: c.category };
  else if (c.kind === 'leave') {
    if (facts.length === 0) return { accepted: false };
    fact = { ...next, date: c.date, kind: 'leave' };
  } else {
    if (facts.length === 0) return { accepted: false };
    // A transfer or category change records where it starts from: the member's state on its date.
    const then = oracleFold(facts.filter((f) => f.date <= c.date));
    if (!then?.active) return { accepted: false };
    fact =
      c.kind === 'transfer'
        ? { ...next, date: c.date, kind: 'transfer', enterprise: c.to, fromEnterprise: then.enterprise }
        : { ...next, date: c.date, kind: 'category', category: c.to, fromCategory: then.category };
  }
  const candidate = [...facts, fact];
  return oracleFold(candidate) ? { accepted: true, facts: candidate } : { accepted: false };
}

/** Runs a command through the deciders, as the handlers do. */
function decide(events: ReadonlyArray<Stored<MemberEvent>>, c: Cmd): readonly LedgerEvent[] {
  const history = foldHistory('m-1', events);
  switch (c.kind) {
    case 'join':
      return decideJoin(
        {
          memberId: 'm-1',
          person: PERSON,
          birthDate: '1949-12-31',
          name: 'n',
          category: c.category,
          enterpriseId: c.enterpriseId,
          effectiveDate: c.date,
        },
        history,
        ctx,
      );
    case 'transfer':
      return decideTransfer({ memberId: 'm-1', toEnterpriseId: c.to, effectiveDate: c.date }, history, ctx);
    case 'category':
      return decideChangeCategory({ memberId: 'm-1', category: c.to, effectiveDate: c.date }, history, ctx);
    case 'leave':
      return decideLeave({ memberId: 'm-1', reason: 'resigned', effectiveDate: c.date }, history, ctx);
    case 'void': {
      const facts = standing(events);
      return decideVoidMemberEntry({ memberId: 'm-1', eventId: facts[c.pick % facts.length].id, reason: 'error' }, history, ctx);
    }
  }
}

function store(events: Array<Stored<MemberEvent>>, decided: readonly LedgerEvent[]): void {
  for (const e of decided) {
    const revision = events.length;
    events.push({
      ...(e as LedgerEvent<MemberEvent['type'], never>),
      id: `ev-${revision}`,
      streamName: 'member-m-1',
      revision,
      position: String(revision + 1),
      metadata: { actor: 'clerk', correlationId: 'c', recordedAt: new Date(Date.UTC(2026, 0, 1, 0, revision)).toISOString() },
    } as Stored<MemberEvent>);
  }
}

describe('the member timeline rule, against an oracle', () => {
  it('given random histories with colliding and back-dated facts and voids, when each command is decided, then it is accepted exactly when the timeline stays valid', () => {
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 30 }), (cmds) => {
        const events: Array<Stored<MemberEvent>> = [];
        for (const c of cmds) {
          const expected = expectation(events, c);
          if (expected === 'skip') continue;
          let decided: readonly LedgerEvent[] | undefined;
          try {
            decided = decide(events, c);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
          }
          expect({ command: c, accepted: decided !== undefined }).toEqual({ command: c, accepted: expected.accepted });
          if (!decided || !expected.accepted) continue;
          store(events, decided);
          // The facts that stand afterwards are the ones the oracle expects (with the same `from`s).
          const strip = (f: OracleFact) => ({ ...f, id: undefined, order: undefined });
          expect(standing(events).map(strip)).toEqual(expected.facts.map(strip));
          // And the ledger's own replay of what it recorded never fails.
          expect(replay(timelineOf(foldHistory('m-1', events)))).not.toHaveProperty('failure');
        }
      }),
      { numRuns: 400 },
    );
  });
});
