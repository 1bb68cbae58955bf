import { Injectable } from '@nestjs/common';
import { Scopes } from '../auth/scopes.js';
import { type CommandAnswer, CommandExecutor, type CommandMeta, type Decision } from '../command-handling/command-executor.js';
import type { RecordedEvent } from '../event-store/event-store.port.js';
import type { DecisionContext, LedgerEvent } from '../shared/ledger-event.js';
import { lockKeys, type LockKind } from '../shared/keyed-mutex.js';
import { transferStream } from './transfer-request.events.js';
import { asTransferRequest, assertSide, sidesOf } from './transfer-request.reader.js';
import { existing, type OpenedRequest } from './transfer-request.rules.js';
import type { SideRule } from './transfer-sides.js';

/**
 * Runs a command on an existing request: lock it, read it, check the caller's side, decide.
 * `decide` may read more (the member) and return any decision the executor takes.
 */
@Injectable()
export class TransferRequestCommands {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly scopes: Scopes,
  ) {}

  run(
    name: string,
    input: { transferId: string },
    meta: CommandMeta,
    side: SideRule,
    decide: (request: OpenedRequest, events: RecordedEvent[], ctx: DecisionContext) => Promise<Decision> | Decision,
    alsoLock: ReadonlyArray<[LockKind, string]> = [],
  ): Promise<CommandAnswer> {
    return this.executor.execute({
      name,
      stream: transferStream(input.transferId),
      body: input,
      meta,
      locks: lockKeys(['transfer', input.transferId], ...alsoLock),
      decide: async (events, ctx) => {
        const request = existing(asTransferRequest(events), input.transferId);
        const sides = await sidesOf(this.scopes, request.request);
        const { openedBy } = request.request;
        assertSide(
          this.scopes,
          meta,
          sides,
          side.allows(meta.principal, sides, openedBy),
          `transfer request ${input.transferId}`,
          side.why(openedBy),
        );
        return decide(request, events, ctx);
      },
    });
  }
}

/** Events as a decision, for deciders that only return events. */
export const eventsOnly = (events: readonly LedgerEvent[]): Decision => ({ events });
