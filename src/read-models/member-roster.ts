import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  membersByEnterprise,
  type MemberAtEnterprise,
} from '../../projections/members-by-enterprise/members-by-enterprise.projection.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { LOGGER } from '../http/logging.js';
import { ProjectionRunner } from './projection-runner.js';
import { READ_MODEL_DB } from './read-model-store.js';

/** Who was ever placed at an enterprise, caught up with the log before every answer. */
@Injectable()
export class MemberRoster implements OnApplicationBootstrap {
  private readonly runner: ProjectionRunner<MemberAtEnterprise>;
  private readonly select: Database.Statement<[string], { member_id: string }>;

  constructor(
    @Inject(READ_MODEL_DB) db: Database.Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.runner = new ProjectionRunner(db, store, membersByEnterprise);
    this.select = db.prepare('SELECT member_id FROM members_by_enterprise WHERE enterprise_id = ? ORDER BY member_id');
  }

  async membersEverAt(enterpriseId: string): Promise<string[]> {
    await this.runner.catchUp();
    return this.select.all(enterpriseId).map((r) => r.member_id);
  }

  /** How many log positions the roster is behind the head (0 when caught up). */
  async lag(): Promise<number> {
    const head = await this.store.headPosition();
    const checkpoint = this.runner.checkpoint();
    if (head === undefined) return 0;
    return Number(BigInt(head) - BigInt(checkpoint ?? '0'));
  }

  onApplicationBootstrap(): void {
    this.runner.start((error) => this.logger.error({ err: { type: (error as Error)?.name } }, 'member roster stopped'));
  }

  /** Called by the composition root before the store closes. */
  async stop(): Promise<void> {
    await this.runner.stop();
  }
}

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
