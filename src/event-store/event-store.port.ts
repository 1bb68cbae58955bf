/**
 * The one event-store port. Three adapters implement it (embedded SQLite, EventStoreDB,
 * in-memory) and one contract test suite (test/event-store/) holds them to the same behaviour.
 */

/** What the ledger stamps on every event; `recordedAt` is set by the store when it appends. */
export interface EventMetadata {
  readonly commandId?: string;
  /** Hash of the command body, so a reused commandId with another body can be refused. */
  readonly commandFingerprint?: string;
  readonly actor: string;
  readonly correlationId: string;
  readonly recordedAt: string;
}

export type NewEventMetadata = Omit<EventMetadata, 'recordedAt'>;

/** An event about to be appended. `id` is a UUID chosen deterministically by the caller. */
export interface NewEvent<T extends string = string, D = unknown> {
  readonly id: string;
  readonly type: T;
  readonly data: D;
  readonly metadata: NewEventMetadata;
}

export interface RecordedEvent<T extends string = string, D = unknown> {
  readonly id: string;
  readonly type: T;
  readonly data: D;
  readonly metadata: EventMetadata;
  readonly streamName: string;
  /** 0-based revision of the event within its stream. */
  readonly revision: number;
  /** Global log position, a decimal integer as a string; strictly increasing in log order. */
  readonly position: string;
}

/** `no_stream`: the stream must not exist yet; a number: the revision of its last event. */
export type ExpectedRevision = 'no_stream' | number;

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last appended event. */
  readonly streamRevision: number;
  /** Global position of the last appended event. */
  readonly position: string;
  readonly recordedAt: string;
  readonly eventIds: readonly string[];
  /**
   * Set when these very events (same ids) already stood at the expected revision, so nothing was
   * written: a retry, or a twin command decided against the same revision. (The embedded and
   * in-memory adapters say so; EventStoreDB's idempotent append does not tell.)
   */
  readonly alreadyStored?: true;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Omit to read from the start. */
  readonly after?: string;
  readonly maxCount: number;
}

export interface TypedPageOptions {
  /** Exclusive: events strictly after this position. Omit to read from the start. */
  readonly after?: string;
  /** Only events of these types are returned; the others are passed over. */
  readonly types: readonly string[];
  /** How many log positions one call looks at, at most. */
  readonly scanCount: number;
}

export interface TypedPage {
  /** The events of the asked types, in log order. */
  readonly events: RecordedEvent[];
  /** The last position looked at: where to go on from, even when no event matched; `after` at the head. */
  readonly scannedTo: string | undefined;
}

export interface ShareOptions {
  readonly after?: string;
  readonly upTo: string;
  readonly maxCount: number;
  readonly prefixes: readonly string[];
  readonly share: number;
  readonly shares: number;
  /**
   * Types whose events come with their whole metadata, not `recordedAt` alone: for a read model
   * built in the same pass that stores its events as they are (the transfer requests' list).
   */
  readonly wholeMetadataOf?: readonly string[];
}

export type EventHandler = (event: RecordedEvent) => Promise<void> | void;

export interface Subscription {
  /** Stops delivery; resolves once the handler is no longer running. */
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: deliver events strictly after it. */
  readonly after?: string;
  /** Called if delivery stops with an error (the handler threw, or the connection dropped). */
  readonly onError?: (error: unknown) => void;
}

/** One stream's part of a batch append: the events and the revision the stream must be at. */
export interface BatchAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
}

/** A commandId bound in a batch append, together with the events of its command. */
export interface CommandIdBinding {
  readonly commandId: string;
  readonly stream: string;
  readonly fingerprint: string;
}

/** Result of claiming a commandId: either newly claimed, or claimed before with these values. */
export type CommandClaim =
  { readonly status: 'claimed' } | { readonly status: 'existing'; readonly stream: string; readonly fingerprint: string };

export interface EventStore {
  /**
   * Appends atomically, only if the stream's revision is `expectedRevision`; otherwise throws
   * {@link WrongExpectedRevisionError}. Appending the same event ids again at the same expected
   * revision is an idempotent retry: it returns the original result and writes nothing.
   */
  appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;

  /** The stream's events in revision order; empty when the stream does not exist. */
  readStream(stream: string): Promise<RecordedEvent[]>;

  /** Events of the global log in order, ledger streams only. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;

  /**
   * Optional: the events of some types in the next `scanCount` positions of the log, for
   * followers that read few types (transfer requests) and would otherwise parse every event.
   * The store filters before an event becomes an object.
   */
  readAllOfTypes?(options: TypedPageOptions): Promise<TypedPage>;

  /**
   * Optional, for rebuilds split across threads: a page of the log after `after` and at or before
   * `upTo`, in log order, of the streams named with one of `prefixes`, and only those in share
   * `share` of `shares` (streams are split by name, so each stream falls in exactly one share).
   * Lean: an event's metadata carries `recordedAt` only, which is what the figures read, unless
   * its type is one of `wholeMetadataOf`.
   */
  readAllShare?(options: ShareOptions): Promise<RecordedEvent[]>;

  /** Optional: where another thread opens this same store (`openEventStoreAt`), for rebuilds split across threads. */
  readonly location?: string;

  /** Position of the newest event in the global log, or undefined when the log is empty. */
  headPosition(): Promise<string | undefined>;

  /** Catch-up then live delivery of the global log from a checkpoint, one event at a time. */
  subscribeToAll(handler: EventHandler, options?: SubscribeOptions): Subscription;

  /**
   * Records that `commandId` belongs to a command on `stream` with `fingerprint`, once and for
   * all; answers with the earlier claim when there is one.
   */
  claimCommandId(commandId: string, stream: string, fingerprint: string): Promise<CommandClaim>;

  /**
   * Optional, for bulk import: the earlier claims of these commandIds (absent ones are left out).
   */
  findCommandClaims?(commandIds: readonly string[]): Promise<Map<string, { stream: string; fingerprint: string }>>;

  /**
   * Optional, for bulk import: several appends (each checked against its expected revision, in
   * order, the same stream may come again) and commandId bindings in one transaction: all of them
   * or none. A revision mismatch throws {@link WrongExpectedRevisionError}; a commandId already
   * bound throws {@link CommandIdTakenError}. One `recordedAt` for the whole batch.
   */
  appendBatch?(appends: readonly BatchAppend[], bindings: readonly CommandIdBinding[]): Promise<AppendResult[]>;

  close(): Promise<void>;
}

/** A batch tried to bind a commandId that another command holds already. */
export class CommandIdTakenError extends Error {
  constructor(readonly commandId: string) {
    super(`commandId ${commandId} is bound already`);
    this.name = 'CommandIdTakenError';
  }
}

/** The one conflict error of every adapter. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: ExpectedRevision,
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, found ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** DI token for the port. */
export const EVENT_STORE = Symbol('EventStore');

export function revisionOf(events: readonly RecordedEvent[]): ExpectedRevision {
  return events.length === 0 ? 'no_stream' : events[events.length - 1].revision;
}
