import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import { type DecisionContext } from '../../shared/ledger-event.js';
import { type EnterpriseUnionEstablished } from '../enterprise.events.js';
import { activeEnterpriseUnion, type EnterpriseState, isOpenOn } from '../enterprise.state.js';

export interface EstablishEnterpriseUnionInput {
  readonly enterpriseId: string;
  readonly effectiveDate: string;
}

export function decideEstablishEnterpriseUnion(
  input: EstablishEnterpriseUnionInput,
  state: EnterpriseState,
  ctx: DecisionContext,
): EnterpriseUnionEstablished[] {
  assertEffectiveDate(input.effectiveDate, ctx.today);
  if (state.status !== 'registered') throw notFound('Enterprise', input.enterpriseId);
  if (!isOpenOn(state, input.effectiveDate))
    throw new DomainError('ENTERPRISE_NOT_OPEN', `enterprise ${input.enterpriseId} is not open on ${input.effectiveDate}`);
  if (activeEnterpriseUnion(state))
    throw new DomainError('UNION_ALREADY_ESTABLISHED', `enterprise ${input.enterpriseId} already has a union`);
  return [{ type: 'EnterpriseUnionEstablished', data: { enterpriseId: input.enterpriseId, effectiveDate: input.effectiveDate } }];
}
