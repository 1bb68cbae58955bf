import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { foldEnterprise } from '../../src/enterprises/enterprise.state.js';
import type { EnterpriseEvent } from '../../src/enterprises/enterprise.events.js';
import type { MemberEvent } from '../../src/membership/member.events.js';
import { foldHistory, neverJoined, type Standing, step, timelineOf } from '../../src/membership/member.timeline.js';
import type { ParkEvent } from '../../src/parks/park.events.js';
import { foldPark } from '../../src/parks/park.state.js';
import type { Stored } from '../../src/shared/ledger-event.js';
import { type Contribution, contributionKey, type FigureDelta } from './figure-delta.js';

/** Contributions summed by key: what one entity's known facts add to every figure. */
export type Contributions = Map<string, { readonly contribution: Contribution; amount: number }>;

const PLACE = { enterpriseId: null, detail: null, toParkId: null, toEnterpriseId: null } as const;

function add(into: Contributions, contribution: Contribution, amount: number): void {
  if (amount === 0) return;
  const key = contributionKey(contribution);
  const entry = into.get(key);
  if (entry) entry.amount += amount;
  else into.set(key, { contribution, amount });
}

/**
 * A member's contributions: its timeline (voids applied, effective order, ties in recording
 * order) walked with the same state machine the rules use, so figures and rules never disagree.
 */
export function memberContributions(memberId: string, events: ReadonlyArray<RecordedEvent>): Contributions {
  const out: Contributions = new Map();
  let standing: Standing = neverJoined;
  for (const fact of timelineOf(foldHistory(memberId, events as ReadonlyArray<Stored<MemberEvent>>))) {
    const next = step(standing, fact.event);
    // An accepted timeline always replays; if one ever did not, it counts up to the fact that breaks.
    if ('code' in next) break;
    const date = fact.event.data.effectiveDate;
    const at = (s: Standing) =>
      s.status === 'active'
        ? { parkId: s.placement.parkId, enterpriseId: s.placement.enterpriseId, category: s.category }
        : undefined;
    const before = at(standing);
    const after = at(next);
    const place = (p: NonNullable<typeof before>) => ({ ...PLACE, date, parkId: p.parkId, enterpriseId: p.enterpriseId });
    if (before) add(out, { ...place(before), measure: 'members', detail: before.category }, -1);
    if (after) add(out, { ...place(after), measure: 'members', detail: after.category }, +1);
    switch (fact.event.type) {
      case 'MemberJoined':
        add(out, { ...place(after!), measure: 'joined', detail: after!.category }, 1);
        break;
      case 'MemberLeft':
        add(out, { ...place(before!), measure: 'left', detail: fact.event.data.reason }, 1);
        break;
      case 'MemberTransferred':
        add(out, { ...place(before!), measure: 'transferred', toParkId: after!.parkId, toEnterpriseId: after!.enterpriseId }, 1);
        break;
      case 'MemberCategoryChanged':
        add(out, { ...place(before!), measure: 'categoryChanged', detail: `${before!.category}>${after!.category}` }, 1);
        break;
    }
    standing = next;
  }
  return out;
}

/**
 * An enterprise's contributions: counted from registration until closing; with a union from the
 * later of registration and its (first standing) founding; employees from its latest headcount
 * report by effective date (ties: the later recorded), voided reports ignored.
 */
export function enterpriseContributions(events: ReadonlyArray<RecordedEvent>): Contributions {
  const out: Contributions = new Map();
  const state = foldEnterprise(events as ReadonlyArray<Stored<EnterpriseEvent>>);
  if (state.status !== 'registered') return out;
  const { registeredOn: from, closedOn: to, parkId, enterpriseId } = state;
  const at = (date: string) => ({ ...PLACE, date, parkId, enterpriseId });
  const open = (measure: 'enterprises' | 'enterprisesWithUnion', start: string) => {
    if (to !== undefined && to <= start) return;
    add(out, { ...at(start), measure }, 1);
    if (to !== undefined) add(out, { ...at(to), measure }, -1);
  };
  open('enterprises', from);
  const union = state.facts
    .filter((f) => f.type === 'EnterpriseUnionEstablished' && !f.voided)
    .map((f) => f.effectiveDate)
    .sort()[0];
  if (union !== undefined) {
    open('enterprisesWithUnion', union > from ? union : from);
    add(out, { ...at(union), measure: 'unionEstablished' }, 1);
  }
  // Reports in effective order, ties in recording order (the array is in recording order; sort is stable).
  const reports = state.facts
    .filter((f) => f.type === 'EnterpriseHeadcountReported' && !f.voided)
    .sort((a, b) => (a.effectiveDate < b.effectiveDate ? -1 : a.effectiveDate > b.effectiveDate ? 1 : 0));
  const counted = (date: string): number => {
    if (date < from || (to !== undefined && date >= to)) return 0;
    let value = 0;
    for (const r of reports) if (r.effectiveDate <= date) value = r.employees ?? 0;
    return value;
  };
  const dates = [...new Set([from, ...(to ? [to] : []), ...reports.map((r) => r.effectiveDate)])].sort();
  let previous = 0;
  for (const date of dates) {
    const value = counted(date);
    add(out, { ...at(date), measure: 'employees' }, value - previous);
    previous = value;
  }
  return out;
}

/** A park's contributions: counted from registration, with a union from its (first standing) founding. */
export function parkContributions(events: ReadonlyArray<RecordedEvent>): Contributions {
  const out: Contributions = new Map();
  const state = foldPark(events as ReadonlyArray<Stored<ParkEvent>>);
  if (state.status !== 'registered') return out;
  const at = (date: string) => ({ ...PLACE, date, parkId: state.parkId });
  add(out, { ...at(state.registeredOn), measure: 'parks' }, 1);
  const union = state.unions
    .filter((u) => !u.voided)
    .map((u) => u.effectiveDate)
    .sort()[0];
  if (union !== undefined)
    add(out, { ...at(union > state.registeredOn ? union : state.registeredOn), measure: 'parksWithUnion' }, 1);
  return out;
}

/** The ledger entity a stream holds, when it is one the figures count. */
export type FigureEntity = { kind: 'member' | 'enterprise' | 'park'; id: string };

export function entityOf(streamName: string): FigureEntity | undefined {
  const dash = streamName.indexOf('-');
  const kind = streamName.slice(0, dash);
  if (kind === 'member' || kind === 'enterprise' || kind === 'park') return { kind, id: streamName.slice(dash + 1) };
  return undefined;
}

export function contributionsOf(entity: FigureEntity, events: ReadonlyArray<RecordedEvent>): Contributions {
  switch (entity.kind) {
    case 'member':
      return memberContributions(entity.id, events);
    case 'enterprise':
      return enterpriseContributions(events);
    case 'park':
      return parkContributions(events);
  }
}

/** What recording one more event changed: the new contributions minus the old, by key. */
export function deltasBetween(before: Contributions, after: Contributions): FigureDelta[] {
  const deltas: FigureDelta[] = [];
  for (const [key, { contribution, amount }] of after) {
    const change = amount - (before.get(key)?.amount ?? 0);
    if (change !== 0) deltas.push({ ...contribution, amount: change });
  }
  for (const [key, { contribution, amount }] of before)
    if (!after.has(key) && amount !== 0) deltas.push({ ...contribution, amount: -amount });
  return deltas.sort((a, b) => (contributionKey(a) < contributionKey(b) ? -1 : contributionKey(a) > contributionKey(b) ? 1 : 0));
}
