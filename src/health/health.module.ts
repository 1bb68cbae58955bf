import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthHttp } from './health.http.js';

@Module({ imports: [TerminusModule], controllers: [HealthHttp] })
export class HealthModule {}
