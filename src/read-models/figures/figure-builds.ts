import type Database from 'better-sqlite3';
import type { FigureDelta } from '../../../projections/figures/figure-delta.js';
import { PackedEvents } from '../../../projections/figures/packed-events.js';
import type { ParkedEvent, Place } from './figure-projector.js';

/** The figures read model's code version: bump it when the deltas it derives change. */
export const FIGURES_VERSION = 4;
const PROJECTION = 'figures';

export interface Build {
  readonly build: string;
  readonly version: number;
  readonly status: 'building' | 'current';
  readonly checkpoint: string | null;
}

/** What a writer stores in one transaction. */
export interface Segment {
  /** Events with deltas, in log order. */
  readonly events: PackedEvents;
  readonly places: readonly Place[];
  readonly parked: readonly ParkedEvent[];
  /** The log position the build has reached with this segment. */
  readonly checkpoint: string;
}

/**
 * Builds of the figures read model in the read-model file. Each build has its own tables; the
 * current one serves while a new one is built beside it, then the new one takes its place in one
 * transaction. A build's checkpoint is written in the same transaction as its rows.
 */
export class FigureBuilds {
  private readonly byStatus: Database.Statement<[string], Build>;
  private readonly parkedCount: Database.Statement<[], { n: number }>;
  private readonly byId: Database.Statement<[string], Build>;
  /** The last build written to and its writer: the service writes to one build page after page. */
  private lastWriter?: { readonly build: string; readonly write: (segment: Segment) => void };

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS projection_builds (
      build       TEXT PRIMARY KEY,
      projection  TEXT NOT NULL,
      version     INTEGER NOT NULL,
      status      TEXT NOT NULL,
      checkpoint  TEXT,
      started_at  TEXT NOT NULL,
      finished_at TEXT
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS parked_events (
      build     TEXT NOT NULL,
      position  TEXT NOT NULL,
      event_id  TEXT NOT NULL,
      type      TEXT NOT NULL,
      error     TEXT NOT NULL,
      PRIMARY KEY (build, position)
    ) WITHOUT ROWID;`);
    this.byStatus = db.prepare(
      `SELECT build, version, status, checkpoint FROM projection_builds WHERE projection = '${PROJECTION}' AND status = ? ORDER BY started_at DESC`,
    );
    this.byId = db.prepare('SELECT build, version, status, checkpoint FROM projection_builds WHERE build = ?');
    this.parkedCount = db.prepare(
      `SELECT COUNT(*) AS n FROM parked_events WHERE build IN (SELECT build FROM projection_builds WHERE status = 'current')`,
    );
  }

  current(): Build | undefined {
    return this.byStatus.get('current');
  }

  get(build: string): Build | undefined {
    return this.byId.get(build);
  }

  /** Poison events of the serving build: kept with their position and error, never skipped silently. */
  parked(): number {
    return this.parkedCount.get()!.n;
  }

  /** Starts a build from zero; a build left unfinished by a crash is dropped first. */
  start(id: string, startedAt: string): Build {
    this.dropUnfinished();
    this.db.exec(`CREATE TABLE ${segmentsTable(id)} (
        last_position INTEGER PRIMARY KEY,
        events        INTEGER NOT NULL,
        payload       BLOB NOT NULL
      );
      CREATE TABLE ${placesTable(id)} (kind TEXT NOT NULL, id TEXT NOT NULL, parent TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;`);
    this.db
      .prepare(
        `INSERT INTO projection_builds (build, projection, version, status, started_at) VALUES (?, '${PROJECTION}', ?, 'building', ?)`,
      )
      .run(id, FIGURES_VERSION, startedAt);
    return this.get(id)!;
  }

  dropUnfinished(): void {
    for (const b of this.byStatus.all('building')) this.drop(b.build);
  }

  /** The new build takes over from the current one in one transaction. */
  promote(build: string, finishedAt: string): void {
    this.db.transaction(() => {
      for (const old of this.byStatus.all('current')) this.drop(old.build);
      this.db.prepare(`UPDATE projection_builds SET status = 'current', finished_at = ? WHERE build = ?`).run(finishedAt, build);
    })();
  }

  /**
   * Writes a segment (what a run of events did) and moves the build's checkpoint, in one
   * transaction. Segments of events in log order keep the read model one row per page, not per
   * event, so rebuilds and start-ups write and read few rows.
   */
  writer(build: string): (segment: Segment) => void {
    if (this.lastWriter?.build === build) return this.lastWriter.write;
    const insert = this.db.prepare(`INSERT INTO ${segmentsTable(build)} (last_position, events, payload) VALUES (?, ?, ?)`);
    const place = this.db.prepare(`INSERT OR IGNORE INTO ${placesTable(build)} (kind, id, parent) VALUES (?, ?, ?)`);
    const park = this.db.prepare(
      `INSERT OR IGNORE INTO parked_events (build, position, event_id, type, error) VALUES (?, ?, ?, ?, ?)`,
    );
    const move = this.db.prepare(`UPDATE projection_builds SET checkpoint = ? WHERE build = ?`);
    const transaction = this.db.transaction((segment: Segment) => {
      for (const p of segment.places) place.run(p.kind, p.id, p.parent);
      const { events } = segment;
      if (events.length > 0) {
        const bytes = events.toBytes();
        insert.run(Number(segment.checkpoint), events.length, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      }
      for (const p of segment.parked) park.run(build, p.position, p.eventId, p.type, p.error);
      if (move.run(segment.checkpoint, build).changes !== 1) throw new BuildGoneError(build);
    });
    const write = (segment: Segment) => {
      try {
        transaction(segment);
      } catch (error) {
        // Another process promoted a new build and dropped this one's tables.
        if (!(error instanceof BuildGoneError) && this.get(build) === undefined) throw new BuildGoneError(build);
        throw error;
      }
    };
    this.lastWriter = { build, write };
    return write;
  }

  /** The build's places (parks first), for a load that then reads its segments. */
  places(build: string): Place[] {
    return this.db.prepare<[], Place>(`SELECT kind, id, parent FROM ${placesTable(build)} ORDER BY kind DESC, id`).all();
  }

  /**
   * Up to `limit` segments after log position `after` and at or before `upTo`, in log order, each
   * with its events packed. Segments never change once written, so a load may read them a few at
   * a time; a build dropped meanwhile is BuildGoneError.
   */
  segments(build: string, after: number, upTo: number, limit: number): { lastPosition: number; events: PackedEvents }[] {
    let rows: Array<{ last_position: number; payload: Buffer }>;
    try {
      rows = this.db
        .prepare<[number, number, number], { last_position: number; payload: Buffer }>(
          `SELECT last_position, payload FROM ${segmentsTable(build)} WHERE last_position > ? AND last_position <= ? ORDER BY last_position LIMIT ?`,
        )
        .all(after, upTo, limit);
    } catch (error) {
      if (this.get(build) === undefined) throw new BuildGoneError(build);
      throw error;
    }
    return rows.map((row) => ({ lastPosition: row.last_position, events: PackedEvents.fromBytes(row.payload) }));
  }

  /** How many events with deltas the build's segments hold up to log position `upTo` (to size an index before a load). */
  eventCount(build: string, upTo: number): number {
    try {
      return (
        this.db
          .prepare<[number], { n: number | null }>(
            `SELECT SUM(events) AS n FROM ${segmentsTable(build)} WHERE last_position <= ?`,
          )
          .get(upTo)!.n ?? 0
      );
    } catch (error) {
      if (this.get(build) === undefined) throw new BuildGoneError(build);
      throw error;
    }
  }

  /** The build's places, then its events in log order. */
  *read(
    build: string,
  ): Generator<{ kind: 'place'; place: Place } | { kind: 'event'; position: number; recordedMs: number; deltas: FigureDelta[] }> {
    for (const place of this.places(build)) yield { kind: 'place', place };
    for (let after = 0; ;) {
      const segments = this.segments(build, after, Number.MAX_SAFE_INTEGER, 16);
      for (const { events } of segments)
        for (let e = 0; e < events.length; e++)
          yield { kind: 'event', position: events.position(e), recordedMs: events.recordedMs(e), deltas: events.deltasOf(e) };
      if (segments.length < 16) return;
      after = segments[segments.length - 1].lastPosition;
    }
  }

  private drop(build: string): void {
    this.db.exec(`DROP TABLE IF EXISTS ${segmentsTable(build)}; DROP TABLE IF EXISTS ${placesTable(build)};
       DROP TABLE IF EXISTS figures_${checked(build)}_events; DROP TABLE IF EXISTS figures_${checked(build)}_staging;`);
    this.db.prepare('DELETE FROM projection_builds WHERE build = ?').run(build);
    this.db.prepare('DELETE FROM parked_events WHERE build = ?').run(build);
  }
}

/** The build was replaced (a rebuild elsewhere promoted another one). */
export class BuildGoneError extends Error {
  constructor(build: string) {
    super(`figures build ${build} is no longer in the read-model file`);
    this.name = 'BuildGoneError';
  }
}

const SAFE = /^[a-z0-9_]+$/;
const checked = (build: string) => {
  if (!SAFE.test(build)) throw new Error(`bad build id ${build}`);
  return build;
};
const segmentsTable = (build: string) => `figures_${checked(build)}_segments`;
const placesTable = (build: string) => `figures_${checked(build)}_places`;
