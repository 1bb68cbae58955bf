import { DomainError, notFound, validationFailed } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import { type DecisionContext } from '../../shared/ledger-event.js';
import { type EnterpriseHeadcountReported } from '../enterprise.events.js';
import { type EnterpriseState, isOpenOn } from '../enterprise.state.js';

export const MAX_EMPLOYEES = 1_000_000;

export interface ReportHeadcountInput {
  readonly enterpriseId: string;
  readonly employees: number;
  readonly effectiveDate: string;
}

export function decideReportHeadcount(
  input: ReportHeadcountInput,
  state: EnterpriseState,
  ctx: DecisionContext,
): EnterpriseHeadcountReported[] {
  assertEffectiveDate(input.effectiveDate, ctx.today);
  if (!Number.isInteger(input.employees) || input.employees < 0 || input.employees > MAX_EMPLOYEES)
    throw validationFailed('employees', `employees must be an integer from 0 to ${MAX_EMPLOYEES}`);
  if (state.status !== 'registered') throw notFound('Enterprise', input.enterpriseId);
  if (!isOpenOn(state, input.effectiveDate))
    throw new DomainError('ENTERPRISE_NOT_OPEN', `enterprise ${input.enterpriseId} is not open on ${input.effectiveDate}`);
  return [
    {
      type: 'EnterpriseHeadcountReported',
      data: { enterpriseId: input.enterpriseId, employees: input.employees, effectiveDate: input.effectiveDate },
    },
  ];
}
