import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { FiguresReadModel } from '../read-models/figures/figures-read-model.js';
import { MemberRoster } from '../read-models/member-roster.js';
import { Public } from '../auth/access.decorators.js';
import { TransferRequestList } from '../read-models/transfer-request-list.js';
import { TransferCompletionProcess } from '../transfer-requests/complete-transfer/transfer-completion.process.js';

/** Liveness, the log's head and how far the read models are behind it. Needs no sign-in. */
@ApiTags('health')
@Controller('health')
export class HealthHttp {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly roster: MemberRoster,
    private readonly figures: FiguresReadModel,
    private readonly transferList: TransferRequestList,
    private readonly transferCompletion: TransferCompletionProcess,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and projection lag (in log positions)' })
  check() {
    return this.health.check([
      async () => {
        const session = this.indicators.check('eventStore');
        try {
          return session.up({ head: (await this.store.headPosition()) ?? null });
        } catch {
          return session.down({ message: 'the event store does not answer' });
        }
      },
      async () => {
        const figures = await this.figures.health();
        return this.indicators.check('projections').up({
          membersByEnterpriseLag: await this.roster.lag(),
          figuresLag: figures.lag,
          figuresVersion: figures.version,
          transferRequestsLag: await this.transferList.lag(),
          // Accepted requests not yet looked at by the process that carries them out.
          transferCompletionLag: await this.transferCompletion.lag(),
          // Events a projection could not apply: kept with their position and error, never skipped silently.
          parkedEvents: figures.parked,
        });
      },
    ]);
  }
}
