import type { Clock } from '../shared/clock.js';
import { SqliteEventStore } from './embedded/sqlite-event-store.js';
import type { EventStore } from './event-store.port.js';

/**
 * The store at a location another one gave (`EventStore.location`: the embedded log's file), for
 * a rebuild's worker threads. Kept apart from the composition root so a worker loads no Nest.
 * A worker reads the log in order: a small page cache is enough.
 */
export const openEventStoreAt = (location: string, clock: Clock): EventStore =>
  new SqliteEventStore(location, clock, { cacheMiB: 8 });
