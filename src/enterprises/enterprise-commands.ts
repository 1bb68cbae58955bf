import { Injectable } from '@nestjs/common';
import { Scopes } from '../auth/scopes.js';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../command-handling/command-executor.js';
import { lockKeys } from '../shared/keyed-mutex.js';
import type { DecisionContext, LedgerEvent, Stored } from '../shared/ledger-event.js';
import { type EnterpriseEvent, enterpriseStream } from './enterprise.events.js';
import { type EnterpriseState, foldEnterprise } from './enterprise.state.js';

/**
 * Runs a command on one enterprise's stream: fold its state, check the caller may write at the
 * enterprise's park, then decide (union, headcount, closure, void).
 */
@Injectable()
export class EnterpriseCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly scopes: Scopes,
  ) {}

  run<I extends { enterpriseId: string }>(
    name: string,
    input: I,
    meta: CommandMeta,
    decide: (state: EnterpriseState, ctx: DecisionContext) => readonly LedgerEvent[] | Promise<readonly LedgerEvent[]>,
  ): Promise<CommandAnswer> {
    return this.executor.execute({
      name,
      stream: enterpriseStream(input.enterpriseId),
      body: input,
      meta,
      locks: lockKeys(['enterprise', input.enterpriseId]),
      decide: async (events, ctx) => {
        const enterprise = foldEnterprise(events as Array<Stored<EnterpriseEvent>>);
        if (enterprise.status === 'registered')
          await this.scopes.assertWrite(
            meta,
            [await this.scopes.placeOfPark(enterprise.parkId)],
            `enterprise ${input.enterpriseId}`,
          );
        return { events: await decide(enterprise, ctx) };
      },
    });
  }
}
