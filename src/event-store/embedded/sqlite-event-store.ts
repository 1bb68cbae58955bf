import type Database from 'better-sqlite3';
import { type fdatasync } from 'node:fs';
import { type Clock, monotonicIso, systemClock } from '../../shared/clock.js';
import { GroupCommit } from '../../shared/group-commit.js';
import { openSqliteFile, savepointsIn, WalSync } from '../../shared/sqlite-file.js';
import { checkAppend } from '../append-rules.js';
import { AppendSignal, catchUpSubscription } from '../catch-up-subscription.js';
import { RecentLog } from './recent-log.js';
import {
  type AppendOptions,
  type BatchAppend,
  type CommandIdBinding,
  CommandIdTakenError,
  type AppendResult,
  type CommandClaim,
  type EventHandler,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type ShareOptions,
  type TypedPage,
  type TypedPageOptions,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port.js';

interface EventRow {
  position: number;
  event_id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

// Every index here takes a write per event, most of them at random keys (person streams, ids):
// an event id is unique by construction (a deterministic or random UUID) and needs none, and a
// stream's revision is the last key of the (stream, revision) index, so no table of streams.
// Files made before keep their event-id index; their table of streams is dropped on open.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY,
  event_id  TEXT NOT NULL,
  stream    TEXT NOT NULL,
  revision  INTEGER NOT NULL,
  type      TEXT NOT NULL,
  data      TEXT NOT NULL,
  metadata  TEXT NOT NULL,
  UNIQUE (stream, revision)
);
DROP TABLE IF EXISTS streams;
CREATE TABLE IF NOT EXISTS command_ids (
  command_id  TEXT PRIMARY KEY,
  stream      TEXT NOT NULL,
  fingerprint TEXT NOT NULL
) WITHOUT ROWID;
`;

const EXTERNAL_APPEND_POLL_MS = 1000;
/**
 * How many events the service's store remembers between reads of their streams (~1 KiB each).
 * Others remember none: the rebuild's workers read each stream once, in a small heap.
 */
export const SERVICE_REMEMBERED_EVENTS = 20_000;
/** How many of the log's latest events the service's store keeps as read (`RecentLog`). */
export const SERVICE_RECENT_EVENTS = 10_000;

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    data: JSON.parse(row.data),
    metadata: JSON.parse(row.metadata),
    streamName: row.stream,
    revision: row.revision,
    position: String(row.position),
  };
}

/**
 * The default store: one SQLite file in WAL mode, each commit synced before anyone hears of it or
 * reads it (what synchronous=FULL does, done in the thread pool: WalSync). Each append checks the
 * stream's last revision against the expected one inside a write transaction (and the
 * (stream, revision) key is unique), so the global position (the rowid) has no gaps that a
 * reader could see. The appends and commandId claims asked for in one turn of
 * the event loop commit in one BEGIN IMMEDIATE transaction (group commit: one fsync), each in its
 * own savepoint, and each caller is answered after that commit and its sync.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly signal = new AppendSignal();
  private readonly appendTx: (stream: string, events: readonly NewEvent[], expected: ExpectedRevision) => AppendResult;
  private readonly stampedBatchTx: (appends: readonly BatchAppend[]) => AppendResult[];
  private readonly findClaimsTx: (commandIds: readonly string[]) => Map<string, { stream: string; fingerprint: string }>;
  private readonly stmts;
  private readonly group: GroupCommit;
  private readonly wal: WalSync;
  private readonly shareStatements = new Map<number, Database.Statement>();
  private readonly typedStatements = new Map<number, Database.Statement<unknown[], EventRow>>();
  /**
   * Streams read lately, least recently read first, with their events: a stream's events never
   * change once written, so a second read asks SQLite only for what came after (an enterprise's
   * stream of headcounts grows with every command on it).
   */
  private readonly remembered = new Map<string, RecordedEvent[]>();
  private rememberedEvents = 0;
  private readonly rememberAtMost: number;
  private readonly recent: RecentLog | undefined;

  constructor(
    readonly location: string,
    private readonly clock: Clock = systemClock,
    options: { cacheMiB?: number; rememberedEvents?: number; recentEvents?: number; syncFile?: typeof fdatasync } = {},
  ) {
    this.db = openSqliteFile(location, 'FULL');
    this.rememberAtMost = options.rememberedEvents ?? 0;
    this.recent = options.recentEvents ? new RecentLog(options.recentEvents) : undefined;
    // Each commit is synced as FULL would, but in the thread pool: the event loop goes on serving.
    this.wal = new WalSync(this.db, location, options.syncFile);
    // The indexes on streams and commandIds take keys in random order: a 64 MiB page
    // cache (SQLite's default is 2 MiB) keeps more of them hot. Checkpoints every ~40 MiB of WAL
    // instead of every 4 MiB: a bulk import's batches then pay for far fewer of them (~30 %).
    this.db.pragma(`cache_size = -${(options.cacheMiB ?? 64) * 1024}`);
    this.db.pragma('wal_autocheckpoint = 10000');
    this.db.exec(SCHEMA);
    this.stmts = {
      revision: this.db.prepare<[string], { revision: number }>(
        'SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
      ),
      insertEvent: this.db.prepare(
        'INSERT INTO events (event_id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      lastRecordedAt: this.db.prepare<[], { metadata: string }>('SELECT metadata FROM events ORDER BY position DESC LIMIT 1'),
      readStream: this.db.prepare<[string], EventRow>('SELECT * FROM events WHERE stream = ? ORDER BY revision'),
      readRange: this.db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      // Its own statement, not readRange with LIMIT -1: that one took 12 µs where this takes 3.
      readFrom: this.db.prepare<[string, number], EventRow>(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision',
      ),
      readAll: this.db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      head: this.db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
      claim: this.db.prepare('INSERT OR IGNORE INTO command_ids (command_id, stream, fingerprint) VALUES (?, ?, ?)'),
      readClaim: this.db.prepare<[string], { stream: string; fingerprint: string }>(
        'SELECT stream, fingerprint FROM command_ids WHERE command_id = ?',
      ),
    };
    this.group = new GroupCommit(
      savepointsIn(this.db, this.wal),
      () => this.signal.notify(),
      () => this.wal.sync(),
    );
    this.appendTx = this.db.transaction((stream, events, expected) =>
      this.appendInTransaction(stream, events, expected, this.nextRecordedAt()),
    ).immediate as typeof this.appendTx;
    // One read transaction for many look-ups: one snapshot, one lock, instead of one each.
    this.findClaimsTx = this.db.transaction((commandIds: readonly string[]) => {
      const found = new Map<string, { stream: string; fingerprint: string }>();
      for (const id of commandIds) {
        const claim = this.stmts.readClaim.get(id);
        if (claim) found.set(id, { stream: claim.stream, fingerprint: claim.fingerprint });
      }
      return found;
    }) as typeof this.findClaimsTx;
    this.stampedBatchTx = this.db.transaction((appends: readonly BatchAppend[]) =>
      appends.map((a) => this.appendInTransaction(a.stream, a.events, a.expectedRevision, this.nextRecordedAt())),
    ).immediate as typeof this.stampedBatchTx;
  }

  /**
   * Several appends in one transaction, each stamped by the clock in turn: for fixtures that
   * replay a history with its own recording instants (the benchmark's synthetic history).
   */
  appendStampedBatch(appends: readonly BatchAppend[]): AppendResult[] {
    this.wal.check();
    const results = this.stampedBatchTx(appends);
    this.wal.syncNow();
    this.signal.notify();
    return results;
  }

  /**
   * Several appends and commandId bindings atomically (all of them or none), committed with the
   * other writes of the same event-loop turn (one fsync): an import's batch, or a join's person
   * claim with its member event.
   */
  async appendBatch(appends: readonly BatchAppend[], bindings: readonly CommandIdBinding[] = []): Promise<AppendResult[]> {
    return this.group.run(() => {
      for (const b of bindings)
        if (this.stmts.claim.run(b.commandId, b.stream, b.fingerprint).changes !== 1) throw new CommandIdTakenError(b.commandId);
      const recordedAt = this.nextRecordedAt();
      return appends.map((a) => this.appendInTransaction(a.stream, a.events, a.expectedRevision, recordedAt));
    });
  }

  async findCommandClaims(commandIds: readonly string[]): Promise<Map<string, { stream: string; fingerprint: string }>> {
    await this.wal.settled();
    return this.findClaimsTx(commandIds);
  }

  /** The clock's now, made later than the newest recordedAt in the log. */
  private nextRecordedAt(): string {
    const previous = this.stmts.lastRecordedAt.get();
    return monotonicIso(this.clock.now(), previous ? JSON.parse(previous.metadata).recordedAt : undefined);
  }

  private appendInTransaction(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    recordedAt: string,
  ): AppendResult {
    const current = this.stmts.revision.get(stream)?.revision;
    const check = checkAppend(stream, current ?? 'no_stream', expected, events, (from, count) =>
      this.stmts.readRange.all(stream, from, count).map(toRecorded),
    );
    if (check.kind === 'retry') return check.result;
    const last = events.length - 1 + check.nextRevision;
    let position = 0;
    events.forEach((e, i) => {
      const info = this.stmts.insertEvent.run(
        e.id,
        stream,
        check.nextRevision + i,
        e.type,
        JSON.stringify(e.data),
        JSON.stringify({ ...e.metadata, recordedAt }),
      );
      position = Number(info.lastInsertRowid);
    });
    return { streamRevision: last, position: String(position), recordedAt, eventIds: events.map((e) => e.id) };
  }

  /** Appends of the same event-loop turn commit together (one fsync); each is checked and fails alone. */
  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (events.length === 0) throw new Error('nothing to append');
    return this.group.run(() => this.appendTx(stream, events, options.expectedRevision));
  }

  async readStream(stream: string): Promise<RecordedEvent[]> {
    await this.wal.settled();
    const known = this.remembered.get(stream);
    let events: RecordedEvent[];
    if (known === undefined) events = this.stmts.readStream.all(stream).map(toRecorded);
    else {
      this.forget(stream);
      // Revisions run 0, 1, 2, … with no gaps, so what came after is what starts at the count.
      const after = this.stmts.readFrom.all(stream, known.length).map(toRecorded);
      events = after.length === 0 ? known : known.concat(after);
    }
    if (events.length > 0 && events.length <= this.rememberAtMost) {
      this.remembered.set(stream, events);
      this.rememberedEvents += events.length;
      for (const [name] of this.remembered) {
        if (this.rememberedEvents <= this.rememberAtMost) break;
        this.forget(name);
      }
    }
    // A remembered array is not handed out: the caller gets its own (the events themselves are shared and never changed).
    return this.remembered.get(stream) === events ? events.slice() : events;
  }

  private forget(stream: string): void {
    this.rememberedEvents -= this.remembered.get(stream)?.length ?? 0;
    this.remembered.delete(stream);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    await this.wal.settled();
    const after = options.after === undefined ? 0 : Number(options.after);
    const { maxCount } = options;
    const fromLog = (from: number, count: number) => this.stmts.readAll.all(from, count).map(toRecorded);
    if (this.recent === undefined) return fromLog(after, maxCount);
    // What is held reaches the last event read: the rest comes from the log, and is held too.
    const held = this.recent.read(after, maxCount) ?? [];
    if (held.length === maxCount) return held;
    const through = held.length === 0 ? after : Number(held[held.length - 1].position);
    const more = fromLog(through, maxCount - held.length);
    this.recent.add(through, more);
    return held.length === 0 ? more : held.concat(more);
  }

  async readAllOfTypes(options: TypedPageOptions): Promise<TypedPage> {
    await this.wal.settled();
    const after = options.after === undefined ? 0 : Number(options.after);
    // Rowids commit in order, so every position up to the head read now is there to be scanned.
    const upTo = Math.min(this.stmts.head.get()?.position ?? 0, after + options.scanCount);
    if (upTo <= after) return { events: [], scannedTo: options.after };
    let statement = this.typedStatements.get(options.types.length);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[], EventRow>(
        `SELECT * FROM events WHERE position > ? AND position <= ? AND type IN (${options.types.map(() => '?').join(', ')}) ORDER BY position`,
      );
      this.typedStatements.set(options.types.length, statement);
    }
    return { events: statement.all(after, upTo, ...options.types).map(toRecorded), scannedTo: String(upTo) };
  }

  async readAllShare(options: ShareOptions): Promise<RecordedEvent[]> {
    await this.wal.settled();
    const whole = options.wholeMetadataOf ?? [];
    const rows = this.shareStatement(options.prefixes.length, whole.length).all(
      ...whole,
      options.after === undefined ? 0 : Number(options.after),
      Number(options.upTo),
      ...options.prefixes,
      options.shares,
      options.share,
      options.maxCount,
    );
    return rows.map(([position, id, streamName, revision, type, data, recordedAt, metadata]) => ({
      id,
      type,
      data: JSON.parse(data),
      metadata: metadata === null ? ({ recordedAt } as EventMetadata) : JSON.parse(metadata),
      streamName,
      revision,
      position: String(position),
    }));
  }

  /**
   * Share of a stream: its last character's code point modulo the shares (computed by SQLite, so
   * other shares' rows are never read into JS). The whole metadata comes only with the events of
   * `wholeTypes` types (the others give NULL).
   */
  private shareStatement(prefixes: number, wholeTypes: number) {
    const key = prefixes * 1000 + wholeTypes;
    let statement = this.shareStatements.get(key);
    if (!statement) {
      const metadata =
        wholeTypes === 0 ? 'NULL' : `CASE WHEN type IN (${Array(wholeTypes).fill('?').join(', ')}) THEN metadata END`;
      statement = this.db.prepare(
        `SELECT position, event_id, stream, revision, type, data, json_extract(metadata, '$.recordedAt') AS recorded_at,
           ${metadata} AS metadata
         FROM events
         WHERE position > ? AND position <= ?
           AND substr(stream, 1, instr(stream, '-')) IN (${Array(prefixes).fill('?').join(', ')})
           AND unicode(substr(stream, -1)) % ? = ?
         ORDER BY position LIMIT ?`,
      );
      // Rows as arrays: a rebuild reads every row of the log, and arrays cost less to make than objects (~2.5 µs a row).
      statement.raw(true);
      this.shareStatements.set(key, statement);
    }
    return statement as Database.Statement<unknown[], [number, string, string, number, string, string, string, string | null]>;
  }

  async headPosition(): Promise<string | undefined> {
    await this.wal.settled();
    const head = this.stmts.head.get()?.position;
    return head == null ? undefined : String(head);
  }

  subscribeToAll(handler: EventHandler, options?: SubscribeOptions): Subscription {
    return catchUpSubscription(
      (after, maxCount) => this.readAll({ after, maxCount }),
      // Another process (`ledger import`) may append to the same file: look again every second.
      () => this.signal.next(EXTERNAL_APPEND_POLL_MS),
      handler,
      options,
    );
  }

  async claimCommandId(commandId: string, stream: string, fingerprint: string): Promise<CommandClaim> {
    return this.group.run((): CommandClaim => {
      if (this.stmts.claim.run(commandId, stream, fingerprint).changes === 1) return { status: 'claimed' };
      const earlier = this.stmts.readClaim.get(commandId)!;
      return { status: 'existing', stream: earlier.stream, fingerprint: earlier.fingerprint };
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.group.flush();
    await this.wal.close();
    this.signal.notify();
    if (this.db.open) this.db.close();
  }
}
