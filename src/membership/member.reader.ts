import { type EventStore, type RecordedEvent } from '../event-store/event-store.port.js';
import { readEnterprises } from '../enterprises/enterprise.reader.js';
import { type Stored } from '../shared/ledger-event.js';
import { type MemberEvent, memberStream } from './member.events.js';
import { foldHistory, type MemberHistory, standingAsOf } from './member.timeline.js';

export const asHistory = (memberId: string, events: readonly RecordedEvent[]): MemberHistory =>
  foldHistory(memberId, events as ReadonlyArray<Stored<MemberEvent>>);

export async function readMember(store: EventStore, memberId: string): Promise<MemberHistory> {
  return asHistory(memberId, await store.readStream(memberStream(memberId)));
}

/** Every enterprise the member's facts name, voided ones included (cheap, and always enough). */
export function enterprisesOf(history: MemberHistory): string[] {
  return history.facts.flatMap((f) =>
    f.type === 'MemberJoined'
      ? [f.data.enterpriseId]
      : f.type === 'MemberTransferred'
        ? [f.data.from.enterpriseId, f.data.to.enterpriseId]
        : [],
  );
}

/** The enterprises a member decision needs: those of the member's facts, and the command's target. */
export async function memberEnterprises(store: EventStore, history: MemberHistory, ...targets: string[]) {
  return readEnterprises(store, [...enterprisesOf(history), ...targets]);
}

/** The park the member was in on `date`, or, when not active then, the park of their last stay. */
export function parkOn(history: MemberHistory, date: string): string | undefined {
  const standing = standingAsOf(history, date);
  if (standing.status === 'active') return standing.placement.parkId;
  return history.facts
    .filter((f) => !f.voided && (f.type === 'MemberJoined' || f.type === 'MemberTransferred'))
    .map((f) => (f.type === 'MemberJoined' ? f.data.parkId : f.type === 'MemberTransferred' ? f.data.to.parkId : ''))
    .at(-1);
}

/** Every park a fact of the member names (where a clerk may see the member from). */
export function parksOf(history: MemberHistory): string[] {
  return [
    ...new Set(
      history.facts.flatMap((f) =>
        f.type === 'MemberJoined'
          ? [f.data.parkId]
          : f.type === 'MemberTransferred'
            ? [f.data.from.parkId, f.data.to.parkId]
            : [],
      ),
    ),
  ];
}

/** The parks one fact concerns: where it happened (both ends of a transfer). */
export function parksOfFact(history: MemberHistory, eventId: string): string[] {
  const fact = history.facts.find((f) => f.id === eventId);
  if (!fact) return [];
  if (fact.type === 'MemberJoined') return [fact.data.parkId];
  if (fact.type === 'MemberTransferred') return [fact.data.from.parkId, fact.data.to.parkId];
  const park = parkOn(history, fact.data.effectiveDate);
  return park ? [park] : [];
}
