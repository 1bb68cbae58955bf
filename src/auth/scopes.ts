import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { readPark } from '../parks/park.reader.js';
import { DomainError } from '../shared/domain-error.js';
import { AccessDenials } from './access-denials.js';
import { type Caller, cityDenial, covers, outsideScope, type Place, writeDenial } from './principal.js';

/**
 * Checks each record a command or query touches against the caller's scope. Writing outside it
 * is 403; reading outside it is 404, so a clerk cannot learn what other parks hold.
 */
@Injectable()
export class Scopes {
  /** A park's city never changes: remembered once read. */
  private readonly cityOfPark = new Map<string, string>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly denials: AccessDenials,
  ) {}

  async placeOfPark(parkId: string): Promise<Place | undefined> {
    let cityId = this.cityOfPark.get(parkId);
    if (cityId === undefined) {
      const park = await readPark(this.store, parkId);
      if (park.status !== 'registered') return undefined;
      cityId = park.cityId;
      this.cityOfPark.set(parkId, cityId);
    }
    return { parkId, cityId };
  }

  /** Refuses (403) unless the caller may write at every known place; unknown places fall through to 404. */
  async assertWrite(meta: Caller, places: ReadonlyArray<Place | undefined>, target: string, instead?: string): Promise<void> {
    const denial = writeDenial(meta.principal, places);
    if (denial === undefined) return;
    this.recordDenial(meta, target, denial);
    throw outsideScope(target, instead);
  }

  /** Refuses (403) what the caller's role or side may not do, though the record is in scope. */
  assertAllowed(meta: Caller, allowed: boolean, target: string, why: string): void {
    if (allowed) return;
    this.recordDenial(meta, target, why);
    throw new DomainError('FORBIDDEN', `${target}: ${why}`);
  }

  /** Registering a park is a city-wide act: provincial admins, or the officer of that city. */
  assertWriteCity(meta: Caller, cityId: string, target: string): void {
    const denial = cityDenial(meta.principal, cityId);
    if (denial === undefined) return;
    this.recordDenial(meta, target, denial);
    // A park clerk's scope is one park: no city is in it, so say what the refusal is about.
    if (meta.principal.role === 'park-clerk')
      throw new DomainError('FORBIDDEN', 'parks are registered by their city officer or a provincial admin, not by a park clerk');
    throw outsideScope(target);
  }

  /** Refuses as 404 unless the caller's scope covers at least one of the places. */
  assertRead(meta: Caller, places: readonly Place[], target: string, what: string, id: string): void {
    if (places.length === 0 || places.some((p) => covers(meta.principal, p))) return;
    this.recordDenial(meta, target, "read outside the caller's scope");
    throw new DomainError('NOT_FOUND', `${what} ${id} does not exist`, { [`${what.toLowerCase()}Id`]: id });
  }

  /** Province-wide reads are for provincial admins and auditors (403 for the others). */
  assertProvince(meta: Caller, target: string): void {
    if (meta.principal.role === 'provincial-admin' || meta.principal.role === 'auditor') return;
    this.recordDenial(meta, target, 'province-wide read by a city or park role');
    throw new DomainError('FORBIDDEN', `${target} are for provincial roles; ask for your city or park`);
  }

  /** Whether the caller's scope covers the park (an unknown park is covered by nobody but the province). */
  async covers(meta: Caller, parkId: string): Promise<boolean> {
    const place = await this.placeOfPark(parkId);
    return place
      ? covers(meta.principal, place)
      : meta.principal.role === 'provincial-admin' || meta.principal.role === 'auditor';
  }

  async placesOfParks(parkIds: Iterable<string>): Promise<Place[]> {
    const places: Place[] = [];
    for (const id of new Set(parkIds)) {
      const place = await this.placeOfPark(id);
      if (place) places.push(place);
    }
    return places;
  }

  /** Writes a refusal to the denial log (who, what, why). */
  recordDenial(meta: Caller, target: string, reason: string): void {
    this.denials.record({
      actor: meta.principal.sub,
      role: meta.principal.role,
      method: meta.method,
      path: meta.path,
      target,
      reason,
      correlationId: meta.correlationId,
    });
  }
}
