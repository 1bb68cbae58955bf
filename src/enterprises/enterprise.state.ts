import { type Stored, type VoidMark, voidMark } from '../shared/ledger-event.js';
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
      return {
        ...state,
        facts: [...state.facts, { eventId: event.id, type: event.type, effectiveDate: event.data.effectiveDate }],
      };
    case 'EnterpriseHeadcountReported':
      return {
        ...state,
        facts: [
          ...state.facts,
          { eventId: event.id, type: event.type, effectiveDate: event.data.effectiveDate, employees: event.data.employees },
        ],
      };
    case 'EnterpriseClosed':
      return { ...state, closedOn: event.data.effectiveDate };
    case 'EntryVoided': {
      const mark = voidMark(event);
      return { ...state, facts: state.facts.map((f) => (f.eventId === event.data.voidedEventId ? { ...f, voided: mark } : f)) };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export const foldEnterprise = (events: ReadonlyArray<Stored<EnterpriseEvent>>): EnterpriseState =>
  events.reduce(evolveEnterprise, initialEnterpriseState);

/** Registered on or before `date` and not closed by then (closing on D means not open as of D). */
export function isOpenOn(state: EnterpriseState, date: string): boolean {
  return state.status === 'registered' && state.registeredOn <= date && (state.closedOn === undefined || date < state.closedOn);
}

export const activeEnterpriseUnion = (state: EnterpriseState): DatedFact | undefined =>
  state.status === 'registered' ? state.facts.find((f) => f.type === 'EnterpriseUnionEstablished' && !f.voided) : undefined;
