import { type Clock, monotonicIso, systemClock } from '../../shared/clock.js';
import { checkAppend, isLedgerStream } from '../append-rules.js';
import { AppendSignal, catchUpSubscription } from '../catch-up-subscription.js';
import {
  type AppendOptions,
  type AppendResult,
  type CommandClaim,
  type EventHandler,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  revisionOf,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';

/** For unit tests only: nothing survives the process. */
export class InMemoryEventStore implements EventStore {
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly claims = new Map<string, { stream: string; fingerprint: string }>();
  private readonly signal = new AppendSignal();

  constructor(private readonly clock: Clock = systemClock) {}

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('nothing to append');
    const existing = this.streams.get(stream) ?? [];
    const check = checkAppend(stream, revisionOf(existing), options.expectedRevision, events, (from, count) =>
      existing.slice(from, from + count),
    );
    if (check.kind === 'retry') return check.result;
    const recordedAt = monotonicIso(this.clock.now(), this.log.at(-1)?.metadata.recordedAt);
    const appended = events.map((e, i): RecordedEvent => ({
      id: e.id,
      type: e.type,
      data: structuredClone(e.data),
      metadata: { ...e.metadata, recordedAt },
      streamName: stream,
      revision: check.nextRevision + i,
      position: String(this.log.length + 1 + i),
    }));
    this.streams.set(stream, [...existing, ...appended]);
    this.log.push(...appended);
    this.signal.notify();
    const last = appended[appended.length - 1];
    return { streamRevision: last.revision, position: last.position, recordedAt, eventIds: appended.map((e) => e.id) };
  }

  async readStream(stream: string): Promise<RecordedEvent[]> {
    return [...(this.streams.get(stream) ?? [])];
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const start = options.after === undefined ? 0 : Number(options.after);
    return this.log.slice(start, start + options.maxCount).filter((e) => isLedgerStream(e.streamName));
  }

  async headPosition(): Promise<string | undefined> {
    return this.log.at(-1)?.position;
  }

  subscribeToAll(handler: EventHandler, options?: SubscribeOptions): Subscription {
    return catchUpSubscription(
      (after, maxCount) => this.readAll({ after, maxCount }),
      () => this.signal.next(),
      handler,
      options,
    );
  }

  async claimCommandId(commandId: string, stream: string, fingerprint: string): Promise<CommandClaim> {
    const earlier = this.claims.get(commandId);
    if (earlier) return { status: 'existing', ...earlier };
    this.claims.set(commandId, { stream, fingerprint });
    return { status: 'claimed' };
  }

  async close(): Promise<void> {
    this.signal.notify();
  }
}
