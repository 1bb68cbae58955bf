import type Database from 'better-sqlite3';
import type { Projection } from '../../projections/projection.js';
import { type EventStore, type RecordedEvent, type Subscription } from '../event-store/event-store.port.js';
import { pagesOfTypes } from '../event-store/pages-of-types.js';
import { RetryLater } from '../shared/retry-later.js';

const PAGE = 1000;

/**
 * Keeps one projection's table caught up with the global log. Rows and checkpoint are committed
 * in one transaction, and an event at or before the checkpoint is never applied twice, so a
 * restart, a redelivery or a second runner changes nothing.
 */
export class ProjectionRunner<Row extends object> {
  private queue: Promise<unknown> = Promise.resolve();
  private subscription?: Subscription;
  private readonly insert: Database.Statement;
  private readonly readCheckpoint: Database.Statement<[string], { version: number; position: string }>;
  private readonly applyPage: (events: readonly RecordedEvent[], scannedTo?: string) => void;
  private starting?: Promise<void>;
  private stopped = false;
  private onError: (error: unknown) => void = () => undefined;
  /** Events the subscription delivered this turn, applied together. */
  private delivered: RecordedEvent[] = [];
  /** A pass failed: what the subscription delivers since may not follow the checkpoint, so the next pass reads from it. */
  private behind = false;
  private readonly retry = new RetryLater();

  constructor(
    private readonly db: Database.Database,
    private readonly store: EventStore,
    private readonly projection: Projection<Row>,
  ) {
    this.readCheckpoint = db.prepare('SELECT version, position FROM checkpoints WHERE projection = ?');
    // Rows of another version are derived otherwise (maybe in another shape): built again from zero.
    const stored = this.readCheckpoint.get(projection.name);
    if (stored !== undefined && stored.version !== projection.version)
      db.transaction(() => {
        db.exec(`DROP TABLE IF EXISTS ${projection.table}`);
        db.prepare('DELETE FROM checkpoints WHERE projection = ?').run(projection.name);
      })();
    db.exec(projection.schema);
    this.insert = rowInsert(db, projection, projection.table);
    const save = db.prepare(SAVE_CHECKPOINT);
    this.applyPage = db.transaction((events: readonly RecordedEvent[], scannedTo?: string) => {
      const from = this.checkpoint();
      let last: string | undefined;
      for (const event of events) {
        if (from !== undefined && BigInt(event.position) <= BigInt(from)) continue;
        for (const row of projection.rowsFor(event)) this.insert.run(row);
        last = event.position;
      }
      // A filtered read looked further than its last event: the checkpoint goes as far as it looked.
      if (scannedTo !== undefined && (from === undefined || BigInt(scannedTo) > BigInt(from))) last = scannedTo;
      if (last !== undefined) save.run(projection.name, projection.version, last);
    });
  }

  checkpoint(): string | undefined {
    return this.readCheckpoint.get(this.projection.name)?.position;
  }

  /** Applies everything appended so far; concurrent callers share one pass. Resolves to the events read. */
  catchUp(onPage?: (checkpoint: string) => void): Promise<number> {
    return this.enqueue(() => this.pull(onPage));
  }

  /** Runs `work` after the passes already queued (one at a time: each reads the checkpoint the last one left). */
  private enqueue<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Reads the log from the checkpoint to the head and applies it, a page per transaction. */
  private async pull(onPage?: (checkpoint: string) => void): Promise<number> {
    let events = 0;
    for await (const page of projectionPages(this.store, this.projection, this.checkpoint())) {
      this.applyPage(page.events, page.scannedTo);
      events += page.events.length;
      onPage?.(page.scannedTo);
    }
    return events;
  }

  /**
   * Follows the log live. The events delivered in one turn of the event loop (a page the
   * subscription read) are applied in one transaction: a commit per event cost more than the
   * rows. When a page fails (the read-model file locked by another process past the busy
   * timeout, say), what was delivered is dropped and the next pass reads the log from the durable
   * checkpoint instead, so the failed events are applied then, never passed over. A failed pass
   * or a dropped subscription is retried from the checkpoint (RetryLater).
   */
  start(onError: (error: unknown) => void): void {
    this.onError = onError;
    // What the log already holds is read in pages first (filtered when the projection reads few types).
    this.starting = this.catchUp().then(
      () => this.follow(),
      (error: unknown) => this.failed(error),
    );
  }

  private follow(): void {
    if (this.stopped) return;
    const subscription = this.store.subscribeToAll(
      (event) => {
        this.delivered.push(event);
        if (this.delivered.length === 1) setImmediate(() => this.applyDelivered());
        // A long catch-up waits for its page to land instead of reading on without bound.
        return this.delivered.length >= PAGE ? this.queue.then(() => undefined) : undefined;
      },
      {
        after: this.checkpoint(),
        onError: (error) => {
          if (this.subscription === subscription) this.subscription = undefined;
          this.failed(error);
        },
      },
    );
    this.subscription = subscription;
  }

  /** Applies what the subscription delivered this turn, or, after a failure, what the log holds past the checkpoint. */
  private applyDelivered(): void {
    const page = this.delivered;
    this.delivered = [];
    if (this.stopped) return;
    this.pass(() => (this.behind ? this.pull() : this.applyPage(page)));
  }

  /** A live pass, queued: after it succeeds the runner is caught up again; after it fails, see `failed`. */
  private pass(work: () => unknown): void {
    this.enqueue(work).then(
      () => {
        this.behind = false;
        this.retry.succeeded();
      },
      (error: unknown) => this.failed(error),
    );
  }

  private failed(error: unknown): void {
    if (this.stopped) return;
    this.behind = true;
    this.onError(error);
    this.retry.schedule(() => {
      if (this.subscription === undefined) this.follow();
      this.pass(() => this.pull());
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retry.cancel();
    await this.starting;
    await this.subscription?.stop();
    await this.queue;
  }
}

/**
 * The log after `after`, a page at a time up to the head, each page with how far it looked:
 * only the projection's types when it reads few and the store can pass the rest over.
 */
export async function* projectionPages(
  store: EventStore,
  projection: Projection<object>,
  after: string | undefined,
): AsyncGenerator<{ readonly events: RecordedEvent[]; readonly scannedTo: string }> {
  if (projection.types !== undefined && store.readAllOfTypes !== undefined) {
    yield* pagesOfTypes(store.readAllOfTypes.bind(store), projection.types, after);
    return;
  }
  for (;;) {
    const events = await store.readAll({ after, maxCount: PAGE });
    if (events.length === 0) return;
    after = events[events.length - 1].position;
    yield { events, scannedTo: after };
  }
}

/**
 * Rebuilds a projection's table from zero beside the serving one, reporting progress in log
 * positions; answers the events it read. The log is read with no lock on the read-model file,
 * the rows staged (`StagedRebuild`), and they take the table's place with the events appended
 * meanwhile.
 */
export async function rebuildProjection<Row extends object>(
  db: Database.Database,
  store: EventStore,
  projection: Projection<Row>,
  onProgress: (done: number, total: number) => void,
): Promise<number> {
  const staged = new StagedRebuild(db, store, projection);
  try {
    const total = Number((await store.headPosition()) ?? 0);
    let events = 0;
    let scannedTo: string | undefined;
    for await (const page of projectionPages(store, projection, undefined)) {
      staged.stage(page.events);
      events += page.events.length;
      scannedTo = page.scannedTo;
      onProgress(Number(scannedTo), Math.max(total, Number(scannedTo)));
    }
    const swapped = await staged.swap(scannedTo);
    if (swapped.checkpoint !== undefined) onProgress(Number(swapped.checkpoint), Math.max(total, Number(swapped.checkpoint)));
    return events + swapped.events;
  } finally {
    staged.drop();
  }
}

/**
 * A projection's rows built from zero beside its serving table: staged in a TEMP table (this
 * connection's own) from the log read by `rebuildProjection` or from the events a figures rebuild
 * reads anyway (`ledger rebuild` on the embedded store); then, in one write transaction, the
 * events appended after what was staged are read too and the staged rows replace the table's,
 * with the checkpoint. So a reader sees the old rows or the new ones, never half; a service's
 * runner is never kept waiting longer than that last step; and whatever the service applied
 * before it is in the new rows, so its checkpoint never goes back past what the runner has
 * already applied.
 */
export class StagedRebuild<Row extends object> {
  private readonly table: string;
  /** A transaction, or a savepoint inside the caller's (better-sqlite3 nests them). */
  private readonly insertRows: (rows: readonly Row[]) => void;

  constructor(
    private readonly db: Database.Database,
    private readonly store: EventStore,
    private readonly projection: Projection<Row>,
  ) {
    // Drops a table of another version and creates the table if need be.
    new ProjectionRunner(db, store, projection);
    this.table = `temp.${projection.table}_rebuilt`;
    db.exec(
      `DROP TABLE IF EXISTS ${this.table}; CREATE TEMP TABLE ${projection.table}_rebuilt AS SELECT * FROM main.${projection.table} WHERE 0`,
    );
    const insert = rowInsert(db, projection, this.table);
    this.insertRows = db.transaction((rows: readonly Row[]) => {
      for (const row of rows) insert.run(row);
    });
  }

  stageRows(rows: readonly Row[]): void {
    this.insertRows(rows);
  }

  /** Stages the rows of `events`. */
  stage(events: readonly RecordedEvent[]): void {
    this.insertRows(events.flatMap((event) => this.projection.rowsFor(event)));
  }

  /**
   * The staged rows take the table's place, with the events after `stagedTo` (everything staged
   * reaches it; undefined: nothing was) read in the same write transaction. Answers those events
   * and the checkpoint taken.
   */
  swap(stagedTo: string | undefined): Promise<{ events: number; checkpoint: string | undefined }> {
    const { db, projection } = this;
    return swapStaged(db, this.store, projection, stagedTo, {
      stage: (events) => this.stage(events),
      replace: () =>
        db.exec(
          `DELETE FROM main.${projection.table}; INSERT OR IGNORE INTO main.${projection.table} SELECT * FROM ${this.table}`,
        ),
    });
  }

  /** Drops the staged rows (after a swap, or instead of one: the serving table stays as it was). */
  drop(): void {
    this.db.exec(`DROP TABLE IF EXISTS ${this.table}`);
  }
}

/**
 * The last step of a rebuild beside the serving table, in one write transaction: the events after
 * `stagedTo` are read and staged, `replace` puts the staged rows in the table's place, and the
 * checkpoint goes to the last position read (none: nothing was ever staged). Answers the events
 * read and that checkpoint.
 */
export async function swapStaged(
  db: Database.Database,
  store: EventStore,
  projection: Projection<object>,
  stagedTo: string | undefined,
  how: { readonly stage: (events: readonly RecordedEvent[]) => void; readonly replace: () => void },
): Promise<{ events: number; checkpoint: string | undefined }> {
  let events = 0;
  let checkpoint = stagedTo;
  db.exec('BEGIN IMMEDIATE');
  try {
    for await (const page of projectionPages(store, projection, stagedTo)) {
      how.stage(page.events);
      events += page.events.length;
      checkpoint = page.scannedTo;
    }
    how.replace();
    if (checkpoint === undefined) db.prepare('DELETE FROM checkpoints WHERE projection = ?').run(projection.name);
    else saveCheckpoint(db, projection, checkpoint);
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
  return { events, checkpoint };
}

const SAVE_CHECKPOINT = `INSERT INTO checkpoints (projection, version, position) VALUES (?, ?, ?)
  ON CONFLICT (projection) DO UPDATE SET version = excluded.version, position = excluded.position`;

/** Records how far a projection's table has applied the log, and in which version. */
export function saveCheckpoint(db: Database.Database, projection: Projection<object>, position: string): void {
  db.prepare(SAVE_CHECKPOINT).run(projection.name, projection.version, position);
}

/** Inserts a projection's row into `table` (a row already there is left as it is). */
function rowInsert<Row extends object>(db: Database.Database, projection: Projection<Row>, table: string): Database.Statement {
  const fields = Object.keys(projection.columns) as Array<keyof Row & string>;
  return db.prepare(
    `INSERT OR IGNORE INTO ${table} (${fields.map((f) => projection.columns[f]).join(', ')})
     VALUES (${fields.map((f) => '@' + f).join(', ')})`,
  );
}
