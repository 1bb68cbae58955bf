import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { type Stored } from '../../shared/ledger-event.js';
import { type ParkEvent, parkStream } from '../park.events.js';
import { foldPark } from '../park.state.js';
import { decideVoidParkEntry, type VoidParkEntryInput } from './void-park-entry.decide.js';

export class VoidParkEntry extends Command<CommandAnswer> {
  constructor(readonly input: VoidParkEntryInput, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(VoidParkEntry)
export class VoidParkEntryHandler implements ICommandHandler<VoidParkEntry> {
  constructor(private readonly executor: CommandExecutor) {}

  execute({ input, meta }: VoidParkEntry): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'voidParkEntry',
      stream: parkStream(input.parkId),
      body: input,
      meta,
      locks: lockKeys(['park', input.parkId]),
      decide: (events) => ({ events: decideVoidParkEntry(input, foldPark(events as Array<Stored<ParkEvent>>)) }),
    });
  }
}
