import { Module } from '@nestjs/common';
import { ParkCommands } from './park-commands.js';
import { EstablishParkUnionHandler } from './establish-park-union/establish-park-union.handler.js';
import { EstablishParkUnionHttp } from './establish-park-union/establish-park-union.http.js';
import { RegisterParkHandler } from './register-park/register-park.handler.js';
import { RegisterParkHttp } from './register-park/register-park.http.js';
import { VoidParkEntryHandler } from './void-park-entry/void-park-entry.handler.js';
import { VoidParkEntryHttp } from './void-park-entry/void-park-entry.http.js';

@Module({
  controllers: [RegisterParkHttp, EstablishParkUnionHttp, VoidParkEntryHttp],
  providers: [ParkCommands, RegisterParkHandler, EstablishParkUnionHandler, VoidParkEntryHandler],
})
export class ParksModule {}
