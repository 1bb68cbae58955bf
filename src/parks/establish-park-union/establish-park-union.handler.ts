import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { Scopes } from '../../auth/scopes.js';
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
  constructor(
    private readonly executor: CommandExecutor,
    private readonly scopes: Scopes,
  ) {}

  execute({ input, meta }: EstablishParkUnion): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'establishParkUnion',
      stream: parkStream(input.parkId),
      body: input,
      meta,
      locks: lockKeys(['park', input.parkId]),
      decide: async (events, ctx) => {
        const park = foldPark(events as Array<Stored<ParkEvent>>);
        if (park.status === 'registered')
          await this.scopes.assertWrite(meta, [{ parkId: park.parkId, cityId: park.cityId }], `park ${input.parkId}`);
        return { events: decideEstablishParkUnion(input, park, ctx) };
      },
    });
  }
}
