import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { GroupBy } from '../../../projections/figures/figures-index.js';
import type { Caller } from '../../auth/principal.js';
import { FiguresReadModel } from '../../read-models/figures/figures-read-model.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { validationFailed } from '../../shared/domain-error.js';
import { ReportScopes } from '../report-scope.js';
import { knowledge, settled, reportedKnownAt, positionAt, type Totals, totalsOf } from '../totals.js';

export interface FiguresView {
  readonly scope: string;
  readonly asOf: string;
  readonly knownAt: string;
  readonly position: string | null;
  readonly totals: Totals;
  readonly groups?: ReadonlyArray<{ readonly key: string; readonly totals: Totals | { readonly members: number } }>;
}

export class GetFigures extends Query<FiguresView> {
  constructor(
    readonly scope: string,
    readonly asOf: string,
    readonly knownAt: string | undefined,
    readonly groupBy: GroupBy | undefined,
    readonly caller: Caller,
  ) {
    super();
  }
}

/** Which groupings a scope has: cities of the province, parks of the province or a city, categories anywhere. */
const GROUPINGS: Record<string, readonly GroupBy[]> = {
  province: ['city', 'park', 'category'],
  city: ['park', 'category'],
  park: ['category'],
  enterprise: ['category'],
};

@QueryHandler(GetFigures)
export class GetFiguresHandler implements IQueryHandler<GetFigures> {
  constructor(
    private readonly readModel: FiguresReadModel,
    private readonly scopes: ReportScopes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ scope, asOf, knownAt, groupBy, caller }: GetFigures): Promise<FiguresView> {
    const asked = knowledge('knownAt', knownAt, this.clock.now());
    const serving = await this.readModel.current();
    const k = settled(asked, serving, this.clock.now());
    const s = this.scopes.resolve(serving.index, scope, caller);
    if (groupBy !== undefined && !GROUPINGS[s.kind].includes(groupBy))
      throw validationFailed('groupBy', `a ${s.kind} scope can be grouped by ${GROUPINGS[s.kind].join(', ')}`);
    const withParks = s.kind === 'province' || s.kind === 'city';
    // Grouped by city or park, the groups cover the whole scope: one pass gives both the groups and the totals.
    const grouped = groupBy === 'city' || groupBy === 'park' ? serving.index.stocks(s.ref, asOf, k.knownMs, groupBy) : undefined;
    const total = grouped ? sumOf(grouped.sums) : serving.index.stocks(s.ref, asOf, k.knownMs).sums[0];
    // Pending transfer requests are an office's work list: park and city scopes, and their park or city groups.
    const pendingOf = (groups?: 'city' | 'park') => serving.index.pendingTransfers(s.ref, k.knownMs, groups);
    const view: FiguresView = {
      scope,
      asOf,
      knownAt: reportedKnownAt(serving, k, this.clock.now()),
      position: positionAt(serving, k),
      totals: totalsOf(total, withParks, s.kind === 'park' || s.kind === 'city' ? pendingAt(pendingOf(), 0) : undefined),
    };
    if (groupBy === 'category')
      return {
        ...view,
        groups: (['regular', 'migrant', 'dispatched'] as const).map((key, i) => ({ key, totals: { members: total[i] } })),
      };
    if (grouped) {
      const pending = pendingOf(groupBy as 'city' | 'park');
      // A group is a city or park registered as of asOf (as known then).
      const groups = grouped.keys
        .map((key, g) => ({ key, sums: grouped.sums[g], pending: pendingAt(pending, g) }))
        .filter((g) => g.sums[6] > 0)
        .map((g) => ({ key: g.key, totals: totalsOf(g.sums, groupBy === 'city', g.pending) }));
      return { ...view, groups };
    }
    return view;
  }
}

/** Group `g`'s pending transfer requests, `[in, out]`. */
const pendingAt = (p: { into: Float64Array; outOf: Float64Array }, g: number): [number, number] => [p.into[g], p.outOf[g]];

function sumOf(vectors: readonly Float64Array[]): Float64Array {
  const sum = new Float64Array(vectors[0]?.length ?? 8);
  for (const v of vectors) for (let i = 0; i < v.length; i++) sum[i] += v[i];
  return sum;
}
