import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { memberStream } from '../member.events.js';
import { asHistory, memberEnterprises } from '../member.reader.js';
import { decideLeave, type LeaveInput } from './leave.decide.js';

export class LeaveMembership extends Command<CommandAnswer> {
  constructor(readonly input: LeaveInput, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(LeaveMembership)
export class LeaveMembershipHandler implements ICommandHandler<LeaveMembership> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute({ input, meta }: LeaveMembership): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'leave',
      stream: memberStream(input.memberId),
      body: input,
      meta,
      locks: lockKeys(['member', input.memberId]),
      decide: async (events, ctx) => {
        const history = asHistory(input.memberId, events);
        const enterprises = await memberEnterprises(this.store, history);
        return { events: decideLeave(input, history, { ...ctx, enterprises }) };
      },
    });
  }
}
