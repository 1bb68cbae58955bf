import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { CATEGORY_PAIRS } from '../../../projections/figures/figure-delta.js';
import { CATEGORIES, LEAVE_REASONS } from '../../membership/member.events.js';
import type { Caller } from '../../auth/principal.js';
import { FiguresReadModel } from '../../read-models/figures/figures-read-model.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { validationFailed } from '../../shared/domain-error.js';
import { ReportScopes } from '../report-scope.js';
import { knowledge, settled, reportedKnownAt, positionAt } from '../totals.js';

export interface StatementView {
  readonly scope: string;
  readonly from: string;
  readonly to: string;
  readonly knownAt: string;
  readonly position: string | null;
  readonly opening: number;
  readonly joined: { readonly total: number; readonly byCategory: Record<string, number> };
  readonly left: { readonly total: number; readonly byReason: Record<string, number> };
  readonly transferredIn: number;
  readonly transferredOut: number;
  readonly internalTransfers: number;
  readonly categoryChanges: ReadonlyArray<{ readonly from: string; readonly to: string; readonly count: number }>;
  readonly unionsEstablished: number;
  readonly closing: number;
}

export class GetStatement extends Query<StatementView> {
  constructor(
    readonly scope: string,
    readonly from: string,
    readonly to: string,
    readonly knownAt: string | undefined,
    readonly caller: Caller,
  ) {
    super();
  }
}

/** The movement statement (contract section 6): opening + joined + in − out − left = closing, always. */
@QueryHandler(GetStatement)
export class GetStatementHandler implements IQueryHandler<GetStatement> {
  constructor(
    private readonly readModel: FiguresReadModel,
    private readonly scopes: ReportScopes,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ scope, from, to, knownAt, caller }: GetStatement): Promise<StatementView> {
    if (from > to) throw validationFailed('from', 'from must not be after to');
    const asked = knowledge('knownAt', knownAt, this.clock.now());
    const serving = await this.readModel.current();
    const k = settled(asked, serving, this.clock.now());
    const s = this.scopes.resolve(serving.index, scope, caller);
    const sums = serving.index.statement(s.ref, from, to, k.knownMs);
    // FLOW_SLOTS order: joined by category, left by reason, category changes by pair, unions.
    const joined = Object.fromEntries(CATEGORIES.map((c, i) => [c, sums.flows[i]]));
    const left = Object.fromEntries(LEAVE_REASONS.map((r, i) => [r, sums.flows[CATEGORIES.length + i]]));
    const changesAt = CATEGORIES.length + LEAVE_REASONS.length;
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    return {
      scope,
      from,
      to,
      knownAt: reportedKnownAt(serving, k, this.clock.now()),
      position: positionAt(serving, k),
      opening: sums.opening,
      joined: { total: sum(joined), byCategory: joined },
      left: { total: sum(left), byReason: left },
      transferredIn: sums.transferredIn,
      transferredOut: sums.transferredOut,
      internalTransfers: sums.internalTransfers,
      categoryChanges: CATEGORY_PAIRS.map(([f, t], i) => ({ from: f, to: t, count: sums.flows[changesAt + i] })).filter(
        (c) => c.count !== 0,
      ),
      unionsEstablished: sums.flows[changesAt + CATEGORY_PAIRS.length],
      closing: sums.closing,
    };
  }
}
