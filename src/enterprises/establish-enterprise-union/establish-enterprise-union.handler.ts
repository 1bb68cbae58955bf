import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { EnterpriseCommands } from '../enterprise-commands.js';
import { decideEstablishEnterpriseUnion, type EstablishEnterpriseUnionInput } from './establish-enterprise-union.decide.js';

export class EstablishEnterpriseUnion extends Command<CommandAnswer> {
  constructor(
    readonly input: EstablishEnterpriseUnionInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(EstablishEnterpriseUnion)
export class EstablishEnterpriseUnionHandler implements ICommandHandler<EstablishEnterpriseUnion> {
  constructor(private readonly enterprises: EnterpriseCommands) {}

  execute({ input, meta }: EstablishEnterpriseUnion): Promise<CommandAnswer> {
    return this.enterprises.run('establishEnterpriseUnion', input, meta, (state, ctx) =>
      decideEstablishEnterpriseUnion(input, state, ctx),
    );
  }
}
