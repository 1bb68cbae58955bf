import { Injectable } from '@nestjs/common';
import { Scopes } from '../auth/scopes.js';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../command-handling/command-executor.js';
import { lockKeys } from '../shared/keyed-mutex.js';
import type { DecisionContext, LedgerEvent, Stored } from '../shared/ledger-event.js';
import { type ParkEvent, parkStream } from './park.events.js';
import { foldPark, type ParkState } from './park.state.js';

/** Runs a command on one registered park's stream, after checking the caller may write there. */
@Injectable()
export class ParkCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly scopes: Scopes,
  ) {}

  run<I extends { parkId: string }>(
    name: string,
    input: I,
    meta: CommandMeta,
    decide: (state: ParkState, ctx: DecisionContext) => readonly LedgerEvent[],
  ): Promise<CommandAnswer> {
    return this.executor.execute({
      name,
      stream: parkStream(input.parkId),
      body: input,
      meta,
      locks: lockKeys(['park', input.parkId]),
      decide: async (events, ctx) => {
        const park = foldPark(events as Array<Stored<ParkEvent>>);
        if (park.status === 'registered')
          await this.scopes.assertWrite(meta, [{ parkId: park.parkId, cityId: park.cityId }], `park ${input.parkId}`);
        return { events: decide(park, ctx) };
      },
    });
  }
}
