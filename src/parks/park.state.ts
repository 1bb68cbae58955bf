import { type Stored, type VoidMark, voidMark } from '../shared/ledger-event.js';
import { type ParkEvent, type ParkLevel } from './park.events.js';

export type ParkState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'registered';
      readonly parkId: string;
      readonly cityId: string;
      readonly name: string;
      readonly level: ParkLevel;
      readonly registeredOn: string;
      /** Union foundings, voided ones included (with their mark). */
      readonly unions: ReadonlyArray<{ eventId: string; effectiveDate: string; voided?: VoidMark }>;
    };

export const initialParkState: ParkState = { status: 'unregistered' };

export function evolvePark(state: ParkState, event: Stored<ParkEvent>): ParkState {
  switch (event.type) {
    case 'ParkRegistered':
      return {
        status: 'registered',
        parkId: event.data.parkId,
        cityId: event.data.cityId,
        name: event.data.name,
        level: event.data.level,
        registeredOn: event.data.effectiveDate,
        unions: [],
      };
    case 'ParkUnionEstablished':
      if (state.status !== 'registered') return state;
      return { ...state, unions: [...state.unions, { eventId: event.id, effectiveDate: event.data.effectiveDate }] };
    case 'EntryVoided': {
      if (state.status !== 'registered') return state;
      const mark = voidMark(event);
      return {
        ...state,
        unions: state.unions.map((u) => (u.eventId === event.data.voidedEventId ? { ...u, voided: mark } : u)),
      };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export const foldPark = (events: ReadonlyArray<Stored<ParkEvent>>): ParkState => events.reduce(evolvePark, initialParkState);

export const activeParkUnion = (state: ParkState) =>
  state.status === 'registered' ? state.unions.find((u) => !u.voided) : undefined;
