import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CommandExecutor } from './command-handling/command-executor.js';
import { type LedgerConfig } from './config/ledger-config.js';
import { openEventStore, openMemberKeys } from './event-store/event-store-at.js';
import { SERVICE_RECENT_EVENTS, SERVICE_REMEMBERED_EVENTS } from './event-store/embedded/sqlite-event-store.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.port.js';
import { LOGGER } from './http/logging.js';
import { EncryptedMemberNames } from './personal-data/encrypted-member-names.js';
import { MEMBER_KEYS, type MemberKeys } from './personal-data/member-keys.port.js';
import { MEMBER_NAMES } from './personal-data/member-names.js';
import { PERSON_IDENTITY, PersonIdentity } from './personal-data/person-identity.js';
import { FiguresReadModel } from './read-models/figures/figures-read-model.js';
import { MemberRoster } from './read-models/member-roster.js';
import { TransferRequestList } from './read-models/transfer-request-list.js';
import { FaultPoints } from './shared/fault-points.js';
import { openReadModelDb, READ_MODEL_DB } from './read-models/read-model-store.js';
import { CLOCK, type Clock, systemClock } from './shared/clock.js';

export const LEDGER_CONFIG = Symbol('LedgerConfig');

export interface InfrastructureOptions {
  readonly config: LedgerConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** The composition root's choice of adapter, from validated config; nothing else knows it. */
/** On shutdown: stop following the log first, then close the store, the read-model file and the key file. */
class Closer implements OnApplicationShutdown {
  constructor(
    private readonly roster: MemberRoster,
    private readonly figures: FiguresReadModel,
    private readonly transferList: TransferRequestList,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DB) private readonly db: Database.Database,
    @Inject(MEMBER_KEYS) private readonly keys: MemberKeys,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.roster.stop();
    await this.figures.stop();
    await this.transferList.stop();
    await this.store.close();
    if (this.db.open) this.db.close();
    await this.keys.close();
  }
}

/** Ports bound to their adapters, and the services every slice shares. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot({ config, logger, clock = systemClock }: InfrastructureOptions): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: CLOCK, useValue: clock },
        {
          provide: EVENT_STORE,
          useFactory: () =>
            openEventStore(config, clock, { rememberedEvents: SERVICE_REMEMBERED_EVENTS, recentEvents: SERVICE_RECENT_EVENTS }),
        },
        { provide: READ_MODEL_DB, useFactory: () => openReadModelDb(join(config.dataDir, 'read-models.sqlite')) },
        { provide: PERSON_IDENTITY, useValue: new PersonIdentity(config.personHashKey) },
        // Member data keys live in their own file whichever store runs (no EventStoreDB key stream yet: README).
        { provide: MEMBER_KEYS, useFactory: () => openMemberKeys(config, clock) },
        { provide: MEMBER_NAMES, useFactory: (keys: MemberKeys) => new EncryptedMemberNames(keys), inject: [MEMBER_KEYS] },
        CommandExecutor,
        MemberRoster,
        FiguresReadModel,
        TransferRequestList,
        { provide: FaultPoints, useValue: new FaultPoints(config.crashAt) },
        Closer,
      ],
      exports: [
        LEDGER_CONFIG,
        LOGGER,
        CLOCK,
        EVENT_STORE,
        READ_MODEL_DB,
        PERSON_IDENTITY,
        MEMBER_NAMES,
        MEMBER_KEYS,
        CommandExecutor,
        MemberRoster,
        FiguresReadModel,
        TransferRequestList,
        FaultPoints,
      ],
    };
  }
}
