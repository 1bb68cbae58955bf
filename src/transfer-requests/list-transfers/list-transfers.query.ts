import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { TransferRequestView } from '../../../projections/transfer-requests/transfer-requests.projection.js';
import { covers, type Caller, type Place } from '../../auth/principal.js';
import { Scopes } from '../../auth/scopes.js';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import type { Placement } from '../../membership/member.events.js';
import { TransferRequestList } from '../../read-models/transfer-request-list.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { shanghaiDate } from '../../shared/dates.js';
import { notFound } from '../../shared/domain-error.js';
import type { OpenedBy } from '../transfer-request.events.js';
import { TRANSFER_STATUSES, type TransferStatus } from '../transfer-request.state.js';
import { type Acceptability, readAcceptability } from './acceptability.js';

export const DEFAULT_OVERDUE_DAYS = 30;
const DAY_MS = 86_400_000;

export interface TransferListItem {
  readonly transferId: string;
  readonly memberId: string;
  readonly from: Placement;
  readonly to: Placement;
  readonly openedBy: OpenedBy;
  readonly effectiveDate: string;
  readonly status: TransferStatus;
  readonly requestedAt: string;
  readonly requestedBy: string;
  /** Whole days since it was requested. */
  readonly daysOpen: number;
  /** Pending for longer than `overdueDays`. */
  readonly overdue: boolean;
  /**
   * Whether the rules let a pending request be accepted now, as the member and the enterprises
   * stand now; when not, `blockedBy` has the code accepting it would answer. Both null when not pending.
   */
  readonly acceptable: Acceptability['acceptable'];
  readonly blockedBy: Acceptability['blockedBy'];
  readonly accepted?: { readonly effectiveDate: string; readonly at: string; readonly by: string };
  readonly ended?: { readonly reason: string; readonly at: string; readonly by: string };
  /** The member's `MemberTransferred` that carried out an accepted request. */
  readonly memberTransferred: { readonly eventId: string; readonly recordedAt: string } | null;
}

export interface TransferList {
  readonly parkId?: string;
  readonly status?: TransferStatus;
  readonly overdueDays: number;
  /** Every request in the scope asked, by status, before `status` filters them. */
  readonly counts: Record<TransferStatus | 'overdue', number>;
  readonly transfers: readonly TransferListItem[];
  readonly nextCursor: string | null;
}

export class ListTransfers extends Query<TransferList> {
  constructor(
    readonly filter: { parkId?: string; status?: TransferStatus; overdueDays?: number; limit?: number; cursor?: string },
    readonly caller: Caller,
  ) {
    super();
  }
}

@QueryHandler(ListTransfers)
export class ListTransfersHandler implements IQueryHandler<ListTransfers> {
  constructor(
    private readonly list: TransferRequestList,
    private readonly scopes: Scopes,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ filter, caller }: ListTransfers): Promise<TransferList> {
    const { principal } = caller;
    const overdueDays = filter.overdueDays ?? DEFAULT_OVERDUE_DAYS;
    let parks: string[] | undefined;
    if (filter.parkId !== undefined) {
      const place = await this.scopes.placeOfPark(filter.parkId);
      if (!place) throw notFound('Park', filter.parkId);
      this.scopes.assertRead(caller, [place], `transfers of park ${filter.parkId}`, 'Park', filter.parkId);
      parks = [filter.parkId];
    } else if (principal.role === 'park-clerk') parks = [principal.parkId!];
    let views = await this.list.requests(parks);
    if (principal.role === 'city-officer' && parks === undefined) {
      // A city officer sees the requests with at least one end in their city.
      const places = await this.scopes.placesOfParks(
        views.flatMap((v) => [v.state.request.from.parkId, v.state.request.to.parkId]),
      );
      const byPark = new Map(places.map((p): [string, Place] => [p.parkId, p]));
      const seen = (parkId: string) => byPark.has(parkId) && covers(principal, byPark.get(parkId)!);
      views = views.filter((v) => seen(v.state.request.from.parkId) || seen(v.state.request.to.parkId));
    }
    const now = this.clock.now();
    const items = views.map((v) => itemOf(v, now.getTime(), overdueDays));
    const counts = Object.fromEntries([...TRANSFER_STATUSES, 'overdue'].map((s) => [s, 0])) as TransferList['counts'];
    for (const item of items) {
      counts[item.status]++;
      if (item.overdue) counts.overdue++;
    }
    const limit = filter.limit ?? 100;
    const after = filter.cursor === undefined ? -1 : Number(filter.cursor);
    const chosen = views
      .map((v, i) => ({ position: v.requestedPosition, state: v.state, item: items[i] }))
      .filter((x) => x.position > after && (filter.status === undefined || x.item.status === filter.status));
    const page = chosen.slice(0, limit);
    // Read per page, never per history: a page holds at most `limit` requests.
    const acceptability = await readAcceptability(
      this.store,
      page.map((x) => x.state),
      shanghaiDate(now),
    );
    return {
      ...(filter.parkId !== undefined ? { parkId: filter.parkId } : {}),
      ...(filter.status !== undefined ? { status: filter.status } : {}),
      overdueDays,
      counts,
      transfers: page.map((x) => ({ ...x.item, ...acceptability(x.state) })),
      nextCursor: chosen.length > limit ? String(page[page.length - 1].position) : null,
    };
  }
}

function itemOf(
  { state, memberTransferred }: TransferRequestView,
  now: number,
  overdueDays: number,
): Omit<TransferListItem, keyof Acceptability> {
  const { request, requested, accepted, ended } = state;
  const openMs = now - Date.parse(requested.recordedAt);
  return {
    transferId: request.transferId,
    memberId: request.memberId,
    from: request.from,
    to: request.to,
    openedBy: request.openedBy,
    effectiveDate: request.effectiveDate,
    status: state.status,
    requestedAt: requested.recordedAt,
    requestedBy: requested.actor,
    daysOpen: Math.max(0, Math.floor(openMs / DAY_MS)),
    overdue: state.status === 'pending' && openMs > overdueDays * DAY_MS,
    ...(accepted ? { accepted: { effectiveDate: accepted.effectiveDate, at: accepted.recordedAt, by: accepted.actor } } : {}),
    ...(ended ? { ended: { reason: ended.reason, at: ended.recordedAt, by: ended.actor } } : {}),
    memberTransferred: memberTransferred ?? null,
  };
}
