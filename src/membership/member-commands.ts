import { Inject, Injectable } from '@nestjs/common';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../command-handling/command-executor.js';
import type { EnterpriseState } from '../enterprises/enterprise.state.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { Scopes } from '../auth/scopes.js';
import { lockKeys } from '../shared/keyed-mutex.js';
import type { LedgerEvent } from '../shared/ledger-event.js';
import { memberStream } from './member.events.js';
import { asHistory, memberEnterprises, parkOn } from './member.reader.js';
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
    private readonly scopes: Scopes,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  run<I extends { memberId: string; effectiveDate: string }>(
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
        // The member's park on the fact's date, and the destination of a transfer, must be in scope.
        const own = parkOn(history, input.effectiveDate);
        await this.scopes.assertWrite(meta, await this.scopes.placesOfParks(own ? [own] : []), `member ${input.memberId}`);
        for (const id of targets) {
          const park = enterpriseParkOf(enterprises.get(id));
          await this.scopes.assertWrite(
            meta,
            await this.scopes.placesOfParks(park ? [park] : []),
            `enterprise ${id}`,
            'a move to a park outside it is requested with POST /transfers and accepted by that side',
          );
        }
        return { events: decide(input, history, { ...ctx, enterprises }) };
      },
    });
  }
}

const enterpriseParkOf = (e: EnterpriseState | undefined): string | undefined =>
  e?.status === 'registered' ? e.parkId : undefined;
