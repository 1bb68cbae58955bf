import { type EventStore } from '../event-store/event-store.port.js';
import { type Stored } from '../shared/ledger-event.js';
import { type ParkEvent, parkStream } from './park.events.js';
import { foldPark, type ParkState } from './park.state.js';

export async function readPark(store: EventStore, parkId: string): Promise<ParkState> {
  return foldPark((await store.readStream(parkStream(parkId))) as Array<Stored<ParkEvent>>);
}
