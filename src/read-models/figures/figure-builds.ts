import type Database from 'better-sqlite3';
import type { FigureDelta, Measure } from '../../../projections/figures/figure-delta.js';

/** The figures read model's code version: bump it when the deltas it derives change. */
export const FIGURES_VERSION = 2;
const PROJECTION = 'figures';

export interface Build {
  readonly build: string;
  readonly version: number;
  readonly status: 'building' | 'current';
  readonly checkpoint: string | null;
}

/** What one recorded event did to the figures, as stored. */
export interface EventDeltas {
  readonly position: string;
  readonly recordedAt: string;
  readonly deltas: readonly FigureDelta[];
  /** A registration names its place: a park's city, an enterprise's park. */
  readonly place?: { readonly kind: 'park' | 'enterprise'; readonly id: string; readonly parent: string };
}

type Packed = [Measure, string, string, string | null, string | null, string | null, string | null, number];
const pack = (d: FigureDelta): Packed => [
  d.measure,
  d.date,
  d.parkId,
  d.enterpriseId,
  d.detail,
  d.toParkId,
  d.toEnterpriseId,
  d.amount,
];
const unpack = ([measure, date, parkId, enterpriseId, detail, toParkId, toEnterpriseId, amount]: Packed): FigureDelta => ({
  measure,
  date,
  parkId,
  enterpriseId,
  detail,
  toParkId,
  toEnterpriseId,
  amount,
});

/**
 * Builds of the figures read model in the read-model file. Each build has its own tables; the
 * current one serves while a new one is built beside it, then the new one takes its place in one
 * transaction. A build's checkpoint is written in the same transaction as its rows.
 */
export class FigureBuilds {
  private readonly byStatus: Database.Statement<[string], Build>;
  private readonly parkedCount: Database.Statement<[], { n: number }>;

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
    this.parkedCount = db.prepare(
      `SELECT COUNT(*) AS n FROM parked_events WHERE build IN (SELECT build FROM projection_builds WHERE status = 'current')`,
    );
  }

  current(): Build | undefined {
    return this.byStatus.get('current');
  }

  get(build: string): Build | undefined {
    return this.db
      .prepare<[string], Build>('SELECT build, version, status, checkpoint FROM projection_builds WHERE build = ?')
      .get(build);
  }

  /** Poison events of the serving build: kept with their position and error, never skipped silently. */
  parked(): number {
    return this.parkedCount.get()!.n;
  }

  /** Starts a build from zero; a build left unfinished by a crash is dropped first. */
  start(id: string, startedAt: string): Build {
    this.dropUnfinished();
    this.db.exec(`CREATE TABLE ${deltasTable(id)} (
        position    INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        deltas      TEXT NOT NULL
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

  /** Writes what events did and moves the build's checkpoint, in one transaction. */
  writer(build: string): (events: readonly EventDeltas[], checkpoint: string | null, parked?: readonly ParkedEvent[]) => void {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO ${deltasTable(build)} (position, recorded_at, deltas) VALUES (?, ?, ?)`,
    );
    const place = this.db.prepare(`INSERT OR IGNORE INTO ${placesTable(build)} (kind, id, parent) VALUES (?, ?, ?)`);
    const park = this.db.prepare(
      `INSERT OR IGNORE INTO parked_events (build, position, event_id, type, error) VALUES (?, ?, ?, ?, ?)`,
    );
    const move = this.db.prepare(`UPDATE projection_builds SET checkpoint = COALESCE(?, checkpoint) WHERE build = ?`);
    return this.db.transaction(
      (events: readonly EventDeltas[], checkpoint: string | null, parked: readonly ParkedEvent[] = []) => {
        for (const e of events) {
          if (e.place) place.run(e.place.kind, e.place.id, e.place.parent);
          if (e.deltas.length > 0) insert.run(Number(e.position), e.recordedAt, JSON.stringify(e.deltas.map(pack)));
        }
        for (const p of parked) park.run(build, p.position, p.eventId, p.type, p.error);
        if (move.run(checkpoint, build).changes !== 1) throw new BuildGoneError(build);
      },
    );
  }

  /**
   * For a rebuild that meets events out of log order: rows go to an unordered staging table
   * (appends stay sequential), and `unstage` copies them in log order in one statement.
   */
  stagingWriter(build: string): (events: readonly EventDeltas[], parked?: readonly ParkedEvent[]) => void {
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${stagingTable(build)} (position INTEGER NOT NULL, recorded_at TEXT NOT NULL, deltas TEXT NOT NULL)`,
    );
    const insert = this.db.prepare(`INSERT INTO ${stagingTable(build)} (position, recorded_at, deltas) VALUES (?, ?, ?)`);
    const place = this.db.prepare(`INSERT OR IGNORE INTO ${placesTable(build)} (kind, id, parent) VALUES (?, ?, ?)`);
    const park = this.db.prepare(
      `INSERT OR IGNORE INTO parked_events (build, position, event_id, type, error) VALUES (?, ?, ?, ?, ?)`,
    );
    return this.db.transaction((events: readonly EventDeltas[], parked: readonly ParkedEvent[] = []) => {
      for (const e of events) {
        if (e.place) place.run(e.place.kind, e.place.id, e.place.parent);
        if (e.deltas.length > 0) insert.run(Number(e.position), e.recordedAt, JSON.stringify(e.deltas.map(pack)));
      }
      for (const p of parked) park.run(build, p.position, p.eventId, p.type, p.error);
    });
  }

  /** Moves the staged rows into the build in log order and sets its checkpoint, in one transaction. */
  unstage(build: string, checkpoint: string): void {
    this.db.transaction(() => {
      this.db.exec(`INSERT INTO ${deltasTable(build)} (position, recorded_at, deltas)
        SELECT position, recorded_at, deltas FROM ${stagingTable(build)} ORDER BY position;
        DROP TABLE ${stagingTable(build)};`);
      this.db.prepare(`UPDATE projection_builds SET checkpoint = ? WHERE build = ?`).run(checkpoint, build);
    })();
  }

  /** The build's places, then its events in log order. */
  *read(
    build: string,
  ): Generator<
    | { kind: 'place'; place: NonNullable<EventDeltas['place']> }
    | { kind: 'event'; position: number; recordedAt: string; deltas: FigureDelta[] }
  > {
    for (const p of this.db
      .prepare<[], { kind: 'park' | 'enterprise'; id: string; parent: string }>(
        `SELECT kind, id, parent FROM ${placesTable(build)} ORDER BY kind DESC, id`,
      )
      .iterate())
      yield { kind: 'place', place: p };
    for (const row of this.db
      .prepare<[], { position: number; recorded_at: string; deltas: string }>(
        `SELECT position, recorded_at, deltas FROM ${deltasTable(build)} ORDER BY position`,
      )
      .iterate())
      yield {
        kind: 'event',
        position: row.position,
        recordedAt: row.recorded_at,
        deltas: (JSON.parse(row.deltas) as Packed[]).map(unpack),
      };
  }

  private drop(build: string): void {
    this.db.exec(
      `DROP TABLE IF EXISTS ${deltasTable(build)}; DROP TABLE IF EXISTS ${placesTable(build)}; DROP TABLE IF EXISTS ${stagingTable(build)};`,
    );
    this.db.prepare('DELETE FROM projection_builds WHERE build = ?').run(build);
    this.db.prepare('DELETE FROM parked_events WHERE build = ?').run(build);
  }
}

export interface ParkedEvent {
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly error: string;
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
const deltasTable = (build: string) => `figures_${checked(build)}_events`;
const placesTable = (build: string) => `figures_${checked(build)}_places`;
const stagingTable = (build: string) => `figures_${checked(build)}_staging`;
