import { Module } from '@nestjs/common';
import { MembershipModule } from '../membership/membership.module.js';
import { ImportFileHttp, ImportRunner } from './import-file.http.js';

/** Bulk import of command files (POST /imports; `ledger import` runs the same engine from the command line). */
@Module({
  imports: [MembershipModule],
  controllers: [ImportFileHttp],
  providers: [ImportRunner],
})
export class ImportsModule {}
