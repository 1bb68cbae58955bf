import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TransferRequestsModule } from '../transfer-requests/transfer-requests.module.js';
import { HealthHttp } from './health.http.js';

@Module({ imports: [TerminusModule, TransferRequestsModule], controllers: [HealthHttp] })
export class HealthModule {}
