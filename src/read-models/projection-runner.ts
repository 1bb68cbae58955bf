import type Database from 'better-sqlite3';
import type { Projection } from '../../projections/projection.js';
import { type EventStore, type RecordedEvent, type Subscription } from '../event-store/event-store.port.js';
import { pagesOfTypes } from '../event-store/pages-of-types.js';

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
    const fields = Object.keys(projection.columns) as Array<keyof Row & string>;
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO ${projection.table} (${fields.map((f) => projection.columns[f]).join(', ')})
       VALUES (${fields.map((f) => '@' + f).join(', ')})`,
    );
    const saveCheckpoint = db.prepare(
      `INSERT INTO checkpoints (projection, version, position) VALUES (?, ?, ?)
       ON CONFLICT (projection) DO UPDATE SET version = excluded.version, position = excluded.position`,
    );
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
      if (last !== undefined) saveCheckpoint.run(projection.name, projection.version, last);
    });
  }

  checkpoint(): string | undefined {
    return this.readCheckpoint.get(this.projection.name)?.position;
  }

  /** Applies everything appended so far; concurrent callers share one pass. Resolves to the events read. */
  catchUp(onPage?: (checkpoint: string) => void): Promise<number> {
    const run = this.queue.then(async () => {
      let events = 0;
      const types = this.projection.types;
      if (types !== undefined && this.store.readAllOfTypes !== undefined) {
        for await (const page of pagesOfTypes(this.store.readAllOfTypes.bind(this.store), types, this.checkpoint())) {
          this.applyPage(page.events, page.scannedTo);
          events += page.events.length;
          onPage?.(page.scannedTo);
        }
        return events;
      }
      for (;;) {
        const page = await this.store.readAll({ after: this.checkpoint(), maxCount: PAGE });
        if (page.length === 0) return events;
        this.applyPage(page);
        events += page.length;
        onPage?.(page[page.length - 1].position);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Follows the log live from the checkpoint. The events delivered in one turn of the event loop
   * (a page the subscription read) are applied in one transaction, not one each: a commit per
   * event cost more than the rows.
   */
  start(onError: (error: unknown) => void): void {
    // What the log already holds is read in pages first (filtered when the projection reads few types).
    this.starting = this.catchUp().then(
      () => this.follow(onError),
      (error: unknown) => onError(error),
    );
  }

  private follow(onError: (error: unknown) => void): void {
    if (this.stopped) return;
    let pending: RecordedEvent[] = [];
    this.subscription = this.store.subscribeToAll(
      (event) => {
        pending.push(event);
        if (pending.length === 1)
          this.queue = this.queue
            .then(() => new Promise((resolve) => setImmediate(resolve)))
            .then(() => {
              const page = pending;
              pending = [];
              try {
                this.applyPage(page);
              } catch {
                // As before pages: each event alone, so one that fails fails alone.
                for (const one of page)
                  try {
                    this.applyPage([one]);
                  } catch (error) {
                    onError(error);
                  }
              }
            })
            .catch(onError);
        // A long catch-up waits for its page to land instead of reading on without bound.
        return pending.length >= PAGE ? this.queue.then(() => undefined) : undefined;
      },
      { after: this.checkpoint(), onError },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting;
    await this.subscription?.stop();
    await this.queue;
  }
}

/**
 * Rebuilds a projection's table from zero in one transaction (a reader sees the old rows or the
 * new ones, never half), reporting progress in log positions. Answers the events it read.
 */
export async function rebuildProjection<Row extends object>(
  db: Database.Database,
  store: EventStore,
  projection: Projection<Row>,
  onProgress: (done: number, total: number) => void,
): Promise<number> {
  const runner = new ProjectionRunner(db, store, projection);
  const total = Number((await store.headPosition()) ?? 0);
  db.exec('BEGIN IMMEDIATE');
  try {
    db.prepare(`DELETE FROM ${projection.table}`).run();
    db.prepare('DELETE FROM checkpoints WHERE projection = ?').run(projection.name);
    const events = await runner.catchUp((checkpoint) => onProgress(Number(checkpoint), total));
    db.exec('COMMIT');
    return events;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
