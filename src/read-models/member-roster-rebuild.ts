import type Database from 'better-sqlite3';
import { availableParallelism } from 'node:os';
import { membersByEnterprise } from '../../projections/members-by-enterprise/members-by-enterprise.projection.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { swapStaged } from './projection-runner.js';

// Kept apart from the roster's Nest service so `ledger rebuild` loads no Nest.

/**
 * The roster rebuilt beside the serving table, from rows a figures rebuild finds on its way
 * (`RebuildOptions.onRoster`): rows are appended to a staging table, then sorted once into the
 * new table, which takes the old one's place, with its checkpoint, in one transaction, so a
 * reader sees the old rows or the new ones, never half.
 *
 * The staging table is a TEMP one (this connection's own file, no WAL, gone with the process):
 * its ~1.7 M rows of a province are written once and read once, and going through the WAL and
 * its checkpoints cost more than writing them. Rows go in {@link STAGE_ROWS} to a statement, and
 * the final sort may use the machine's other cores (SQLite's `threads`): by then the workers
 * have finished.
 */
export class RosterBeside {
  private readonly insertOne: Database.Statement<[string, string]>;
  private readonly insertMany: Database.Statement<string[]>;
  private readonly args: string[] = new Array<string>(STAGE_ROWS * 2);

  constructor(private readonly db: Database.Database) {
    db.exec(membersByEnterprise.schema);
    // A staging table of the main schema may be left by a rebuild of an older version killed midway.
    db.exec(`DROP TABLE IF EXISTS main.${STAGED}; DROP TABLE IF EXISTS temp.${STAGED};
      CREATE TEMP TABLE ${STAGED} (enterprise_id TEXT NOT NULL, member_id TEXT NOT NULL)`);
    // Appended once, read once: a small cache will do (SQLite's default of 16 MiB added as much to a rebuild's peak RSS).
    db.pragma('temp.cache_size = -4096');
    this.insertOne = db.prepare(`INSERT INTO temp.${STAGED} (enterprise_id, member_id) VALUES (?, ?)`);
    this.insertMany = db.prepare(
      `INSERT INTO temp.${STAGED} (enterprise_id, member_id) VALUES ${Array(STAGE_ROWS).fill('(?, ?)').join(', ')}`,
    );
  }

  /** Adds rows (call it inside the writer's transaction). */
  add(rows: ReadonlyArray<readonly [string, string]>): void {
    const { args } = this;
    let i = 0;
    for (; i + STAGE_ROWS <= rows.length; i += STAGE_ROWS) {
      for (let k = 0; k < STAGE_ROWS; k++) {
        args[2 * k] = rows[i + k][0];
        args[2 * k + 1] = rows[i + k][1];
      }
      this.insertMany.run(...args);
    }
    for (; i < rows.length; i++) this.insertOne.run(rows[i][0], rows[i][1]);
  }

  /**
   * The new table serves from now on. Its rows reach `checkpoint` (where the shares stopped);
   * the events appended since are read in the same write transaction, so the checkpoint it takes
   * is the head: a service's runner that applied events past `checkpoint` meanwhile finds its
   * rows there, rather than a checkpoint behind them that it would never go back to.
   */
  async promote(store: EventStore, checkpoint: string): Promise<void> {
    this.db.pragma(`threads = ${Math.min(7, availableParallelism() - 1)}`);
    try {
      await swapStaged(this.db, store, membersByEnterprise, checkpoint, {
        stage: (events) =>
          this.add(events.flatMap((e) => membersByEnterprise.rowsFor(e).map((r) => [r.enterpriseId, r.memberId] as const))),
        replace: () =>
          this.db.exec(`DROP TABLE ${membersByEnterprise.table};
            ${membersByEnterprise.schema};
            INSERT OR IGNORE INTO ${membersByEnterprise.table} (enterprise_id, member_id)
              SELECT enterprise_id, member_id FROM temp.${STAGED} ORDER BY enterprise_id, member_id;
            DROP TABLE temp.${STAGED};`),
      });
    } finally {
      this.db.pragma('threads = 0');
    }
  }

  /** Gives up (the rebuild could not feed it): the serving table stays. */
  drop(): void {
    this.db.exec(`DROP TABLE IF EXISTS temp.${STAGED}`);
  }
}

const STAGED = `${membersByEnterprise.table}_staged`;
/** Rows one staging statement inserts: a statement per row made staging ~30 % slower. */
const STAGE_ROWS = 64;
