import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { eventsOnly, TransferRequestCommands } from '../transfer-request-commands.js';
import { OPENING_SIDE } from '../transfer-sides.js';
import { type CancelTransferInput, decideCancelTransfer } from './cancel-transfer.decide.js';

export class CancelTransfer extends Command<CommandAnswer> {
  constructor(
    readonly input: CancelTransferInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(CancelTransfer)
export class CancelTransferHandler implements ICommandHandler<CancelTransfer> {
  constructor(private readonly requests: TransferRequestCommands) {}

  execute({ input, meta }: CancelTransfer): Promise<CommandAnswer> {
    return this.requests.run('cancelTransfer', input, meta, OPENING_SIDE, (request) =>
      eventsOnly(decideCancelTransfer(input, request)),
    );
  }
}
