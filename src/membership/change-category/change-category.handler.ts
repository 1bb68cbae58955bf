import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { memberStream } from '../member.events.js';
import { asHistory, memberEnterprises } from '../member.reader.js';
import { type ChangeCategoryInput, decideChangeCategory } from './change-category.decide.js';

export class ChangeCategory extends Command<CommandAnswer> {
  constructor(readonly input: ChangeCategoryInput, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(ChangeCategory)
export class ChangeCategoryHandler implements ICommandHandler<ChangeCategory> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute({ input, meta }: ChangeCategory): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'changeCategory',
      stream: memberStream(input.memberId),
      body: input,
      meta,
      locks: lockKeys(['member', input.memberId]),
      decide: async (events, ctx) => {
        const history = asHistory(input.memberId, events);
        const enterprises = await memberEnterprises(this.store, history);
        return { events: decideChangeCategory(input, history, { ...ctx, enterprises }) };
      },
    });
  }
}
