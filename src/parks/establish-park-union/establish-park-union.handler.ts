import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { type Stored } from '../../shared/ledger-event.js';
import { type ParkEvent, parkStream } from '../park.events.js';
import { foldPark } from '../park.state.js';
import { decideEstablishParkUnion, type EstablishParkUnionInput } from './establish-park-union.decide.js';

export class EstablishParkUnion extends Command<CommandAnswer> {
  constructor(readonly input: EstablishParkUnionInput, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(EstablishParkUnion)
export class EstablishParkUnionHandler implements ICommandHandler<EstablishParkUnion> {
  constructor(private readonly executor: CommandExecutor) {}

  execute({ input, meta }: EstablishParkUnion): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'establishParkUnion',
      stream: parkStream(input.parkId),
      body: input,
      meta,
      locks: lockKeys(['park', input.parkId]),
      decide: (events, ctx) => ({
        events: decideEstablishParkUnion(input, foldPark(events as Array<Stored<ParkEvent>>), ctx),
      }),
    });
  }
}
