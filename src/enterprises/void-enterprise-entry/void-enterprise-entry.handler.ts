import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { Scopes } from '../../auth/scopes.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { type Stored } from '../../shared/ledger-event.js';
import { type EnterpriseEvent, enterpriseStream } from '../enterprise.events.js';
import { foldEnterprise } from '../enterprise.state.js';
import { decideVoidEnterpriseEntry, type VoidEnterpriseEntryInput } from './void-enterprise-entry.decide.js';

export class VoidEnterpriseEntry extends Command<CommandAnswer> {
  constructor(readonly input: VoidEnterpriseEntryInput, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(VoidEnterpriseEntry)
export class VoidEnterpriseEntryHandler implements ICommandHandler<VoidEnterpriseEntry> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly scopes: Scopes,
  ) {}

  execute({ input, meta }: VoidEnterpriseEntry): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'voidEnterpriseEntry',
      stream: enterpriseStream(input.enterpriseId),
      body: input,
      meta,
      locks: lockKeys(['enterprise', input.enterpriseId]),
      decide: async (events) => {
        const enterprise = foldEnterprise(events as Array<Stored<EnterpriseEvent>>);
        if (enterprise.status === 'registered')
          await this.scopes.assertWrite(meta, [await this.scopes.placeOfPark(enterprise.parkId)], `enterprise ${input.enterpriseId}`);
        return { events: decideVoidEnterpriseEntry(input, enterprise) };
      },
    });
  }
}
