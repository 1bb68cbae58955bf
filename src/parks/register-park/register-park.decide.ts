import { DomainError } from '../../shared/domain-error.js';
import { assertEffectiveDate } from '../../shared/effective-date.js';
import { type DecisionContext } from '../../shared/ledger-event.js';
import { type ParkLevel, type ParkRegistered } from '../park.events.js';
import { type ParkState } from '../park.state.js';

export interface RegisterParkInput {
  readonly parkId: string;
  readonly name: string;
  readonly cityId: string;
  readonly level: ParkLevel;
  readonly effectiveDate: string;
}

export function decideRegisterPark(input: RegisterParkInput, state: ParkState, ctx: DecisionContext): ParkRegistered[] {
  assertEffectiveDate(input.effectiveDate, ctx.today);
  if (state.status === 'registered')
    throw new DomainError('PARK_ALREADY_REGISTERED', `park ${input.parkId} is already registered`);
  return [
    {
      type: 'ParkRegistered',
      data: {
        parkId: input.parkId,
        name: input.name,
        cityId: input.cityId,
        level: input.level,
        effectiveDate: input.effectiveDate,
      },
    },
  ];
}
