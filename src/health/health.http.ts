import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { FiguresReadModel } from '../read-models/figures/figures-read-model.js';
import { MemberRoster } from '../read-models/member-roster.js';
import { Public } from '../auth/access.decorators.js';
import { TransferRequestList } from '../read-models/transfer-request-list.js';
import { DomainError } from '../shared/domain-error.js';
import { TransferCompletionProcess } from '../transfer-requests/complete-transfer/transfer-completion.process.js';

/** Why a part is down: a refusal the service explains (a failed disk, figures of another release) says so; anything else, `otherwise`. */
const reason = (error: unknown, otherwise: string) => (error instanceof DomainError ? error.message : otherwise);

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
  async check(@Res({ passthrough: true }) res: Response) {
    try {
      return await this.checkAll();
    } catch (error) {
      // Down: 503 with what is down and why, not the error filter's bare "internal error".
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse();
    }
  }

  private checkAll() {
    return this.health.check([
      async () => {
        const session = this.indicators.check('eventStore');
        try {
          return session.up({ head: (await this.store.headPosition()) ?? null });
        } catch (error) {
          return session.down({ message: reason(error, 'the event store does not answer') });
        }
      },
      async () => {
        const session = this.indicators.check('projections');
        try {
          const figures = await this.figures.health();
          return session.up({
            membersByEnterpriseLag: await this.roster.lag(),
            figuresLag: figures.lag,
            // Rows (not log positions) of the figures loaded but not yet summarised: queries scan them meanwhile.
            figuresSummaryLag: figures.summaryLag,
            figuresVersion: figures.version,
            transferRequestsLag: await this.transferList.lag(),
            // Accepted requests not yet looked at by the process that carries them out.
            transferCompletionLag: await this.transferCompletion.lag(),
            // Events a projection could not apply: kept with their position and error, never skipped silently.
            parkedEvents: figures.parked,
          });
        } catch (error) {
          // Their lag is measured against the log's head: no head, no lag.
          return session.down({ message: reason(error, 'the lag could not be measured') });
        }
      },
    ]);
  }
}
