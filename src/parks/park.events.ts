import { type EntryVoided, type LedgerEvent } from '../shared/ledger-event.js';

export type ParkLevel = 'national' | 'provincial';
export const PARK_LEVELS: readonly ParkLevel[] = ['national', 'provincial'];

export type ParkRegistered = LedgerEvent<
  'ParkRegistered',
  { parkId: string; name: string; cityId: string; level: ParkLevel; effectiveDate: string }
>;
export type ParkUnionEstablished = LedgerEvent<'ParkUnionEstablished', { parkId: string; effectiveDate: string }>;
export type ParkEvent = ParkRegistered | ParkUnionEstablished | EntryVoided;

export const parkStream = (parkId: string): string => `park-${parkId}`;
