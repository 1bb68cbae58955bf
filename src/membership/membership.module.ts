import { Module } from '@nestjs/common';
import { ChangeCategoryHandler } from './change-category/change-category.handler.js';
import { ChangeCategoryHttp } from './change-category/change-category.http.js';
import { ErasePersonalDataHandler } from './erase-personal-data/erase-personal-data.handler.js';
import { ErasePersonalDataHttp } from './erase-personal-data/erase-personal-data.http.js';
import { GetMemberHandler } from './get-member/get-member.query.js';
import { MemberReadHttp } from './get-member/get-member.http.js';
import { JoinMemberHandler } from './join/join.handler.js';
import { JoinHttp } from './join/join.http.js';
import { LeaveMembershipHandler } from './leave/leave.handler.js';
import { LeaveHttp } from './leave/leave.http.js';
import { GetMemberHistoryHandler } from './member-history/member-history.query.js';
import { MemberCommands } from './member-commands.js';
import { PersonClaims } from './person-claims.js';
import { TransferMemberHandler } from './transfer/transfer.handler.js';
import { TransferHttp } from './transfer/transfer.http.js';
import { VoidMemberEntryHandler } from './void-entry/void-entry.handler.js';
import { VoidEntryHttp } from './void-entry/void-entry.http.js';

@Module({
  controllers: [JoinHttp, TransferHttp, ChangeCategoryHttp, LeaveHttp, VoidEntryHttp, ErasePersonalDataHttp, MemberReadHttp],
  providers: [
    PersonClaims,
    MemberCommands,
    JoinMemberHandler,
    TransferMemberHandler,
    ChangeCategoryHandler,
    LeaveMembershipHandler,
    VoidMemberEntryHandler,
    ErasePersonalDataHandler,
    GetMemberHandler,
    GetMemberHistoryHandler,
  ],
  exports: [PersonClaims],
})
export class MembershipModule {}
