import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { readPark } from '../../parks/park.reader.js';
import { Scopes } from '../../auth/scopes.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { type Stored } from '../../shared/ledger-event.js';
import { type EnterpriseEvent, enterpriseStream } from '../enterprise.events.js';
import { foldEnterprise } from '../enterprise.state.js';
import { decideRegisterEnterprise, type RegisterEnterpriseInput } from './register-enterprise.decide.js';

export class RegisterEnterprise extends Command<CommandAnswer> {
  constructor(
    readonly input: RegisterEnterpriseInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(RegisterEnterprise)
export class RegisterEnterpriseHandler implements ICommandHandler<RegisterEnterprise> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly scopes: Scopes,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute({ input, meta }: RegisterEnterprise): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'registerEnterprise',
      stream: enterpriseStream(input.enterpriseId),
      body: input,
      meta,
      locks: lockKeys(['enterprise', input.enterpriseId], ['park', input.parkId]),
      decide: async (events, ctx) => {
        const park = await readPark(this.store, input.parkId);
        if (park.status === 'registered')
          await this.scopes.assertWrite(meta, [{ parkId: park.parkId, cityId: park.cityId }], `park ${input.parkId}`);
        return { events: decideRegisterEnterprise(input, foldEnterprise(events as Array<Stored<EnterpriseEvent>>), park, ctx) };
      },
    });
  }
}
