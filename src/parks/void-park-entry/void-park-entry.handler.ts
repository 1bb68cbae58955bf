import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { ParkCommands } from '../park-commands.js';
import { decideVoidParkEntry, type VoidParkEntryInput } from './void-park-entry.decide.js';

export class VoidParkEntry extends Command<CommandAnswer> {
  constructor(
    readonly input: VoidParkEntryInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(VoidParkEntry)
export class VoidParkEntryHandler implements ICommandHandler<VoidParkEntry> {
  constructor(private readonly parks: ParkCommands) {}

  execute({ input, meta }: VoidParkEntry): Promise<CommandAnswer> {
    return this.parks.run('voidParkEntry', input, meta, (state) => decideVoidParkEntry(input, state));
  }
}
