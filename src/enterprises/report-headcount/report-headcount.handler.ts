import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { type Stored } from '../../shared/ledger-event.js';
import { type EnterpriseEvent, enterpriseStream } from '../enterprise.events.js';
import { foldEnterprise } from '../enterprise.state.js';
import { decideReportHeadcount, type ReportHeadcountInput } from './report-headcount.decide.js';

export class ReportHeadcount extends Command<CommandAnswer> {
  constructor(readonly input: ReportHeadcountInput, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(ReportHeadcount)
export class ReportHeadcountHandler implements ICommandHandler<ReportHeadcount> {
  constructor(private readonly executor: CommandExecutor) {}

  execute({ input, meta }: ReportHeadcount): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'reportHeadcount',
      stream: enterpriseStream(input.enterpriseId),
      body: input,
      meta,
      locks: lockKeys(['enterprise', input.enterpriseId]),
      decide: (events, ctx) => ({
        events: decideReportHeadcount(input, foldEnterprise(events as Array<Stored<EnterpriseEvent>>), ctx),
      }),
    });
  }
}
