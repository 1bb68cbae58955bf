import type { Stored } from '../shared/ledger-event.js';
import type { TransferRequested, TransferRequestEvent } from './transfer-request.events.js';

export type TransferStatus = 'pending' | 'accepted' | 'rejected' | 'cancelled';
export const TRANSFER_STATUSES: readonly TransferStatus[] = ['pending', 'accepted', 'rejected', 'cancelled'];

/** Who did something to a request, and when it was recorded. */
export interface Stamp {
  readonly eventId: string;
  readonly actor: string;
  readonly correlationId: string;
  readonly recordedAt: string;
}

export type TransferRequestState =
  | { readonly status: 'none' }
  | {
      readonly status: TransferStatus;
      readonly request: TransferRequested['data'];
      readonly requested: Stamp;
      /** Set once accepted; kept when a refusal at completion ends the request rejected. */
      readonly accepted?: Stamp & { readonly effectiveDate: string };
      /** The rejection or cancellation that ended it. */
      readonly ended?: Stamp & { readonly reason: string };
    };

export const noTransferRequest: TransferRequestState = { status: 'none' };

const stampOf = (event: Stored<TransferRequestEvent>): Stamp => ({
  eventId: event.id,
  actor: event.metadata.actor,
  correlationId: event.metadata.correlationId,
  recordedAt: event.metadata.recordedAt,
});

/**
 * A request's life: pending until accepted, rejected or cancelled. An accepted request can still
 * end rejected, when the member's rules refuse the move at completion (the member left meanwhile).
 */
export function evolveTransferRequest(state: TransferRequestState, event: Stored<TransferRequestEvent>): TransferRequestState {
  switch (event.type) {
    case 'TransferRequested':
      return { status: 'pending', request: event.data, requested: stampOf(event) };
    case 'TransferAccepted':
      if (state.status !== 'pending') return state;
      return { ...state, status: 'accepted', accepted: { ...stampOf(event), effectiveDate: event.data.effectiveDate } };
    case 'TransferRejected':
      if (state.status !== 'pending' && state.status !== 'accepted') return state;
      return { ...state, status: 'rejected', ended: { ...stampOf(event), reason: event.data.reason } };
    case 'TransferCancelled':
      if (state.status !== 'pending') return state;
      return { ...state, status: 'cancelled', ended: { ...stampOf(event), reason: event.data.reason } };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export const foldTransferRequest = (events: ReadonlyArray<Stored<TransferRequestEvent>>): TransferRequestState =>
  events.reduce(evolveTransferRequest, noTransferRequest);
