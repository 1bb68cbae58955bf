import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandAnswer, CommandExecutor, type CommandMeta } from '../../command-handling/command-executor.js';
import { Scopes } from '../../auth/scopes.js';
import { lockKeys } from '../../shared/keyed-mutex.js';
import { type Stored } from '../../shared/ledger-event.js';
import { type ParkEvent, parkStream } from '../park.events.js';
import { foldPark } from '../park.state.js';
import { decideVoidParkEntry, type VoidParkEntryInput } from './void-park-entry.decide.js';

export class VoidParkEntry extends Command<CommandAnswer> {
  constructor(readonly input: VoidParkEntryInput, readonly meta: CommandMeta) {
    super();
  }
}

@CommandHandler(VoidParkEntry)
export class VoidParkEntryHandler implements ICommandHandler<VoidParkEntry> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly scopes: Scopes,
  ) {}

  execute({ input, meta }: VoidParkEntry): Promise<CommandAnswer> {
    return this.executor.execute({
      name: 'voidParkEntry',
      stream: parkStream(input.parkId),
      body: input,
      meta,
      locks: lockKeys(['park', input.parkId]),
      decide: async (events) => {
        const park = foldPark(events as Array<Stored<ParkEvent>>);
        if (park.status === 'registered')
          await this.scopes.assertWrite(meta, [{ parkId: park.parkId, cityId: park.cityId }], `park ${input.parkId}`);
        return { events: decideVoidParkEntry(input, park) };
      },
    });
  }
}
