import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import { type EnterpriseState, evolveEnterprise, initialEnterpriseState } from '../../src/enterprises/enterprise.state.js';
import type { EnterpriseEvent, EnterpriseHeadcountReported } from '../../src/enterprises/enterprise.events.js';
import type { MemberEvent, MemberFactEvent } from '../../src/membership/member.events.js';
import { foldHistory, neverJoined, type Standing, step, timelineOf } from '../../src/membership/member.timeline.js';
import type { ParkEvent } from '../../src/parks/park.events.js';
import { evolvePark, initialParkState, type ParkState } from '../../src/parks/park.state.js';
import type { Stored } from '../../src/shared/ledger-event.js';
import { EARLIEST_DATE } from '../../src/shared/dates.js';
import type { TransferRequestEvent } from '../../src/transfer-requests/transfer-request.events.js';
import {
  evolveTransferRequest,
  noTransferRequest,
  type TransferRequestState,
} from '../../src/transfer-requests/transfer-request.state.js';
import { type Contribution, contributionKey, type FigureDelta } from './figure-delta.js';

/** Contributions summed by key: what one entity's known facts add to every figure. */
export type Contributions = Map<string, { readonly contribution: Contribution; amount: number }>;

/** Where a walk of an entity's facts puts each contribution it finds. */
type Sink = (contribution: Contribution, amount: number) => void;

function add(into: Contributions, contribution: Contribution, amount: number): void {
  if (amount === 0) return;
  const key = contributionKey(contribution);
  const entry = into.get(key);
  if (entry) entry.amount += amount;
  else into.set(key, { contribution, amount });
}

/** A contribution with every field in one shape (keeps property access fast on replay). */
const at = (
  measure: Contribution['measure'],
  date: string,
  parkId: string,
  enterpriseId: string | null,
  detail: string | null = null,
  toParkId: string | null = null,
  toEnterpriseId: string | null = null,
): Contribution => ({ measure, date, parkId, enterpriseId, detail, toParkId, toEnterpriseId });

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
    addStep((c, amount) => add(out, c, amount), standing, fact.event, next);
    standing = next;
  }
  return out;
}

/** What one step of a member's timeline adds: out of the old cell, into the new one, and the flow between. */
export function addStep(add: Sink, standing: Standing, fact: MemberFactEvent, next: Standing): void {
  const date = fact.data.effectiveDate;
  if (standing.status === 'active') {
    const { parkId, enterpriseId } = standing.placement;
    add(at('members', date, parkId, enterpriseId, standing.category), -1);
    if (fact.type === 'MemberLeft') add(at('left', date, parkId, enterpriseId, fact.data.reason), 1);
    if (fact.type === 'MemberTransferred' && next.status === 'active')
      add(at('transferred', date, parkId, enterpriseId, null, next.placement.parkId, next.placement.enterpriseId), 1);
    if (fact.type === 'MemberCategoryChanged' && next.status === 'active')
      add(at('categoryChanged', date, parkId, enterpriseId, `${standing.category}>${next.category}`), 1);
  }
  if (next.status === 'active') {
    const { parkId, enterpriseId } = next.placement;
    add(at('members', date, parkId, enterpriseId, next.category), 1);
    if (fact.type === 'MemberJoined') add(at('joined', date, parkId, enterpriseId, next.category), 1);
  }
}

/**
 * The deltas of one step appended to a member's timeline: `deltasBetween` of nothing and the
 * step's contributions, without a map (a step makes at most three), so a rebuild's commonest
 * event costs a few small arrays. Same deltas, same order.
 */
export function stepDeltas(standing: Standing, fact: MemberFactEvent, next: Standing): FigureDelta[] {
  const keyed: Array<[string, FigureDelta]> = [];
  addStep(
    (c, amount) => {
      const key = contributionKey(c);
      const same = keyed.find(([k]) => k === key);
      if (same) same[1] = delta(c, same[1].amount + amount);
      else keyed.push([key, delta(c, amount)]);
    },
    standing,
    fact,
    next,
  );
  return inKeyOrder(keyed.filter(([, d]) => d.amount !== 0));
}

/**
 * An enterprise's contributions: counted from registration until closing; with a union from the
 * later of registration and its (first standing) founding; employees from its latest headcount
 * report by effective date (ties: the later recorded), voided reports ignored.
 */
function enterpriseContributions(state: EnterpriseState): Contributions {
  const out: Contributions = new Map();
  if (state.status !== 'registered') return out;
  const { registeredOn: from, closedOn: to, parkId, enterpriseId } = state;
  const open = (measure: 'enterprises' | 'enterprisesWithUnion', start: string) => {
    if (to !== undefined && to <= start) return;
    add(out, at(measure, start, parkId, enterpriseId), 1);
    if (to !== undefined) add(out, at(measure, to, parkId, enterpriseId), -1);
  };
  open('enterprises', from);
  const union = state.facts
    .filter((f) => f.type === 'EnterpriseUnionEstablished' && !f.voided)
    .map((f) => f.effectiveDate)
    .sort()[0];
  if (union !== undefined) {
    open('enterprisesWithUnion', union > from ? union : from);
    add(out, at('unionEstablished', union, parkId, enterpriseId), 1);
  }
  // Reports in effective order, ties in recording order (the array is in recording order; sort is stable).
  const reports = state.facts
    .filter((f) => f.type === 'EnterpriseHeadcountReported' && !f.voided)
    .sort((a, b) => (a.effectiveDate < b.effectiveDate ? -1 : a.effectiveDate > b.effectiveDate ? 1 : 0));
  const dates = [...new Set([from, ...(to ? [to] : []), ...reports.map((r) => r.effectiveDate)])].sort();
  let previous = 0;
  let latest = 0;
  let next = 0;
  for (const date of dates) {
    // The latest report on or before this date (reports and dates are both in effective order).
    while (next < reports.length && reports[next].effectiveDate <= date) latest = reports[next++].employees ?? 0;
    const value = date < from || (to !== undefined && date >= to) ? 0 : latest;
    add(out, at('employees', date, parkId, enterpriseId), value - previous);
    previous = value;
  }
  return out;
}

/**
 * What recording one more headcount report changes, without recomputing the enterprise's
 * contributions before and after (those cost a map entry for every report, so a stream of monthly
 * reports would cost quadratic time): the report makes the employees `e` instead of `p` (the
 * standing report's) from its date until the next later report or the closing, counted from the
 * registration. That is `+(e − p)` where that stretch starts and `−(e − p)` where it ends: the same
 * deltas, in the same order, as `deltasBetween` of the contributions without and with it.
 */
export function headcountDeltas(before: EnterpriseState, report: Stored<EnterpriseHeadcountReported>): FigureDelta[] {
  if (before.status !== 'registered') return [];
  const { effectiveDate: d, employees } = report.data;
  // The report standing on its date (the latest on or before it; ties: the later recorded), and the next later one.
  let standingDate: string | undefined;
  let standing = 0;
  let next: string | undefined;
  for (const f of before.facts) {
    if (f.type !== 'EnterpriseHeadcountReported' || f.voided) continue;
    if (f.effectiveDate <= d) {
      if (standingDate === undefined || f.effectiveDate >= standingDate) {
        standingDate = f.effectiveDate;
        standing = f.employees ?? 0;
      }
    } else if (next === undefined || f.effectiveDate < next) next = f.effectiveDate;
  }
  const change = employees - standing;
  const { registeredOn, closedOn, parkId, enterpriseId } = before;
  const start = d > registeredOn ? d : registeredOn;
  const end = closedOn !== undefined && (next === undefined || closedOn < next) ? closedOn : next;
  if (change === 0 || (end !== undefined && end <= start)) return [];
  const deltas = [delta(at('employees', start, parkId, enterpriseId), change)];
  if (end !== undefined) deltas.push(delta(at('employees', end, parkId, enterpriseId), -change));
  return deltas;
}

/** A park's contributions: counted from registration, with a union from its (first standing) founding. */
function parkContributions(state: ParkState): Contributions {
  const out: Contributions = new Map();
  if (state.status !== 'registered') return out;
  add(out, at('parks', state.registeredOn, state.parkId, null), 1);
  const union = state.unions
    .filter((u) => !u.voided)
    .map((u) => u.effectiveDate)
    .sort()[0];
  if (union !== undefined)
    add(out, at('parksWithUnion', union > state.registeredOn ? union : state.registeredOn, state.parkId, null), 1);
  return out;
}

/**
 * A transfer request's contribution: one pending request from its origin to its destination while
 * it is pending. Pending is a matter of knowledge, not of effective dates, so it is dated at the
 * earliest day: every `asOf` sees the requests pending at `knownAt`.
 */
function transferRequestContributions(state: TransferRequestState): Contributions {
  const out: Contributions = new Map();
  if (state.status !== 'pending') return out;
  const { from, to } = state.request;
  add(out, at('pendingTransfer', EARLIEST_DATE, from.parkId, from.enterpriseId, null, to.parkId, to.enterpriseId), 1);
  return out;
}

/** The ledger entity a stream holds, when it is one the figures count. */
export type FigureEntity = { kind: 'member' | 'enterprise' | 'park' | 'transfer'; id: string };

export function entityOf(streamName: string): FigureEntity | undefined {
  const dash = streamName.indexOf('-');
  const kind = streamName.slice(0, dash);
  if (kind === 'member' || kind === 'enterprise' || kind === 'park' || kind === 'transfer')
    return { kind, id: streamName.slice(dash + 1) };
  return undefined;
}

export function contributionsOf(entity: FigureEntity, events: ReadonlyArray<RecordedEvent>): Contributions {
  if (entity.kind === 'member') return memberContributions(entity.id, events);
  return organisationContributions(events.reduce(evolveOrganisation, initialOrganisation(entity.kind)));
}

/**
 * A park's, an enterprise's or a transfer request's state, folded by its own evolve function:
 * its contributions depend on this state alone, so a projector may keep the state (a few facts)
 * instead of the events, and fold each new event onto it.
 */
export type OrganisationState =
  | { readonly kind: 'park'; readonly state: ParkState }
  | { readonly kind: 'enterprise'; readonly state: EnterpriseState }
  | { readonly kind: 'transfer'; readonly state: TransferRequestState };

export function initialOrganisation(kind: Exclude<FigureEntity['kind'], 'member'>): OrganisationState {
  if (kind === 'park') return { kind, state: initialParkState };
  if (kind === 'enterprise') return { kind, state: initialEnterpriseState };
  return { kind, state: noTransferRequest };
}

export function evolveOrganisation(organisation: OrganisationState, event: RecordedEvent): OrganisationState {
  switch (organisation.kind) {
    case 'park':
      return { kind: 'park', state: evolvePark(organisation.state, event as Stored<ParkEvent>) };
    case 'enterprise':
      return { kind: 'enterprise', state: evolveEnterprise(organisation.state, event as Stored<EnterpriseEvent>) };
    case 'transfer':
      return { kind: 'transfer', state: evolveTransferRequest(organisation.state, event as Stored<TransferRequestEvent>) };
  }
}

export function organisationContributions(organisation: OrganisationState): Contributions {
  switch (organisation.kind) {
    case 'park':
      return parkContributions(organisation.state);
    case 'enterprise':
      return enterpriseContributions(organisation.state);
    case 'transfer':
      return transferRequestContributions(organisation.state);
  }
}

/** What recording one more event changed: the new contributions minus the old, by key. */
export function deltasBetween(before: Contributions, after: Contributions): FigureDelta[] {
  const keyed: Array<[string, FigureDelta]> = [];
  for (const [key, { contribution, amount }] of after) {
    const change = amount - (before.get(key)?.amount ?? 0);
    if (change !== 0) keyed.push([key, delta(contribution, change)]);
  }
  for (const [key, { contribution, amount }] of before)
    if (!after.has(key) && amount !== 0) keyed.push([key, delta(contribution, -amount)]);
  return inKeyOrder(keyed);
}

/** Deltas in a stable order (by key), so the live path and a rebuild store identical rows. */
const inKeyOrder = (keyed: Array<[string, FigureDelta]>): FigureDelta[] =>
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, d]) => d);

/**
 * A delta with its fields written out in one order, so every delta has one shape: code that reads
 * millions of them (packing a rebuild's segments) then reads each field at a fixed place.
 */
const delta = (c: Contribution, amount: number): FigureDelta => ({
  measure: c.measure,
  date: c.date,
  parkId: c.parkId,
  enterpriseId: c.enterpriseId,
  detail: c.detail,
  toParkId: c.toParkId,
  toEnterpriseId: c.toEnterpriseId,
  amount,
});
