import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { MemberCommands } from '../member-commands.js';
import { decideLeave, type LeaveInput } from './leave.decide.js';

export class LeaveMembership extends Command<CommandAnswer> {
  constructor(
    readonly input: LeaveInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(LeaveMembership)
export class LeaveMembershipHandler implements ICommandHandler<LeaveMembership> {
  constructor(private readonly members: MemberCommands) {}

  execute({ input, meta }: LeaveMembership): Promise<CommandAnswer> {
    return this.members.run('leave', input, meta, decideLeave);
  }
}
