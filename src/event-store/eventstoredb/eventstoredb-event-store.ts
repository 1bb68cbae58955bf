import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  StreamDeletedError,
  streamNameFilter,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type CurrentRevision,
  type JSONType,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DATA_KEY_BYTES, MemberKeyErasedError, type MemberKeys } from '../../personal-data/member-keys.port.js';
import { type Clock, monotonicIso, systemClock } from '../../shared/clock.js';
import {
  type AppendOptions,
  type AppendResult,
  type CommandClaim,
  type EventHandler,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevisionError,
} from '../event-store.port.js';

/**
 * Ledger streams: not ESDB's own (`$`-prefixed), not this adapter's command-claim streams and
 * not the member data-key streams, so readAll, headPosition and subscriptions see what the other
 * adapters show (and no key ever reaches a projection). Also sent to the server as the
 * subscription filter (.NET regex syntax is a superset of this one).
 */
const LEDGER_STREAM = /^(?!\$)(?!command-[0-9a-f]{64}$)(?!datakey-)/;
const READ_PAGE = 512;

function isLedgerStream(stream: string): boolean {
  return LEDGER_STREAM.test(stream);
}

function commandStream(commandId: string): string {
  return `command-${createHash('sha256').update(commandId).digest('hex')}`;
}

function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  return expected === 'no_stream' ? NO_STREAM : BigInt(expected);
}

function fromEsdbCurrent(current: CurrentRevision | undefined): ExpectedRevision {
  return current === undefined || current === NO_STREAM || current < 0n ? 'no_stream' : Number(current);
}

function atPosition(position: string): Position {
  const p = BigInt(position);
  return { commit: p, prepare: p };
}

/**
 * The commit position is the port's position: outside explicit (TCP-only) transactions each event
 * has its own log record, so commit === prepare and it is unique and increasing along `$all`.
 */
function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.position) throw new Error(`event ${event.id} has no $all position (EventStoreDB >= 22.6 required)`);
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata as unknown as EventMetadata,
    streamName: event.streamId,
    revision: Number(event.revision),
    position: event.position.commit.toString(),
  };
}

async function collect<E extends ResolvedEvent>(read: StreamingRead<E>): Promise<EsdbRecordedEvent[]> {
  const events: EsdbRecordedEvent[] = [];
  for await (const resolved of read) if (resolved.event) events.push(resolved.event);
  return events;
}

/**
 * EventStoreDB / KurrentDB over gRPC. Conflicts and idempotent retries come from the server's own
 * expected-revision check; every append passes an explicit expected revision, never `any`.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  /**
   * recordedAt rises along this instance's sequential appends only. ESDB has no lock across
   * streams, so concurrent appends, other writers or a restart with a clock behind can still
   * leave an earlier recordedAt after a later one in `$all`.
   */
  private lastRecordedAt: string | undefined;
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    connectionString: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('nothing to append');
    const expected = options.expectedRevision;
    const recordedAt = monotonicIso(this.clock.now(), this.lastRecordedAt);
    try {
      await this.client.appendToStream(
        stream,
        events.map((e) =>
          jsonEvent({ id: e.id, type: e.type, data: e.data as JSONType, metadata: { ...e.metadata, recordedAt } }),
        ),
        { expectedRevision: toEsdbExpected(expected) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new WrongExpectedRevisionError(stream, expected, fromEsdbCurrent(error.actualVersion));
      }
      throw error;
    }
    // Success means the events now stand right after `expected`, written now or by the original
    // call this one retries; read the last one back so a retry returns the original result.
    const streamRevision = (expected === 'no_stream' ? -1 : expected) + events.length;
    const [last] = await collect(
      this.client.readStream(stream, { fromRevision: BigInt(streamRevision), maxCount: 1, direction: FORWARDS }),
    );
    if (last?.id !== events[events.length - 1].id) throw new Error(`stream ${stream}: append not found at ${streamRevision}`);
    const stored = toRecorded(last);
    if (this.lastRecordedAt === undefined || stored.metadata.recordedAt > this.lastRecordedAt) {
      this.lastRecordedAt = stored.metadata.recordedAt;
    }
    return {
      streamRevision,
      position: stored.position,
      recordedAt: stored.metadata.recordedAt,
      eventIds: events.map((e) => e.id),
    };
  }

  async readStream(stream: string): Promise<RecordedEvent[]> {
    try {
      const events = await collect(this.client.readStream(stream, { fromRevision: START, direction: FORWARDS }));
      return events.map(toRecorded);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /** Client 6.x reads `$all` without a server-side filter, so pages are filtered here. */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const result: RecordedEvent[] = [];
    let cursor = options.after === undefined ? undefined : BigInt(options.after);
    while (result.length < options.maxCount) {
      const page = await collect(
        this.client.readAll({
          fromPosition: cursor === undefined ? START : { commit: cursor, prepare: cursor },
          maxCount: READ_PAGE,
          direction: FORWARDS,
        }),
      );
      for (const event of page) {
        const commit = event.position!.commit;
        // Reading forwards from a position includes the event at it; `after` is exclusive.
        if (cursor !== undefined && commit <= cursor) continue;
        cursor = commit;
        if (!isLedgerStream(event.streamId)) continue;
        result.push(toRecorded(event));
        if (result.length === options.maxCount) break;
      }
      if (page.length < READ_PAGE) break;
    }
    return result;
  }

  async headPosition(): Promise<string | undefined> {
    let cursor: bigint | undefined;
    for (;;) {
      const page = await collect(
        this.client.readAll({
          fromPosition: cursor === undefined ? END : { commit: cursor, prepare: cursor },
          maxCount: 64,
          direction: BACKWARDS,
        }),
      );
      for (const event of page) {
        const commit = event.position!.commit;
        if (cursor !== undefined && commit >= cursor) continue;
        cursor = commit;
        if (isLedgerStream(event.streamId)) return commit.toString();
      }
      if (page.length < 64) return undefined;
    }
  }

  subscribeToAll(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    const after = options.after === undefined ? undefined : BigInt(options.after);
    const esdb = this.client.subscribeToAll({
      fromPosition: after === undefined ? START : atPosition(options.after!),
      filter: streamNameFilter({ regex: LEDGER_STREAM.source }),
    });
    let stopped = false;
    let cancelled: Promise<void> | undefined;
    const cancel = () =>
      (cancelled ??= esdb
        .unsubscribe()
        .catch(() => undefined)
        .then(() => void esdb.destroy()));
    const loop = (async () => {
      let checkpoint = after ?? -1n;
      for await (const resolved of esdb) {
        if (stopped) break;
        const event = resolved.event;
        // The server starts after `fromPosition`; the guard keeps "at most once, in order" regardless.
        if (!event?.position || event.position.commit <= checkpoint || !isLedgerStream(event.streamId)) continue;
        await handler(toRecorded(event));
        checkpoint = event.position.commit;
      }
      if (!stopped) throw new Error('subscription to $all ended');
    })()
      .catch((error: unknown) => {
        if (stopped) return;
        stopped = true;
        options.onError?.(error);
      })
      .finally(() => {
        this.subscriptions.delete(subscription);
        return cancel();
      });
    const subscription: Subscription = {
      async stop() {
        stopped = true;
        await cancel();
        await loop;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async claimCommandId(commandId: string, stream: string, fingerprint: string): Promise<CommandClaim> {
    const claimStream = commandStream(commandId);
    try {
      // A random id: a second claim, even with identical data, must conflict rather than be
      // taken by the server as an idempotent retry.
      await this.client.appendToStream(
        claimStream,
        jsonEvent({ id: randomUUID(), type: 'CommandClaimed', data: { commandId, stream, fingerprint } }),
        { expectedRevision: NO_STREAM },
      );
      return { status: 'claimed' };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
    const [first] = await collect(this.client.readStream(claimStream, { fromRevision: START, maxCount: 1 }));
    const earlier = first.data as { stream: string; fingerprint: string };
    return { status: 'existing', stream: earlier.stream, fingerprint: earlier.fingerprint };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }
}

/**
 * Member data keys on EventStoreDB: one `datakey-<memberId>` stream each, holding the key.
 * Erasing tombstones the stream (a hard delete: it can never be written again, and its events
 * leave the database files at the next scavenge, which operators should run after erasures).
 * Kept in this file because it is the only one that may import the client.
 */
export class EventStoreDbMemberKeys implements MemberKeys {
  private readonly client: EventStoreDBClient;

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  async getOrCreate(memberId: string): Promise<Buffer> {
    for (;;) {
      const existing = await this.get(memberId);
      if (existing === 'erased') throw new MemberKeyErasedError(memberId);
      if (existing) return existing;
      try {
        await this.client.appendToStream(
          keyStream(memberId),
          jsonEvent({
            id: randomUUID(),
            type: 'MemberDataKeyCreated',
            data: { key: randomBytes(DATA_KEY_BYTES).toString('base64') },
          }),
          { expectedRevision: NO_STREAM },
        );
      } catch (error) {
        // Another process created (or erased) it first: read again and take theirs.
        if (!(error instanceof WrongExpectedVersionError) && !(error instanceof StreamDeletedError)) throw error;
      }
    }
  }

  async get(memberId: string): Promise<Buffer | 'erased' | undefined> {
    try {
      const [first] = await collect(this.client.readStream(keyStream(memberId), { fromRevision: START, maxCount: 1 }));
      return first ? Buffer.from((first.data as { key: string }).key, 'base64') : undefined;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      if (error instanceof StreamDeletedError) return 'erased';
      throw error;
    }
  }

  async erase(memberId: string): Promise<void> {
    try {
      await this.client.tombstoneStream(keyStream(memberId), { expectedRevision: ANY });
    } catch (error) {
      if (!(error instanceof StreamDeletedError)) throw error;
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

const keyStream = (memberId: string): string => `datakey-${memberId}`;
