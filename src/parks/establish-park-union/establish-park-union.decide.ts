import { DomainError, notFound } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import { type DecisionContext } from '../../shared/ledger-event.js';
import { type ParkUnionEstablished } from '../park.events.js';
import { activeParkUnion, type ParkState } from '../park.state.js';

export interface EstablishParkUnionInput {
  readonly parkId: string;
  readonly effectiveDate: string;
}

export function decideEstablishParkUnion(
  input: EstablishParkUnionInput,
  state: ParkState,
  ctx: DecisionContext,
): ParkUnionEstablished[] {
  assertEffectiveDate(input.effectiveDate, ctx.today);
  if (state.status !== 'registered') throw notFound('Park', input.parkId);
  if (input.effectiveDate < state.registeredOn)
    throw new DomainError('PARK_NOT_REGISTERED', `park ${input.parkId} is registered only from ${state.registeredOn}`);
  if (activeParkUnion(state)) throw new DomainError('UNION_ALREADY_ESTABLISHED', `park ${input.parkId} already has a union`);
  return [{ type: 'ParkUnionEstablished', data: { parkId: input.parkId, effectiveDate: input.effectiveDate } }];
}
