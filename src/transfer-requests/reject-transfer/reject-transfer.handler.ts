import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { eventsOnly, TransferRequestCommands } from '../transfer-request-commands.js';
import { mayDecide } from '../transfer-sides.js';
import { decideRejectTransfer, type RejectTransferInput } from './reject-transfer.decide.js';

export class RejectTransfer extends Command<CommandAnswer> {
  constructor(
    readonly input: RejectTransferInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** The side rule of accepting and rejecting (shared with accept-transfer). */
export const DECIDING_SIDE = (verb: string) => ({
  allows: mayDecide,
  why: (openedBy: string) => `opened by the ${openedBy} side; the other side (or a city or provincial officer) ${verb} it`,
});

@CommandHandler(RejectTransfer)
export class RejectTransferHandler implements ICommandHandler<RejectTransfer> {
  constructor(private readonly requests: TransferRequestCommands) {}

  execute({ input, meta }: RejectTransfer): Promise<CommandAnswer> {
    return this.requests.run('rejectTransfer', input, meta, DECIDING_SIDE('rejects'), (request) =>
      eventsOnly(decideRejectTransfer(input, request)),
    );
  }
}
