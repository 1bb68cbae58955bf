import { Module } from '@nestjs/common';
import { EnterpriseCommands } from './enterprise-commands.js';
import { CloseEnterpriseHandler } from './close-enterprise/close-enterprise.handler.js';
import { CloseEnterpriseHttp } from './close-enterprise/close-enterprise.http.js';
import { EstablishEnterpriseUnionHandler } from './establish-enterprise-union/establish-enterprise-union.handler.js';
import { EstablishEnterpriseUnionHttp } from './establish-enterprise-union/establish-enterprise-union.http.js';
import { RegisterEnterpriseHandler } from './register-enterprise/register-enterprise.handler.js';
import { RegisterEnterpriseHttp } from './register-enterprise/register-enterprise.http.js';
import { ReportHeadcountHandler } from './report-headcount/report-headcount.handler.js';
import { ReportHeadcountHttp } from './report-headcount/report-headcount.http.js';
import { VoidEnterpriseEntryHandler } from './void-enterprise-entry/void-enterprise-entry.handler.js';
import { VoidEnterpriseEntryHttp } from './void-enterprise-entry/void-enterprise-entry.http.js';

@Module({
  controllers: [
    RegisterEnterpriseHttp,
    EstablishEnterpriseUnionHttp,
    ReportHeadcountHttp,
    CloseEnterpriseHttp,
    VoidEnterpriseEntryHttp,
  ],
  providers: [
    EnterpriseCommands,
    RegisterEnterpriseHandler,
    EstablishEnterpriseUnionHandler,
    ReportHeadcountHandler,
    CloseEnterpriseHandler,
    VoidEnterpriseEntryHandler,
  ],
})
export class EnterprisesModule {}
