import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { EnterpriseCommands } from '../enterprise-commands.js';
import { decideVoidEnterpriseEntry, type VoidEnterpriseEntryInput } from './void-enterprise-entry.decide.js';

export class VoidEnterpriseEntry extends Command<CommandAnswer> {
  constructor(
    readonly input: VoidEnterpriseEntryInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(VoidEnterpriseEntry)
export class VoidEnterpriseEntryHandler implements ICommandHandler<VoidEnterpriseEntry> {
  constructor(private readonly enterprises: EnterpriseCommands) {}

  execute({ input, meta }: VoidEnterpriseEntry): Promise<CommandAnswer> {
    return this.enterprises.run('voidEnterpriseEntry', input, meta, (state) => decideVoidEnterpriseEntry(input, state));
  }
}
