import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { readMember, memberEnterprises } from '../../membership/member.reader.js';
import { DomainError } from '../../shared/domain-error.js';
import { FaultPoints } from '../../shared/fault-points.js';
import { TransferCompletion } from '../complete-transfer/transfer-completion.js';
import { transferStream } from '../transfer-request.events.js';
import { asTransferRequest, memberOfRequest } from '../transfer-request.reader.js';
import { TransferRequestCommands } from '../transfer-request-commands.js';
import { DECIDING_SIDE } from '../transfer-sides.js';
import { notPending } from '../transfer-request.rules.js';
import { type AcceptTransferInput, decideAcceptTransfer } from './accept-transfer.decide.js';

export class AcceptTransfer extends Command<CommandAnswer> {
  constructor(
    readonly input: AcceptTransferInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/**
 * Records the acceptance, then carries it out on the member's stream before answering, so the
 * figures read right after show the move. The completion process finishes the second step if
 * this process dies between the two.
 */
@CommandHandler(AcceptTransfer)
export class AcceptTransferHandler implements ICommandHandler<AcceptTransfer> {
  constructor(
    private readonly requests: TransferRequestCommands,
    private readonly completion: TransferCompletion,
    private readonly faults: FaultPoints,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ input, meta }: AcceptTransfer): Promise<CommandAnswer> {
    const stream = transferStream(input.transferId);
    const memberId = await memberOfRequest(this.store, stream);
    let refused: DomainError | undefined;
    const answer = await this.requests.run(
      'acceptTransfer',
      input,
      meta,
      DECIDING_SIDE('accepts'),
      async (state, events, ctx) => {
        refused = undefined;
        const history = await readMember(this.store, state.request.memberId);
        const enterprises = await memberEnterprises(this.store, history, state.request.to.enterpriseId);
        const decision = decideAcceptTransfer(input, state, history, { ...ctx, enterprises });
        if (decision.kind === 'already-accepted')
          return { events: [], unchanged: events.filter((e) => e.type === 'TransferAccepted') };
        if (decision.kind === 'refused') refused = decision.error;
        return { events: decision.events };
      },
      memberId ? [['member', memberId]] : [],
    );
    if (refused) throw endedRejected(refused, input.transferId);
    if (answer.replayed) {
      // A repeat (same commandId) of an acceptance that ended the request rejected is refused again.
      const state = asTransferRequest(await this.store.readStream(stream));
      if (state.status === 'rejected') throw notPending(state);
    }
    this.faults.reach('after-transfer-accepted');
    const outcome = await this.completion.complete(input.transferId);
    if (outcome.status === 'rejected') throw endedRejected(outcome.error, input.transferId);
    return answer;
  }
}

/** The rules' refusal, saying that the request is now closed. */
function endedRejected(error: DomainError, transferId: string): DomainError {
  const details = error.details && !Array.isArray(error.details) ? error.details : {};
  return new DomainError(error.code, `${error.message}; transfer request ${transferId} is now rejected`, {
    ...details,
    transferId,
    status: 'rejected',
  });
}
