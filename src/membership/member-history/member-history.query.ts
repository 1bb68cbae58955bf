import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import { MEMBER_NAMES, type MemberNames } from '../../personal-data/member-names.js';
import { notFound } from '../../shared/domain-error.js';
import { type Stored, type VoidMark } from '../../shared/ledger-event.js';
import { type MemberEvent, memberStream } from '../member.events.js';
import { asHistory } from '../member.reader.js';

export interface HistoryEntry {
  readonly eventId: string;
  readonly type: string;
  /** null for a void, which takes effect when it is recorded. */
  readonly effectiveDate: string | null;
  readonly recordedAt: string;
  readonly actor: string;
  readonly correlationId: string;
  readonly data: Record<string, unknown>;
  readonly voided?: VoidMark;
}

export interface MemberHistoryView {
  readonly memberId: string;
  readonly entries: readonly HistoryEntry[];
}

export class GetMemberHistory extends Query<MemberHistoryView> {
  constructor(readonly memberId: string) {
    super();
  }
}

/** Every fact and void in recording order; personal data only as the name seam and mask allow. */
@QueryHandler(GetMemberHistory)
export class GetMemberHistoryHandler implements IQueryHandler<GetMemberHistory> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MEMBER_NAMES) private readonly names: MemberNames,
  ) {}

  async execute({ memberId }: GetMemberHistory): Promise<MemberHistoryView> {
    const events = (await this.store.readStream(memberStream(memberId))) as Array<Stored<MemberEvent>>;
    if (events.length === 0) throw notFound('Member', memberId);
    const marks = new Map(asHistory(memberId, events).facts.map((f) => [f.id, f.voided]));
    const entries: HistoryEntry[] = [];
    for (const e of events) {
      const voided = marks.get(e.id);
      entries.push({
        eventId: e.id,
        type: e.type,
        effectiveDate: e.type === 'EntryVoided' ? null : e.data.effectiveDate,
        recordedAt: e.metadata.recordedAt,
        actor: e.metadata.actor,
        correlationId: e.metadata.correlationId,
        data: await this.shown(memberId, e),
        ...(voided ? { voided } : {}),
      });
    }
    return { memberId, entries };
  }

  private async shown(memberId: string, e: Stored<MemberEvent>): Promise<Record<string, unknown>> {
    if (e.type !== 'MemberJoined') return { ...(e as RecordedEvent<string, Record<string, unknown>>).data };
    const { person, name, ...rest } = e.data;
    return { ...rest, person: { masked: person.masked }, name: await this.names.reveal(memberId, name) };
  }
}
