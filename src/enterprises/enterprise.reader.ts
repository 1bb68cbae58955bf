import { type EventStore } from '../event-store/event-store.port.js';
import { type Stored } from '../shared/ledger-event.js';
import { type EnterpriseEvent, enterpriseStream } from './enterprise.events.js';
import { type EnterpriseState, foldEnterprise } from './enterprise.state.js';

export async function readEnterprise(store: EventStore, enterpriseId: string): Promise<EnterpriseState> {
  return foldEnterprise((await store.readStream(enterpriseStream(enterpriseId))) as Array<Stored<EnterpriseEvent>>);
}

export async function readEnterprises(store: EventStore, ids: Iterable<string>): Promise<Map<string, EnterpriseState>> {
  const states = new Map<string, EnterpriseState>();
  for (const id of new Set(ids)) states.set(id, await readEnterprise(store, id));
  return states;
}
