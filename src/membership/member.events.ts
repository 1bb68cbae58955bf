import { type EntryVoided, type LedgerEvent } from '../shared/ledger-event.js';

export type Category = 'regular' | 'migrant' | 'dispatched';
export const CATEGORIES: readonly Category[] = ['regular', 'migrant', 'dispatched'];

export type LeaveReason = 'left-employment' | 'resigned' | 'retired' | 'deceased' | 'expelled' | 'moved-out-of-province';
export const LEAVE_REASONS: readonly LeaveReason[] = [
  'left-employment',
  'resigned',
  'retired',
  'deceased',
  'expelled',
  'moved-out-of-province',
];

/** The person as the ledger keeps them: a keyed hash for matching and a masked ID for display. */
export interface PersonRef {
  readonly hash: string;
  readonly masked: string;
}

export interface Placement {
  readonly enterpriseId: string;
  readonly parkId: string;
}

export type MemberJoined = LedgerEvent<
  'MemberJoined',
  {
    memberId: string;
    person: PersonRef;
    /** As sealed by the name seam (see personal-data/member-names.ts). */
    name: string;
    category: Category;
    enterpriseId: string;
    parkId: string;
    effectiveDate: string;
  }
>;
export type MemberTransferred = LedgerEvent<
  'MemberTransferred',
  { memberId: string; from: Placement; to: Placement; transferId?: string; effectiveDate: string }
>;
export type MemberCategoryChanged = LedgerEvent<
  'MemberCategoryChanged',
  { memberId: string; from: Category; to: Category; effectiveDate: string }
>;
export type MemberLeft = LedgerEvent<'MemberLeft', { memberId: string; reason: LeaveReason; effectiveDate: string }>;

export type MemberFactEvent = MemberJoined | MemberTransferred | MemberCategoryChanged | MemberLeft;

/**
 * The member's personal data was erased (their data key destroyed): not a fact of the timeline,
 * it changes no standing and no figure; every name of the member reads as erased from then on.
 */
export type MemberPersonalDataErased = LedgerEvent<'MemberPersonalDataErased', { memberId: string; reason: string }>;

export type MemberEvent = MemberFactEvent | EntryVoided | MemberPersonalDataErased;

export const memberStream = (memberId: string): string => `member-${memberId}`;
