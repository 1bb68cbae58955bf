import type { Placement } from '../membership/member.events.js';
import type { LedgerEvent } from '../shared/ledger-event.js';

/** Which office opened a request: the member's current park, or the park the member moves to. */
export type OpenedBy = 'origin' | 'destination';
export const OPENED_BY: readonly OpenedBy[] = ['origin', 'destination'];

export type TransferRequested = LedgerEvent<
  'TransferRequested',
  { transferId: string; memberId: string; from: Placement; to: Placement; openedBy: OpenedBy; effectiveDate: string }
>;
/** Agreed by the other side; the member's `MemberTransferred` follows (see complete-transfer/). */
export type TransferAccepted = LedgerEvent<'TransferAccepted', { transferId: string; effectiveDate: string }>;
export type TransferRejected = LedgerEvent<'TransferRejected', { transferId: string; reason: string }>;
export type TransferCancelled = LedgerEvent<'TransferCancelled', { transferId: string; reason: string }>;

export type TransferRequestEvent = TransferRequested | TransferAccepted | TransferRejected | TransferCancelled;

export const TRANSFER_REQUEST_EVENT_TYPES: ReadonlySet<string> = new Set([
  'TransferRequested',
  'TransferAccepted',
  'TransferRejected',
  'TransferCancelled',
]);

export const transferStream = (transferId: string): string => `transfer-${transferId}`;
