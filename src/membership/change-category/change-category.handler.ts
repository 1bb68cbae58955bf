import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { MemberCommands } from '../member-commands.js';
import { type ChangeCategoryInput, decideChangeCategory } from './change-category.decide.js';

export class ChangeCategory extends Command<CommandAnswer> {
  constructor(
    readonly input: ChangeCategoryInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ChangeCategory)
export class ChangeCategoryHandler implements ICommandHandler<ChangeCategory> {
  constructor(private readonly members: MemberCommands) {}

  execute({ input, meta }: ChangeCategory): Promise<CommandAnswer> {
    return this.members.run('changeCategory', input, meta, decideChangeCategory);
  }
}
