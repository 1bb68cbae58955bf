import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { STOCK } from '../../../projections/figures/figures-index.js';
import type { Caller } from '../../auth/principal.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../event-store/event-store.port.js';
import { Scopes } from '../../auth/scopes.js';
import { type MemberEvent } from '../../membership/member.events.js';
import type { MemberHistory } from '../../membership/member.timeline.js';
import { asHistory, parksOfFact } from '../../membership/member.reader.js';
import type { Stored } from '../../shared/ledger-event.js';
import { FiguresReadModel } from '../../read-models/figures/figures-read-model.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { parseInstant } from '../../shared/dates.js';
import { nextTurn } from '../../shared/next-turn.js';
import { validationFailed } from '../../shared/domain-error.js';
import { MAX_EXPORTED_CHANGES } from './export-bound.js';
import { ReportScopes } from '../report-scope.js';
import { knowledge, reportedKnownAt, settled, settledUpTo, type Totals, totalsOf } from '../totals.js';

export interface ChangeEntry {
  readonly eventId: string;
  readonly type: string;
  readonly memberId?: string;
  readonly enterpriseId?: string;
  readonly parkId?: string;
  /** null for a void, which takes effect when recorded (see voidedEventId). */
  readonly effectiveDate: string | null;
  readonly voidedEventId?: string;
  readonly recordedAt: string;
  /** null when the fact happened at parks outside the caller's scope (as its member's history shows it). */
  readonly actor: string | null;
  /** True when the fact happened at parks outside the caller's scope: who recorded it is not shown. */
  readonly redacted?: true;
  /** Change of `members` of the scope as of asOf. */
  readonly effect: number;
  /** Every figure it changed, when not zero (byCategory.*, employees, enterprises, …). */
  readonly effects: Record<string, number>;
}

export interface ChangesView {
  readonly scope: string;
  readonly asOf: string;
  readonly since: string;
  readonly until: string;
  readonly before: Totals;
  readonly after: Totals;
  readonly entries: readonly ChangeEntry[];
  readonly nextCursor: string | null;
}

export class ExplainChanges extends Query<ChangesView> {
  constructor(
    readonly scope: string,
    readonly asOf: string,
    readonly since: string,
    readonly until: string | undefined,
    readonly limit: number,
    readonly cursor: string | undefined,
    readonly caller: Caller,
    /** Set for an export: every entry of the window in one answer, refused (before any is read) when more than this. */
    readonly wholeWindowAtMost?: number,
  ) {
    super();
  }

  /** Every change of the window in one answer, as a file holds it (at most MAX_EXPORTED_CHANGES, or 400). */
  static wholeWindow(scope: string, asOf: string, since: string, until: string | undefined, caller: Caller): ExplainChanges {
    return new ExplainChanges(scope, asOf, since, until, MAX_EXPORTED_CHANGES, undefined, caller, MAX_EXPORTED_CHANGES);
  }
}

const FIGURE_NAMES = STOCK.map((s) => (['regular', 'migrant', 'dispatched'].includes(s) ? `byCategory.${s}` : s));

/**
 * Explains the change of a snapshot between two knowledge instants fact by fact: every event
 * recorded in (since, until] that moved a figure of the scope as of asOf, with its effect; the
 * effects on `members` add up exactly to after − before.
 */
/** A page's cursor: the last position it listed, and the until of the window its pages explain (ms). */
const CURSOR = /^([1-9]\d{0,18})(?:\.(\d{1,16}))?$/;

@QueryHandler(ExplainChanges)
export class ExplainChangesHandler implements IQueryHandler<ExplainChanges> {
  constructor(
    private readonly readModel: FiguresReadModel,
    private readonly scopes: ReportScopes,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly access: Scopes,
  ) {}

  /**
   * Whether a member's fact happened at parks outside the caller's scope, as its history judges
   * it (GET /members/:memberId/history shows such a fact redacted): it can move the scope's
   * figures (a back-dated category change before the member moved in), but who recorded it, at
   * another park, is not the caller's to see.
   */
  private async outsideScope(event: RecordedEvent, caller: Caller, histories: Map<string, MemberHistory>): Promise<boolean> {
    const { role } = caller.principal;
    if (role === 'provincial-admin' || role === 'auditor' || !event.streamName.startsWith('member-')) return false;
    // A page often lists several facts of one member: its history is folded once.
    let history = histories.get(event.streamName);
    if (history === undefined) {
      const memberId = event.streamName.slice('member-'.length);
      history = asHistory(memberId, (await this.store.readStream(event.streamName)) as Array<Stored<MemberEvent>>);
      histories.set(event.streamName, history);
    }
    const voided = (event.data as { voidedEventId?: unknown }).voidedEventId;
    const parks = parksOfFact(history, event.type === 'EntryVoided' && typeof voided === 'string' ? voided : event.id);
    for (const park of parks) if (await this.access.covers(caller, park)) return false;
    return parks.length > 0;
  }

  async execute({ scope, asOf, since, until, limit, cursor, caller, wholeWindowAtMost }: ExplainChanges): Promise<ChangesView> {
    const now = this.clock.now();
    const from = knowledge('since', since, now);
    const later = cursor === undefined ? null : CURSOR.exec(cursor);
    if (cursor !== undefined && !later) throw validationFailed('cursor', 'cursor must be a nextCursor from an earlier page');
    // A later page explains the same window as the first: its until travels in the cursor.
    const pinned = later?.[2] === undefined ? undefined : new Date(Number(later[2])).toISOString();
    if (pinned !== undefined && until !== undefined && parseInstant(until)?.toISOString() !== pinned)
      throw validationFailed('cursor', 'this cursor belongs to pages with another until: ask again from the first page');
    const asked = knowledge('until', pinned ?? until, now);
    if (from.knownMs > asked.knownMs) throw validationFailed('since', 'since must not be after until');
    const serving = await this.readModel.current();
    const settledMs = settledUpTo(serving, now);
    if (from.knownMs > settledMs)
      throw validationFailed(
        'since',
        `since must not be after now (${new Date(settledMs).toISOString()}): nothing is recorded after it yet`,
      );
    const to = settled(asked, serving, now);
    const s = this.scopes.resolve(serving.index, scope, caller);
    const withParks = s.kind === 'province' || s.kind === 'city';
    const { index } = serving;
    const after = later ? Number(later[1]) : 0;
    // An export takes the whole window, refused (before any event is read) when it holds more than a file may.
    const { changes: page, more } = index.changes(s.ref, asOf, from.knownMs, to.knownMs, {
      afterPosition: after,
      limit: wholeWindowAtMost ?? limit,
    });
    if (wholeWindowAtMost !== undefined && more)
      throw validationFailed(
        'since',
        `more than ${wholeWindowAtMost} changes were recorded between since and until (a file holds at most ${wholeWindowAtMost}): narrow the window, or read them as JSON pages`,
      );
    const entries: ChangeEntry[] = [];
    const histories = new Map<string, MemberHistory>();
    for (const change of page) {
      // The store answers at once: without a turn now and then, a file of 100,000 changes would hold every other request for seconds.
      if (entries.length % 500 === 499) await nextTurn();
      const position = index.positionOf(change.event);
      const [event] = await this.store.readAll({ after: String(position - 1), maxCount: 1 });
      const data = event.data as Record<string, unknown>;
      const effects = Object.fromEntries(FIGURE_NAMES.map((name, i) => [name, change.effects[i]]).filter(([, v]) => v !== 0));
      entries.push({
        eventId: event.id,
        type: event.type,
        ...pick(data, ['memberId', 'enterpriseId', 'parkId'], event.streamName),
        effectiveDate: typeof data.effectiveDate === 'string' ? data.effectiveDate : null,
        ...(typeof data.voidedEventId === 'string' ? { voidedEventId: data.voidedEventId } : {}),
        recordedAt: event.metadata.recordedAt,
        ...((await this.outsideScope(event, caller, histories))
          ? { actor: null, redacted: true as const }
          : { actor: event.metadata.actor }),
        effect: change.effects[0] + change.effects[1] + change.effects[2],
        effects,
      });
    }
    const untilAt = reportedKnownAt(serving, to, now);
    return {
      scope,
      asOf,
      since: from.knownAt,
      until: untilAt,
      before: totalsOf(index.stocks(s.ref, asOf, from.knownMs).sums[0], withParks),
      after: totalsOf(index.stocks(s.ref, asOf, to.knownMs).sums[0], withParks),
      entries,
      nextCursor: more ? `${index.positionOf(page[page.length - 1].event)}.${Date.parse(untilAt)}` : null,
    };
  }
}

/** The entity the event is about: from its data, or (for a void) from its stream's name. */
function pick(data: Record<string, unknown>, keys: readonly string[], stream: string): Record<string, string> {
  const found = Object.fromEntries(keys.filter((k) => typeof data[k] === 'string').map((k) => [k, data[k] as string]));
  if (Object.keys(found).length > 0) return found;
  const dash = stream.indexOf('-');
  return { [`${stream.slice(0, dash)}Id`]: stream.slice(dash + 1) };
}
