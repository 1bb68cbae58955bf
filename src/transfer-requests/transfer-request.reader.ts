import { type Caller, mayWrite } from '../auth/principal.js';
import type { Scopes } from '../auth/scopes.js';
import type { EventStore, RecordedEvent } from '../event-store/event-store.port.js';
import type { Stored } from '../shared/ledger-event.js';
import { notFound } from '../shared/domain-error.js';
import type { TransferRequestEvent } from './transfer-request.events.js';
import { foldTransferRequest, type TransferRequestState } from './transfer-request.state.js';
import type { TransferSides } from './transfer-sides.js';

export const asTransferRequest = (events: readonly RecordedEvent[]): TransferRequestState =>
  foldTransferRequest(events as ReadonlyArray<Stored<TransferRequestEvent>>);

/** The member a request names, for taking the member's lock before reading it under the request's. */
export async function memberOfRequest(store: EventStore, stream: string): Promise<string | undefined> {
  const state = asTransferRequest(await store.readStream(stream));
  return state.status === 'none' ? undefined : state.request.memberId;
}

/** Both offices of a request, as places (park and city) for the access checks. */
export async function sidesOf(
  scopes: Scopes,
  request: { from: { parkId: string }; to: { parkId: string } },
): Promise<TransferSides> {
  const origin = await scopes.placeOfPark(request.from.parkId);
  const destination = await scopes.placeOfPark(request.to.parkId);
  if (!origin) throw notFound('Park', request.from.parkId);
  if (!destination) throw notFound('Park', request.to.parkId);
  return { origin, destination };
}

/**
 * Refuses (403) a caller the side rule does not allow: "outside the caller's scope" when they
 * write for neither end, else why their side may not do it.
 */
export function assertSide(scopes: Scopes, meta: Caller, sides: TransferSides, allowed: boolean, target: string, why: string) {
  const inScope = mayWrite(meta.principal, sides.origin) || mayWrite(meta.principal, sides.destination);
  scopes.assertAllowed(meta, allowed, target, inScope ? why : "outside the caller's scope (neither end of the transfer)");
}
