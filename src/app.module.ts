import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from './auth/auth.module.js';
import { EnterprisesModule } from './enterprises/enterprises.module.js';
import { HealthModule } from './health/health.module.js';
import { ImportsModule } from './imports/imports.module.js';
import { InfrastructureModule, type InfrastructureOptions } from './infrastructure.module.js';
import { MembershipModule } from './membership/membership.module.js';
import { ParksModule } from './parks/parks.module.js';
import { ReportingModule } from './reporting/reporting.module.js';
import { TransferRequestsModule } from './transfer-requests/transfer-requests.module.js';

/** The whole service: infrastructure chosen from config, then one module per area. */
@Module({})
export class AppModule {
  static forRoot(options: InfrastructureOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        InfrastructureModule.forRoot(options),
        AuthModule.forRoot(options.config),
        ParksModule,
        EnterprisesModule,
        MembershipModule,
        TransferRequestsModule,
        ReportingModule,
        ImportsModule,
        HealthModule,
      ],
    };
  }
}
