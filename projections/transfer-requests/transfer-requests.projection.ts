import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { MemberTransferred } from '../../src/membership/member.events.js';
import type { TransferRequestEvent } from '../../src/transfer-requests/transfer-request.events.js';
import {
  evolveTransferRequest,
  noTransferRequest,
  type TransferRequestState,
} from '../../src/transfer-requests/transfer-request.state.js';
import type { Stored } from '../../src/shared/ledger-event.js';
import type { Projection } from '../projection.js';

/**
 * Answers "which transfer requests touch park P, and where does each stand?": one row per fact of
 * a request (its own events, and the member's `MemberTransferred` that carried it out), parks
 * copied onto every row so a park's requests are one indexed read.
 */
export interface TransferRequestFact {
  readonly transferId: string;
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  /** The whole event as stored, so the request's state folds from rows alone. */
  readonly event: string;
  readonly fromParkId: string | null;
  readonly toParkId: string | null;
}

export const transferRequests: Projection<TransferRequestFact> = {
  name: 'transfer-requests',
  version: 1,
  table: 'transfer_request_facts',
  schema: `CREATE TABLE IF NOT EXISTS transfer_request_facts (
    transfer_id  TEXT NOT NULL,
    position     INTEGER NOT NULL,
    event_id     TEXT NOT NULL,
    type         TEXT NOT NULL,
    event        TEXT NOT NULL,
    from_park_id TEXT,
    to_park_id   TEXT,
    PRIMARY KEY (transfer_id, position)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS transfer_requests_from ON transfer_request_facts (from_park_id) WHERE type = 'TransferRequested';
  CREATE INDEX IF NOT EXISTS transfer_requests_to ON transfer_request_facts (to_park_id) WHERE type = 'TransferRequested'`,
  types: ['TransferRequested', 'TransferAccepted', 'TransferRejected', 'TransferCancelled', 'MemberTransferred'],
  columns: {
    transferId: 'transfer_id',
    position: 'position',
    eventId: 'event_id',
    type: 'type',
    event: 'event',
    fromParkId: 'from_park_id',
    toParkId: 'to_park_id',
  },
  rowsFor(event: RecordedEvent): TransferRequestFact[] {
    const row = (transferId: string, from: string | null = null, to: string | null = null): TransferRequestFact => ({
      transferId,
      position: Number(event.position),
      eventId: event.id,
      type: event.type,
      event: JSON.stringify(event),
      fromParkId: from,
      toParkId: to,
    });
    switch (event.type) {
      case 'TransferRequested': {
        const { data } = event as Stored<Extract<TransferRequestEvent, { type: 'TransferRequested' }>>;
        return [row(data.transferId, data.from.parkId, data.to.parkId)];
      }
      case 'TransferAccepted':
      case 'TransferRejected':
      case 'TransferCancelled':
        return [row((event.data as { transferId: string }).transferId)];
      case 'MemberTransferred': {
        const { data } = event as Stored<MemberTransferred>;
        return data.transferId === undefined ? [] : [row(data.transferId)];
      }
      default:
        return [];
    }
  },
};

/** A request as the list shows it: its state, and the member event that carried it out. */
export interface TransferRequestView {
  readonly state: Exclude<TransferRequestState, { status: 'none' }>;
  readonly memberTransferred?: { readonly eventId: string; readonly recordedAt: string };
}

/** Folds one request's rows (in position order); undefined when its request event is not among them. */
export function viewOf(rows: ReadonlyArray<Pick<TransferRequestFact, 'type' | 'event'>>): TransferRequestView | undefined {
  let state: TransferRequestState = noTransferRequest;
  let memberTransferred: TransferRequestView['memberTransferred'];
  for (const row of rows) {
    const event = JSON.parse(row.event) as RecordedEvent;
    if (row.type === 'MemberTransferred') memberTransferred = { eventId: event.id, recordedAt: event.metadata.recordedAt };
    else state = evolveTransferRequest(state, event as Stored<TransferRequestEvent>);
  }
  if (state.status === 'none') return undefined;
  return { state, ...(memberTransferred ? { memberTransferred } : {}) };
}
