import { type EntryVoided, type Stored, type VoidMark, voidMark } from '../shared/ledger-event.js';
import { type EnterpriseEvent, type Ownership } from './enterprise.events.js';

export interface DatedFact {
  readonly eventId: string;
  readonly type: 'EnterpriseUnionEstablished' | 'EnterpriseHeadcountReported';
  readonly effectiveDate: string;
  readonly employees?: number;
  readonly voided?: VoidMark;
}

export type EnterpriseState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered';
      readonly enterpriseId: string;
      readonly parkId: string;
      readonly name: string;
      readonly ownership: Ownership;
      readonly registeredOn: string;
      readonly closedOn?: string;
      /** Union foundings and headcount reports, voided ones included. */
      readonly facts: readonly DatedFact[];
    };

export const initialEnterpriseState: EnterpriseState = { status: 'unregistered' };

export function evolveEnterprise(state: EnterpriseState, event: Stored<EnterpriseEvent>): EnterpriseState {
  if (event.type === 'EnterpriseRegistered') {
    const d = event.data;
    return {
      status: 'registered',
      enterpriseId: d.enterpriseId,
      parkId: d.parkId,
      name: d.name,
      ownership: d.ownership,
      registeredOn: d.effectiveDate,
      facts: [],
    };
  }
  if (state.status !== 'registered') return state;
  switch (event.type) {
    case 'EnterpriseUnionEstablished':
    case 'EnterpriseHeadcountReported':
      return { ...state, facts: [...state.facts, datedFact(event)] };
    case 'EnterpriseClosed':
      return { ...state, closedOn: event.data.effectiveDate };
    case 'EntryVoided':
      return { ...state, facts: state.facts.map((f) => (f.eventId === event.data.voidedEventId ? voided(f, event) : f)) };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

type FactEvent = Stored<Extract<EnterpriseEvent, { type: DatedFact['type'] }>>;

const datedFact = (event: FactEvent): DatedFact =>
  event.type === 'EnterpriseHeadcountReported'
    ? { eventId: event.id, type: event.type, effectiveDate: event.data.effectiveDate, employees: event.data.employees }
    : { eventId: event.id, type: event.type, effectiveDate: event.data.effectiveDate };

const voided = (fact: DatedFact, event: Stored<EntryVoided>): DatedFact => ({ ...fact, voided: voidMark(event) });

/**
 * The state after `events`: what `evolveEnterprise` over them gives, with the facts gathered in
 * one array. Evolve copies the facts at every event, so years of headcounts would fold in
 * quadratic time, and every command on the enterprise, or on a member placed there, folds it.
 */
export function foldEnterprise(events: ReadonlyArray<Stored<EnterpriseEvent>>): EnterpriseState {
  let state = initialEnterpriseState;
  let facts: DatedFact[] = [];
  for (const event of events) {
    if (event.type === 'EnterpriseUnionEstablished' || event.type === 'EnterpriseHeadcountReported') {
      if (state.status === 'registered') facts.push(datedFact(event));
    } else if (event.type === 'EntryVoided') {
      if (state.status === 'registered')
        for (let i = 0; i < facts.length; i++)
          if (facts[i].eventId === event.data.voidedEventId) facts[i] = voided(facts[i], event);
    } else {
      state = evolveEnterprise(state, event);
      if (event.type === 'EnterpriseRegistered') facts = [];
    }
  }
  return state.status === 'registered' ? { ...state, facts } : state;
}

/** Registered on or before `date` and not closed by then (closing on D means not open as of D). */
export function isOpenOn(state: EnterpriseState, date: string): boolean {
  return state.status === 'registered' && state.registeredOn <= date && (state.closedOn === undefined || date < state.closedOn);
}

export const activeEnterpriseUnion = (state: EnterpriseState): DatedFact | undefined =>
  state.status === 'registered' ? state.facts.find((f) => f.type === 'EnterpriseUnionEstablished' && !f.voided) : undefined;
