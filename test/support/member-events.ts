import type { NewEvent } from '../../src/event-store/event-store.port.js';

const meta = { actor: 'clerk-1', correlationId: 'c-1' };

/**
 * A member's join as stored, written straight to a store by tests of the read side (no command
 * behind it): migrant, at `enterpriseId` of `parkId`, on 2016-01-01 unless told otherwise.
 */
export function joinedEvent(
  memberId: string,
  place: { id?: string; enterpriseId?: string; parkId?: string; effectiveDate?: string } = {},
): NewEvent {
  return {
    id: place.id ?? `${memberId}-0`,
    type: 'MemberJoined',
    data: {
      memberId,
      person: { hash: `h-${memberId}`, masked: '3601**********123X' },
      name: 'sealed',
      category: 'migrant',
      enterpriseId: place.enterpriseId ?? 'e1',
      parkId: place.parkId ?? 'p1',
      effectiveDate: place.effectiveDate ?? '2016-01-01',
    },
    metadata: meta,
  };
}
