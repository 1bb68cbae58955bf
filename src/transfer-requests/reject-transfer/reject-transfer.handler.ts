import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { eventsOnly, TransferRequestCommands } from '../transfer-request-commands.js';
import { DECIDING_SIDE } from '../transfer-sides.js';
import { decideRejectTransfer, type RejectTransferInput } from './reject-transfer.decide.js';

export class RejectTransfer extends Command<CommandAnswer> {
  constructor(
    readonly input: RejectTransferInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RejectTransfer)
export class RejectTransferHandler implements ICommandHandler<RejectTransfer> {
  constructor(private readonly requests: TransferRequestCommands) {}

  execute({ input, meta }: RejectTransfer): Promise<CommandAnswer> {
    return this.requests.run('rejectTransfer', input, meta, DECIDING_SIDE('rejects'), (request) =>
      eventsOnly(decideRejectTransfer(input, request)),
    );
  }
}
