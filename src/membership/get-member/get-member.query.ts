import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { ERASED_NAME } from '../../personal-data/encrypted-member-names.js';
import { MEMBER_NAMES, type MemberNames } from '../../personal-data/member-names.js';
import { Scopes } from '../../auth/scopes.js';
import type { Caller } from '../../auth/principal.js';
import { notFound } from '../../shared/domain-error.js';
import { asHistory, parksOf } from '../member.reader.js';
import { memberStream } from '../member.events.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { historyKnownAt, settledKnownAt, standingAsOf } from '../member.timeline.js';

export interface MemberView {
  readonly memberId: string;
  readonly asOf: string;
  readonly knownAt: string | null;
  /** Revision of the member's stream now: send it back as expectedRevision. */
  readonly revision: number;
  readonly status: 'active' | 'left' | 'not-joined';
  readonly person: { readonly masked: string };
  readonly name: string;
  readonly category: string | null;
  readonly enterpriseId: string | null;
  readonly parkId: string | null;
  readonly memberSince: string | null;
  readonly leftOn: string | null;
}

export class GetMember extends Query<MemberView> {
  constructor(
    readonly memberId: string,
    readonly asOf: string,
    readonly knownAt: string | undefined,
    readonly caller: Caller,
  ) {
    super();
  }
}

@QueryHandler(GetMember)
export class GetMemberHandler implements IQueryHandler<GetMember> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MEMBER_NAMES) private readonly names: MemberNames,
    private readonly scopes: Scopes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ memberId, asOf, knownAt: asked, caller }: GetMember): Promise<MemberView> {
    const events = await this.store.readStream(memberStream(memberId));
    const full = asHistory(memberId, events);
    this.scopes.assertRead(caller, await this.scopes.placesOfParks(parksOf(full)), `member ${memberId}`, 'Member', memberId);
    const knownAt = settledKnownAt(asked, this.clock.now().toISOString(), events.at(-1)?.metadata.recordedAt);
    const history = historyKnownAt(full, knownAt);
    const firstJoin = history.facts.find((f) => f.type === 'MemberJoined');
    if (!firstJoin || firstJoin.type !== 'MemberJoined') throw notFound('Member', memberId);
    const standing = standingAsOf(history, asOf);
    // The erasure mark wins over the seam (behind the destroyed key): it also hides names stored before encryption.
    const name = (sealed: string) => (full.erased ? Promise.resolve(ERASED_NAME) : this.names.reveal(memberId, sealed));
    const base = {
      memberId,
      asOf,
      knownAt: knownAt ?? null,
      revision: full.revision ?? 0,
      person: { masked: firstJoin.data.person.masked },
    };
    if (standing.status === 'active')
      return {
        ...base,
        status: 'active',
        name: await name(standing.name),
        category: standing.category,
        // A clerk of an earlier park sees where the member went, not the other park's enterprise.
        enterpriseId: (await this.scopes.covers(caller, standing.placement.parkId)) ? standing.placement.enterpriseId : null,
        parkId: standing.placement.parkId,
        memberSince: standing.since,
        leftOn: null,
      };
    return {
      ...base,
      status: standing.status === 'left' ? 'left' : 'not-joined',
      name: await name(firstJoin.data.name),
      category: null,
      enterpriseId: null,
      parkId: null,
      memberSince: null,
      leftOn: standing.status === 'left' ? standing.leftOn : null,
    };
  }
}
