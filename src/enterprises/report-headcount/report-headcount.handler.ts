import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { EnterpriseCommands } from '../enterprise-commands.js';
import { decideReportHeadcount, type ReportHeadcountInput } from './report-headcount.decide.js';

export class ReportHeadcount extends Command<CommandAnswer> {
  constructor(
    readonly input: ReportHeadcountInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ReportHeadcount)
export class ReportHeadcountHandler implements ICommandHandler<ReportHeadcount> {
  constructor(private readonly enterprises: EnterpriseCommands) {}

  execute({ input, meta }: ReportHeadcount): Promise<CommandAnswer> {
    return this.enterprises.run('reportHeadcount', input, meta, (state, ctx) => decideReportHeadcount(input, state, ctx));
  }
}
