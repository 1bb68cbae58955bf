import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { EVENT_STORE, type EventStore, type RecordedEvent, type Subscription } from '../../event-store/event-store.port.js';
import { pagesOfTypes } from '../../event-store/pages-of-types.js';
import { LOGGER } from '../../http/logging.js';
import { READ_MODEL_DB } from '../../read-models/read-model-store.js';
import { FaultPoints } from '../../shared/fault-points.js';
import type { TransferAccepted } from '../transfer-request.events.js';
import type { Stored } from '../../shared/ledger-event.js';
import { TransferCompletion } from './transfer-completion.js';

const NAME = 'transfer-completion';
/** Events passed over between two checkpoint writes when none needs work. */
const SAVE_EVERY = 1000;
const RETRY_MS = 1000;
const PAGE = 1000;

/**
 * The process manager that finishes every accepted request: it follows the event log from a
 * durable checkpoint and completes each `TransferAccepted` it meets. The accept command completes
 * its request itself before answering; this catches what a crash or a failure left undone, so
 * after a restart every accepted request is carried out (once: completing is idempotent).
 */
@Injectable()
export class TransferCompletionProcess implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private subscription?: Subscription;
  private retry?: NodeJS.Timeout;
  private stopped = false;
  private seen?: string;
  private sinceSave = 0;
  private readonly readCheckpoint: Database.Statement<[string], { position: string }>;
  private readonly writeCheckpoint: Database.Statement<[string, number, string]>;

  constructor(
    @Inject(READ_MODEL_DB) db: Database.Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly completion: TransferCompletion,
    private readonly faults: FaultPoints,
  ) {
    this.readCheckpoint = db.prepare('SELECT position FROM checkpoints WHERE projection = ?');
    this.writeCheckpoint = db.prepare(
      `INSERT INTO checkpoints (projection, version, position) VALUES (?, ?, ?)
       ON CONFLICT (projection) DO UPDATE SET version = excluded.version, position = excluded.position`,
    );
  }

  checkpoint(): string | undefined {
    return this.readCheckpoint.get(NAME)?.position;
  }

  /** How many log positions are not yet looked at (0 when caught up). */
  async lag(): Promise<number> {
    const head = await this.store.headPosition();
    return head === undefined ? 0 : Number(BigInt(head) - BigInt(this.seen ?? this.checkpoint() ?? '0'));
  }

  /**
   * Finishes what the log holds before the service starts answering (so a restart after a crash
   * never shows an accepted request not carried out), then follows the log live.
   */
  async onApplicationBootstrap(): Promise<void> {
    // A process set to crash after an acceptance must leave the completion to its successor.
    if (this.faults.crashAt === 'after-transfer-accepted') return;
    if (this.store.readAllOfTypes !== undefined)
      // Only acceptances matter here: the store passes the rest over without parsing them.
      for await (const page of pagesOfTypes(
        this.store.readAllOfTypes.bind(this.store),
        ['TransferAccepted'],
        this.seen ?? this.checkpoint(),
      )) {
        for (const event of page.events) await this.handle(event);
        this.seen = page.scannedTo;
        this.save(this.seen);
      }
    else
      for (;;) {
        const page = await this.store.readAll({ after: this.seen ?? this.checkpoint(), maxCount: PAGE });
        if (page.length === 0) break;
        for (const event of page) await this.handle(event);
        this.save(this.seen!);
      }
    this.follow();
  }

  private follow(): void {
    if (this.stopped) return;
    this.subscription = this.store.subscribeToAll((event) => this.handle(event), {
      after: this.seen ?? this.checkpoint(),
      onError: (error) => {
        this.logger.error(
          { err: { type: (error as Error)?.name, message: (error as Error)?.message } },
          `${NAME} paused; retrying`,
        );
        void this.subscription?.stop();
        this.retry = setTimeout(() => this.follow(), RETRY_MS);
      },
    });
  }

  private async handle(event: RecordedEvent): Promise<void> {
    if (event.type === 'TransferAccepted') {
      await this.completion.complete((event as Stored<TransferAccepted>).data.transferId);
      this.save(event.position);
    } else if (++this.sinceSave >= SAVE_EVERY) this.save(event.position);
    this.seen = event.position;
  }

  private save(position: string): void {
    this.writeCheckpoint.run(NAME, 1, position);
    this.sinceSave = 0;
  }

  /** Runs before the composition root closes the store and the read-model file. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.subscription?.stop();
    if (this.seen !== undefined) this.save(this.seen);
  }
}
