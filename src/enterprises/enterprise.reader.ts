import { type EventStore } from '../event-store/event-store.port.js';
import { type Stored } from '../shared/ledger-event.js';
import { type EnterpriseEvent, enterpriseStream } from './enterprise.events.js';
import { type EnterpriseState, foldEnterprise } from './enterprise.state.js';

export async function readEnterprise(store: EventStore, enterpriseId: string): Promise<EnterpriseState> {
  return foldEnterprise((await store.readStream(enterpriseStream(enterpriseId))) as Array<Stored<EnterpriseEvent>>);
}

export async function readEnterprises(store: EventStore, ids: Iterable<string>): Promise<Map<string, EnterpriseState>> {
  // Read side by side: on EventStoreDB each read is a round trip.
  return new Map(await Promise.all([...new Set(ids)].map(async (id) => [id, await readEnterprise(store, id)] as const)));
}
