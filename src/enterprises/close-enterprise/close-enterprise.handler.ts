import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandAnswer, CommandMeta } from '../../command-handling/command-executor.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { readMember } from '../../membership/member.reader.js';
import { MemberRoster } from '../../read-models/member-roster.js';
import { EnterpriseCommands } from '../enterprise-commands.js';
import { type CloseEnterpriseInput, decideCloseEnterprise, type Placement, placementsOf } from './close-enterprise.decide.js';

export class CloseEnterprise extends Command<CommandAnswer> {
  constructor(
    readonly input: CloseEnterpriseInput,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(CloseEnterprise)
export class CloseEnterpriseHandler implements ICommandHandler<CloseEnterprise> {
  constructor(
    private readonly enterprises: EnterpriseCommands,
    private readonly roster: MemberRoster,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  execute({ input, meta }: CloseEnterprise): Promise<CommandAnswer> {
    return this.enterprises.run('closeEnterprise', input, meta, async (state, ctx) =>
      decideCloseEnterprise(input, state, await this.placementsAt(input.enterpriseId), ctx),
    );
  }

  /** Every stay at the enterprise on the current timelines of the members ever placed there. */
  private async placementsAt(enterpriseId: string): Promise<Placement[]> {
    const placements: Placement[] = [];
    for (const memberId of await this.roster.membersEverAt(enterpriseId))
      placements.push(...placementsOf(enterpriseId, await readMember(this.store, memberId)));
    return placements;
  }
}
