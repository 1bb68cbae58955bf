import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { MemberCommands } from '../member-commands.js';
import { decideTransfer, type TransferInput } from './transfer.decide.js';

export class TransferMember extends Command<CommandAnswer> {
  constructor(
    readonly input: TransferInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(TransferMember)
export class TransferMemberHandler implements ICommandHandler<TransferMember> {
  constructor(private readonly members: MemberCommands) {}

  execute({ input, meta }: TransferMember): Promise<CommandAnswer> {
    return this.members.run('transfer', input, meta, decideTransfer, input.toEnterpriseId);
  }
}
