import { DomainError } from '../shared/domain-error.js';

/** Who is signed in, as the token says. */
export type Role = 'provincial-admin' | 'city-officer' | 'park-clerk' | 'auditor';
export const ROLES: readonly Role[] = ['provincial-admin', 'city-officer', 'park-clerk', 'auditor'];

export interface Principal {
  /** The user's name or id, recorded as `actor` on every event they cause. */
  readonly sub: string;
  readonly role: Role;
  /** For a city officer: the one city. */
  readonly cityId?: string;
  /** For a park clerk: the one park. */
  readonly parkId?: string;
}

/** Where a record sits: its park and that park's city. */
export interface Place {
  readonly parkId: string;
  readonly cityId: string;
}

/** Whether the principal's scope covers the place (reading; writing also needs `mayWrite`). */
export function covers(p: Principal, place: Place): boolean {
  switch (p.role) {
    case 'provincial-admin':
    case 'auditor':
      return true;
    case 'city-officer':
      return p.cityId === place.cityId;
    case 'park-clerk':
      return p.parkId === place.parkId;
    default: {
      const unknown: never = p.role;
      return unknown;
    }
  }
}

/** Auditors read everything and write nothing; the others write within their scope. */
export const mayWrite = (p: Principal, place: Place): boolean => p.role !== 'auditor' && covers(p, place);

/** A city-wide act (registering a park in a city) needs a scope over the whole city. */
export function coversCity(p: Principal, cityId: string): boolean {
  return p.role === 'provincial-admin' || (p.role === 'city-officer' && p.cityId === cityId);
}

/** Why the principal may not write at these places (the first known one outside its scope), or undefined. */
export function writeDenial(p: Principal, places: ReadonlyArray<Place | undefined>): string | undefined {
  const outside = places.find((place): place is Place => place !== undefined && !mayWrite(p, place));
  return outside && `outside the caller's scope (park ${outside.parkId}, city ${outside.cityId})`;
}

/** Why the principal may not act for the whole city, or undefined. */
export const cityDenial = (p: Principal, cityId: string): string | undefined =>
  coversCity(p, cityId) ? undefined : `outside the caller's scope (city ${cityId})`;

/** The refusal the caller sees for a write outside its scope (the reason goes to the denial log only), with what to do instead. */
export const outsideScope = (target: string, instead?: string): DomainError =>
  new DomainError('FORBIDDEN', `${target} is outside your scope${instead ? `: ${instead}` : ''}`);

/** Who made a request and which one: what commands record and refusals report. */
export interface Caller {
  readonly principal: Principal;
  /** `principal.sub`, stamped as `actor` on every event. */
  readonly actor: string;
  readonly correlationId: string;
  readonly method: string;
  readonly path: string;
}
