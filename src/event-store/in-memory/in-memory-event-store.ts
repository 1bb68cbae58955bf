import { type Clock, monotonicIso, systemClock } from '../../shared/clock.js';
import { checkAppend, isLedgerStream } from '../append-rules.js';
import { AppendSignal, catchUpSubscription } from '../catch-up-subscription.js';
import {
  type EventMetadata,
  type ShareOptions,
  type TypedPage,
  type TypedPageOptions,
  type AppendOptions,
  type AppendResult,
  type BatchAppend,
  type CommandIdBinding,
  CommandIdTakenError,
  type ExpectedRevision,
  WrongExpectedRevisionError,
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
    return this.append(stream, events, options.expectedRevision, this.nextRecordedAt());
  }

  async appendBatch(appends: readonly BatchAppend[], bindings: readonly CommandIdBinding[]): Promise<AppendResult[]> {
    // Checked in full before anything is applied: all or nothing, as in one transaction.
    const revisions = new Map<string, ExpectedRevision>();
    for (const a of appends) {
      const current = revisions.get(a.stream) ?? revisionOf(this.streams.get(a.stream) ?? []);
      if (current !== a.expectedRevision) throw new WrongExpectedRevisionError(a.stream, a.expectedRevision, current);
      revisions.set(a.stream, (a.expectedRevision === 'no_stream' ? -1 : a.expectedRevision) + a.events.length);
    }
    const taken = bindings.find((b) => this.claims.has(b.commandId));
    if (taken) throw new CommandIdTakenError(taken.commandId);
    for (const b of bindings) this.claims.set(b.commandId, { stream: b.stream, fingerprint: b.fingerprint });
    const recordedAt = this.nextRecordedAt();
    return appends.map((a) => this.append(a.stream, a.events, a.expectedRevision, recordedAt));
  }

  async findCommandClaims(commandIds: readonly string[]): Promise<Map<string, { stream: string; fingerprint: string }>> {
    const found = new Map<string, { stream: string; fingerprint: string }>();
    for (const id of commandIds) {
      const claim = this.claims.get(id);
      if (claim) found.set(id, { ...claim });
    }
    return found;
  }

  private nextRecordedAt(): string {
    return monotonicIso(this.clock.now(), this.log.at(-1)?.metadata.recordedAt);
  }

  private append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, recordedAt: string): AppendResult {
    if (events.length === 0) throw new Error('nothing to append');
    const existing = this.streams.get(stream) ?? [];
    const check = checkAppend(stream, revisionOf(existing), expected, events, (from, count) =>
      existing.slice(from, from + count),
    );
    if (check.kind === 'retry') return check.result;
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

  async readAllOfTypes(options: TypedPageOptions): Promise<TypedPage> {
    const start = options.after === undefined ? 0 : Number(options.after);
    const upTo = Math.min(this.log.length, start + options.scanCount);
    if (upTo <= start) return { events: [], scannedTo: options.after };
    const events = this.log.slice(start, upTo).filter((e) => isLedgerStream(e.streamName) && options.types.includes(e.type));
    return { events, scannedTo: String(upTo) };
  }

  /** Shares by the stream name's last character, as the embedded store splits them. */
  async readAllShare(options: ShareOptions): Promise<RecordedEvent[]> {
    const start = options.after === undefined ? 0 : Number(options.after);
    const upTo = Number(options.upTo);
    const out: RecordedEvent[] = [];
    for (let i = start; i < upTo && i < this.log.length && out.length < options.maxCount; i++) {
      const e = this.log[i];
      if (!options.prefixes.some((p) => e.streamName.startsWith(p))) continue;
      if (e.streamName.codePointAt(e.streamName.length - 1)! % options.shares !== options.share) continue;
      out.push(
        options.wholeMetadataOf?.includes(e.type)
          ? e
          : { ...e, metadata: { recordedAt: e.metadata.recordedAt } as EventMetadata },
      );
    }
    return out;
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
