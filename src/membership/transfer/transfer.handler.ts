import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { memberStream } from '../member.events.js';
import { asHistory, memberEnterprises } from '../member.reader.js';
import { decideTransfer, type TransferInput } from './transfer.decide.js';

export class TransferMember extends Command<CommandAnswer> {
  constructor(readonly input: TransferInput, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(TransferMember)
export class TransferMemberHandler implements ICommandHandler<TransferMember> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute({ input, meta }: TransferMember): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'transfer',
      stream: memberStream(input.memberId),
      body: input,
      meta,
      locks: lockKeys(['member', input.memberId], ['enterprise', input.toEnterpriseId]),
      decide: async (events, ctx) => {
        const history = asHistory(input.memberId, events);
        const enterprises = await memberEnterprises(this.store, history, input.toEnterpriseId);
        return { events: decideTransfer(input, history, { ...ctx, enterprises }) };
      },
    });
  }
}
