import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { ParkCommands } from '../park-commands.js';
import { decideEstablishParkUnion, type EstablishParkUnionInput } from './establish-park-union.decide.js';

export class EstablishParkUnion extends Command<CommandAnswer> {
  constructor(
    readonly input: EstablishParkUnionInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(EstablishParkUnion)
export class EstablishParkUnionHandler implements ICommandHandler<EstablishParkUnion> {
  constructor(private readonly parks: ParkCommands) {}

  execute({ input, meta }: EstablishParkUnion): Promise<CommandAnswer> {
    return this.parks.run('establishParkUnion', input, meta, (state, ctx) => decideEstablishParkUnion(input, state, ctx));
  }
}
