import { join } from 'node:path';
import type { LedgerConfig } from '../config/ledger-config.js';
import type { MemberKeys } from '../personal-data/member-keys.port.js';
import { SqliteMemberKeys } from '../personal-data/sqlite-member-keys.js';
import type { Clock } from '../shared/clock.js';
import { SqliteEventStore } from './embedded/sqlite-event-store.js';
import type { EventStore } from './event-store.port.js';

/**
 * The stores a configuration names, picked without Nest: the composition root, the CLI and the
 * rebuild's worker threads all open them here. The EventStoreDB client (gRPC, ~25 MiB resident)
 * is loaded only when a connection string asks for it. `cacheMiB` sizes the embedded log's page
 * cache (default 64); `rememberedEvents` how many events of streams read before it keeps, and
 * `recentEvents` how many of the log's latest events read before (both default to none).
 */
export async function openEventStore(
  config: LedgerConfig,
  clock: Clock,
  options: { readonly cacheMiB?: number; readonly rememberedEvents?: number; readonly recentEvents?: number } = {},
): Promise<EventStore> {
  if (config.eventStoreConnectionString === undefined)
    return new SqliteEventStore(join(config.dataDir, 'events.sqlite'), clock, options);
  const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store.js');
  return new EventStoreDbEventStore(config.eventStoreConnectionString, clock);
}

/** Member data keys live with the event store: a key table beside the embedded log, key streams on EventStoreDB. */
export async function openMemberKeys(config: LedgerConfig, clock: Clock): Promise<MemberKeys> {
  if (config.eventStoreConnectionString === undefined)
    return new SqliteMemberKeys(join(config.dataDir, 'member-keys.sqlite'), clock);
  const { EventStoreDbMemberKeys } = await import('./eventstoredb/eventstoredb-event-store.js');
  return new EventStoreDbMemberKeys(config.eventStoreConnectionString);
}

/**
 * The store at a location another one gave (`EventStore.location`: the embedded log's file), for
 * a rebuild's worker threads. A worker reads the log in order: a small page cache is enough.
 */
export const openEventStoreAt = (location: string, clock: Clock): EventStore =>
  new SqliteEventStore(location, clock, { cacheMiB: 8 });
