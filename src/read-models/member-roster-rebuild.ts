import type Database from 'better-sqlite3';
import { membersByEnterprise } from '../../projections/members-by-enterprise/members-by-enterprise.projection.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { ProjectionRunner } from './projection-runner.js';

// Kept apart from the roster's Nest service so `ledger rebuild` loads no Nest.

/**
 * Rebuilds the roster from zero in one transaction (a reader sees the old rows or the new ones,
 * never half), reporting progress in log positions.
 */
export async function rebuildMemberRoster(
  db: Database.Database,
  store: EventStore,
  onProgress: (done: number, total: number) => void,
): Promise<number> {
  const runner = new ProjectionRunner(db, store, membersByEnterprise);
  const total = Number((await store.headPosition()) ?? 0);
  db.exec('BEGIN IMMEDIATE');
  try {
    db.prepare(`DELETE FROM ${membersByEnterprise.table}`).run();
    db.prepare('DELETE FROM checkpoints WHERE projection = ?').run(membersByEnterprise.name);
    const events = await runner.catchUp((checkpoint) => onProgress(Number(checkpoint), total));
    db.exec('COMMIT');
    return events;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * The roster rebuilt beside the serving table, from rows a figures rebuild finds on its way
 * (`RebuildOptions.onRoster`): rows are appended to a plain staging table (appends write few
 * pages), then sorted once into the new table, which takes the old one's place, with its
 * checkpoint, in one transaction, so a reader sees the old rows or the new ones, never half.
 */
export class RosterBeside {
  private readonly insert: Database.Statement<[string, string]>;

  constructor(private readonly db: Database.Database) {
    db.exec(membersByEnterprise.schema);
    db.exec(`DROP TABLE IF EXISTS ${STAGED}; CREATE TABLE ${STAGED} (enterprise_id TEXT NOT NULL, member_id TEXT NOT NULL)`);
    this.insert = db.prepare(`INSERT INTO ${STAGED} (enterprise_id, member_id) VALUES (?, ?)`);
  }

  /** Adds rows (call it inside the writer's transaction). */
  add(rows: ReadonlyArray<readonly [string, string]>): void {
    for (const [enterpriseId, memberId] of rows) this.insert.run(enterpriseId, memberId);
  }

  /** The new table serves from now on, caught up to `checkpoint`. */
  promote(checkpoint: string): void {
    this.db.transaction(() => {
      this.db.exec(`DROP TABLE ${membersByEnterprise.table};
        ${membersByEnterprise.schema};
        INSERT OR IGNORE INTO ${membersByEnterprise.table} (enterprise_id, member_id)
          SELECT enterprise_id, member_id FROM ${STAGED} ORDER BY enterprise_id, member_id;
        DROP TABLE ${STAGED};`);
      this.db
        .prepare(
          `INSERT INTO checkpoints (projection, version, position) VALUES (?, ?, ?)
           ON CONFLICT (projection) DO UPDATE SET version = excluded.version, position = excluded.position`,
        )
        .run(membersByEnterprise.name, membersByEnterprise.version, checkpoint);
    })();
  }

  /** Gives up (the rebuild could not feed it): the serving table stays. */
  drop(): void {
    this.db.exec(`DROP TABLE IF EXISTS ${STAGED}`);
  }
}

const STAGED = `${membersByEnterprise.table}_staged`;
