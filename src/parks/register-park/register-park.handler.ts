import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { Scopes } from '../../auth/scopes.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { type Stored } from '../../shared/ledger-event.js';
import { type ParkEvent, parkStream } from '../park.events.js';
import { foldPark } from '../park.state.js';
import { decideRegisterPark, type RegisterParkInput } from './register-park.decide.js';

export class RegisterPark extends Command<CommandAnswer> {
  constructor(
    readonly input: RegisterParkInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RegisterPark)
export class RegisterParkHandler implements ICommandHandler<RegisterPark> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly scopes: Scopes,
  ) {}

  execute({ input, meta }: RegisterPark): Promise<CommandAnswer> {
    this.scopes.assertWriteCity(meta, input.cityId, `city ${input.cityId}`);
    return this.executor.execute({
      name: 'registerPark',
      stream: parkStream(input.parkId),
      body: input,
      meta,
      locks: lockKeys(['park', input.parkId]),
      decide: (events, ctx) => ({ events: decideRegisterPark(input, foldPark(events as Array<Stored<ParkEvent>>), ctx) }),
    });
  }
}
