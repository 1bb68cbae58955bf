import { Inject, Injectable } from '@nestjs/common';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../command-handling/command-executor.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { lockKeys } from '../shared/keyed-mutex.js';
import type { LedgerEvent } from '../shared/ledger-event.js';
import { memberStream } from './member.events.js';
import { asHistory, memberEnterprises } from './member.reader.js';
import type { MemberDecisionContext } from './member.rules.js';
import type { MemberHistory } from './member.timeline.js';

/**
 * Runs a command on one member's stream whose decision needs the member's history and the
 * enterprises it names (transfer, category change, leave).
 */
@Injectable()
export class MemberCommands {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  run<I extends { memberId: string }>(
    name: string,
    input: I,
    meta: CommandMeta,
    decide: (input: I, history: MemberHistory, ctx: MemberDecisionContext) => readonly LedgerEvent[],
    targetEnterprise?: string,
  ): Promise<CommandAnswer> {
    const targets = targetEnterprise === undefined ? [] : [targetEnterprise];
    return this.executor.execute({
      name,
      stream: memberStream(input.memberId),
      body: input,
      meta,
      locks: lockKeys(['member', input.memberId], ...targets.map((id): ['enterprise', string] => ['enterprise', id])),
      decide: async (events, ctx) => {
        const history = asHistory(input.memberId, events);
        const enterprises = await memberEnterprises(this.store, history, ...targets);
        return { events: decide(input, history, { ...ctx, enterprises }) };
      },
    });
  }
}
