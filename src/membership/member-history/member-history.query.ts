import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import { ERASED_NAME } from '../../personal-data/encrypted-member-names.js';
import { MEMBER_NAMES, type MemberNames } from '../../personal-data/member-names.js';
import { Scopes } from '../../auth/scopes.js';
import type { Caller } from '../../auth/principal.js';
import { notFound } from '../../shared/domain-error.js';
import { type Stored, type VoidMark } from '../../shared/ledger-event.js';
import { type MemberEvent, memberStream } from '../member.events.js';
import { asHistory, parksOf, parksOfFact } from '../member.reader.js';
import { settledKnownAt } from '../member.timeline.js';
import { CLOCK, type Clock } from '../../shared/clock.js';

export interface HistoryEntry {
  readonly eventId: string;
  readonly type: string;
  /** null for a void or an erasure, which take effect when they are recorded. */
  readonly effectiveDate: string | null;
  readonly recordedAt: string;
  readonly actor: string | null;
  readonly correlationId: string | null;
  readonly data: Record<string, unknown>;
  readonly voided?: VoidMark;
  /** True when the fact happened at a park outside the caller's scope. */
  readonly redacted?: true;
}

export interface MemberHistoryView {
  readonly memberId: string;
  /** The instant asked (UTC), or null: everything recorded so far. */
  readonly knownAt: string | null;
  readonly entries: readonly HistoryEntry[];
}

export class GetMemberHistory extends Query<MemberHistoryView> {
  constructor(
    readonly memberId: string,
    /** Only entries (and void marks) recorded up to this instant (UTC ISO); undefined: all. */
    readonly knownAt: string | undefined,
    readonly caller: Caller,
  ) {
    super();
  }
}

/** Every fact and void in recording order; personal data only as the name seam and mask allow. */
@QueryHandler(GetMemberHistory)
export class GetMemberHistoryHandler implements IQueryHandler<GetMemberHistory> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MEMBER_NAMES) private readonly names: MemberNames,
    private readonly scopes: Scopes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ memberId, knownAt: asked, caller }: GetMemberHistory): Promise<MemberHistoryView> {
    const all = (await this.store.readStream(memberStream(memberId))) as Array<Stored<MemberEvent>>;
    if (all.length === 0) throw notFound('Member', memberId);
    // Who may read it is judged on the record as it stands, as for GET /members/:memberId.
    const current = asHistory(memberId, all);
    this.scopes.assertRead(caller, await this.scopes.placesOfParks(parksOf(current)), `member ${memberId}`, 'Member', memberId);
    // As known at knownAt: the entries recorded by then, void marks included (the stream is in recording order).
    const knownAt = settledKnownAt(asked, this.clock.now().toISOString(), all.at(-1)?.metadata.recordedAt);
    const events = knownAt === undefined ? all : all.filter((e) => e.metadata.recordedAt <= knownAt);
    if (events.length === 0) throw notFound('Member', memberId);
    const history = events === all ? current : asHistory(memberId, events);
    const marks = new Map(history.facts.map((f) => [f.id, f.voided]));
    const erased = history.erased !== undefined;
    const entries: HistoryEntry[] = [];
    for (const e of events) {
      const voided = marks.get(e.id);
      const parks = e.type === 'EntryVoided' ? parksOfFact(history, e.data.voidedEventId) : parksOfFact(history, e.id);
      if (!(await this.inScope(caller, parks))) {
        entries.push(outsideScope(e, parks));
        continue;
      }
      entries.push({
        eventId: e.id,
        type: e.type,
        effectiveDate: e.type === 'EntryVoided' || e.type === 'MemberPersonalDataErased' ? null : e.data.effectiveDate,
        recordedAt: e.metadata.recordedAt,
        actor: e.metadata.actor,
        correlationId: e.metadata.correlationId,
        data: await this.shown(memberId, e, erased),
        ...(voided ? { voided } : {}),
      });
    }
    return { memberId, knownAt: knownAt ?? null, entries };
  }

  /** Facts at parks outside a clerk's or officer's scope show only that they happened. */
  private async inScope(caller: Caller, parks: readonly string[]): Promise<boolean> {
    if (parks.length === 0) return true;
    for (const park of parks) if (await this.scopes.covers(caller, park)) return true;
    return false;
  }

  /** Once erased (the history's mark), every name reads `[erased]`, whatever the key table says. */
  private async shown(memberId: string, e: Stored<MemberEvent>, erased: boolean): Promise<Record<string, unknown>> {
    if (e.type !== 'MemberJoined') return { ...(e as RecordedEvent<string, Record<string, unknown>>).data };
    const { person, name, ...rest } = e.data;
    return { ...rest, person: { masked: person.masked }, name: erased ? ERASED_NAME : await this.names.reveal(memberId, name) };
  }
}

/** The membership stays continuous for another park's clerk; that park's internals do not show. */
function outsideScope(e: Stored<MemberEvent>, parks: readonly string[]): HistoryEntry {
  return {
    eventId: e.id,
    type: e.type,
    effectiveDate: e.type === 'EntryVoided' || e.type === 'MemberPersonalDataErased' ? null : e.data.effectiveDate,
    recordedAt: e.metadata.recordedAt,
    actor: null,
    correlationId: null,
    data: { parkIds: [...parks] },
    redacted: true,
  };
}
