import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import {
  type TransferRequestFact,
  transferRequests,
  type TransferRequestView,
  viewOf,
} from '../../projections/transfer-requests/transfer-requests.projection.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { LOGGER } from '../http/logging.js';
import { ProjectionRunner } from './projection-runner.js';
import { READ_MODEL_DB } from './read-model-store.js';

type Row = Pick<TransferRequestFact, 'transferId' | 'type' | 'event'> & { position: number };

/** Transfer requests by park, caught up with the log before every answer. */
@Injectable()
export class TransferRequestList implements OnApplicationBootstrap {
  private readonly runner: ProjectionRunner<TransferRequestFact>;
  private readonly ofPark: Database.Statement<[string, string], Row>;
  private readonly all: Database.Statement<[], Row>;

  constructor(
    @Inject(READ_MODEL_DB) db: Database.Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.runner = new ProjectionRunner(db, store, transferRequests);
    const columns = 'f.transfer_id AS transferId, f.position, f.type, f.event';
    this.ofPark = db.prepare(
      `SELECT ${columns} FROM transfer_request_facts f WHERE f.transfer_id IN (
         SELECT transfer_id FROM transfer_request_facts WHERE type = 'TransferRequested' AND from_park_id = ?
         UNION SELECT transfer_id FROM transfer_request_facts WHERE type = 'TransferRequested' AND to_park_id = ?)
       ORDER BY f.transfer_id, f.position`,
    );
    this.all = db.prepare(`SELECT ${columns} FROM transfer_request_facts f ORDER BY f.transfer_id, f.position`);
  }

  /** The requests touching any of these parks (every request when `parkIds` is undefined), in request order. */
  async requests(parkIds?: readonly string[]): Promise<Array<TransferRequestView & { requestedPosition: number }>> {
    await this.runner.catchUp();
    const rows = parkIds === undefined ? this.all.all() : [...new Set(parkIds)].flatMap((p) => this.ofPark.all(p, p));
    const byRequest = new Map<string, Row[]>();
    for (const row of rows) {
      const list = byRequest.get(row.transferId);
      if (!list) byRequest.set(row.transferId, [row]);
      else if (!list.some((r) => r.position === row.position)) list.push(row);
    }
    const views: Array<TransferRequestView & { requestedPosition: number }> = [];
    for (const list of byRequest.values()) {
      list.sort((a, b) => a.position - b.position);
      const view = viewOf(list);
      const requested = list.find((r) => r.type === 'TransferRequested');
      if (view && requested) views.push({ ...view, requestedPosition: requested.position });
    }
    return views.sort((a, b) => a.requestedPosition - b.requestedPosition);
  }

  /** How many log positions the list is behind the head (0 when caught up). */
  async lag(): Promise<number> {
    const head = await this.store.headPosition();
    if (head === undefined) return 0;
    return Number(BigInt(head) - BigInt(this.runner.checkpoint() ?? '0'));
  }

  onApplicationBootstrap(): void {
    this.runner.start((error) =>
      this.logger.error(
        { err: { type: (error as Error)?.name, message: (error as Error)?.message } },
        'transfer request list could not follow the log; retrying from its checkpoint',
      ),
    );
  }

  /** Called by the composition root before the store closes. */
  async stop(): Promise<void> {
    await this.runner.stop();
  }
}
