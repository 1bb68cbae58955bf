import { type ParkState } from '../../parks/park.state.js';
import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import { type DecisionContext } from '../../shared/ledger-event.js';
import { type EnterpriseRegistered, type Ownership } from '../enterprise.events.js';
import { type EnterpriseState } from '../enterprise.state.js';

export interface RegisterEnterpriseInput {
  readonly enterpriseId: string;
  readonly parkId: string;
  readonly name: string;
  readonly ownership: Ownership;
  readonly effectiveDate: string;
}

export function decideRegisterEnterprise(
  input: RegisterEnterpriseInput,
  state: EnterpriseState,
  park: ParkState,
  ctx: DecisionContext,
): EnterpriseRegistered[] {
  assertEffectiveDate(input.effectiveDate, ctx.today);
  if (state.status === 'registered')
    throw new DomainError('ENTERPRISE_ALREADY_REGISTERED', `enterprise ${input.enterpriseId} is already registered`);
  if (park.status !== 'registered') throw notFound('Park', input.parkId);
  if (input.effectiveDate < park.registeredOn)
    throw new DomainError('PARK_NOT_REGISTERED', `park ${input.parkId} is registered only from ${park.registeredOn}`);
  return [
    {
      type: 'EnterpriseRegistered',
      data: {
        enterpriseId: input.enterpriseId,
        parkId: input.parkId,
        name: input.name,
        ownership: input.ownership,
        effectiveDate: input.effectiveDate,
      },
    },
  ];
}
