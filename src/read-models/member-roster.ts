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
    this.runner.start((error) =>
      this.logger.error(
        { err: { type: (error as Error)?.name, message: (error as Error)?.message } },
        'member roster could not follow the log; retrying from its checkpoint',
      ),
    );
  }

  /** Called by the composition root before the store closes. */
  async stop(): Promise<void> {
    await this.runner.stop();
  }
}
