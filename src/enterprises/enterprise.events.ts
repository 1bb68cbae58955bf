import { type EntryVoided, type LedgerEvent } from '../shared/ledger-event.js';

export type Ownership = 'non-public' | 'public';
export const OWNERSHIPS: readonly Ownership[] = ['non-public', 'public'];

export type EnterpriseRegistered = LedgerEvent<
  'EnterpriseRegistered',
  { enterpriseId: string; parkId: string; name: string; ownership: Ownership; effectiveDate: string }
>;
export type EnterpriseUnionEstablished = LedgerEvent<
  'EnterpriseUnionEstablished',
  { enterpriseId: string; effectiveDate: string }
>;
export type EnterpriseHeadcountReported = LedgerEvent<
  'EnterpriseHeadcountReported',
  { enterpriseId: string; employees: number; effectiveDate: string }
>;
export type EnterpriseClosed = LedgerEvent<'EnterpriseClosed', { enterpriseId: string; effectiveDate: string }>;
export type EnterpriseEvent =
  EnterpriseRegistered | EnterpriseUnionEstablished | EnterpriseHeadcountReported | EnterpriseClosed | EntryVoided;

export const enterpriseStream = (enterpriseId: string): string => `enterprise-${enterpriseId}`;
