import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { Caller } from '../../auth/principal.js';
import { FiguresReadModel } from '../../read-models/figures/figures-read-model.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { validationFailed } from '../../shared/domain-error.js';
import { ReportScopes } from '../report-scope.js';
import { knowledge, settled, reportedKnownAt, positionAt, type Totals, totalsOf } from '../totals.js';

export type Every = 'day' | 'month' | 'quarter' | 'year';
export const MAX_POINTS = 1000;

export interface SeriesView {
  readonly scope: string;
  readonly from: string;
  readonly to: string;
  readonly every: Every;
  readonly knownAt: string;
  readonly position: string | null;
  readonly points: ReadonlyArray<{ readonly asOf: string; readonly totals: Totals }>;
}

export class GetSeries extends Query<SeriesView> {
  constructor(
    readonly scope: string,
    readonly from: string,
    readonly to: string,
    readonly every: Every,
    readonly knownAt: string | undefined,
    readonly caller: Caller,
  ) {
    super();
  }
}

/** The last day of each period from `from` to `to`, the last one cut at `to`. */
export function periodEnds(from: string, to: string, every: Every): string[] {
  const ends: string[] = [];
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  let cursor = new Date(`${from}T00:00:00Z`);
  while (iso(cursor) <= to && ends.length <= MAX_POINTS) {
    let end: Date;
    if (every === 'day') end = cursor;
    else {
      const y = cursor.getUTCFullYear();
      const m = cursor.getUTCMonth();
      // The period containing the cursor ends on the last day of its month, quarter or year.
      const lastMonth = every === 'month' ? m : every === 'quarter' ? m - (m % 3) + 2 : 11;
      end = new Date(Date.UTC(y, lastMonth + 1, 0));
    }
    const day = iso(end) < to ? iso(end) : to;
    ends.push(day);
    cursor = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate() + 1));
  }
  return ends;
}

/** The figures at the end of every day, month, quarter or year of a period, for charts. */
@QueryHandler(GetSeries)
export class GetSeriesHandler implements IQueryHandler<GetSeries> {
  constructor(
    private readonly readModel: FiguresReadModel,
    private readonly scopes: ReportScopes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ scope, from, to, every, knownAt, caller }: GetSeries): Promise<SeriesView> {
    if (from > to) throw validationFailed('from', 'from must not be after to');
    const ends = periodEnds(from, to, every);
    if (ends.length > MAX_POINTS)
      throw validationFailed('every', `at most ${MAX_POINTS} points per series; ask for a shorter period or a longer step`);
    const asked = knowledge('knownAt', knownAt, this.clock.now());
    const serving = await this.readModel.current();
    const k = settled(asked, serving, this.clock.now());
    const s = this.scopes.resolve(serving.index, scope, caller);
    const withParks = s.kind === 'province' || s.kind === 'city';
    return {
      scope,
      from,
      to,
      every,
      knownAt: reportedKnownAt(serving, k, this.clock.now()),
      position: positionAt(serving, k),
      points: ends.map((asOf) => ({ asOf, totals: totalsOf(serving.index.stocks(s.ref, asOf, k.knownMs).sums[0], withParks) })),
    };
  }
}
