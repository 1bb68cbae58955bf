import { type EventStore, type RecordedEvent } from '../event-store/event-store.port.js';
import { readEnterprises } from '../enterprises/enterprise.reader.js';
import { type Stored } from '../shared/ledger-event.js';
import { type MemberEvent, memberStream } from './member.events.js';
import { foldHistory, type MemberHistory } from './member.timeline.js';

export const asHistory = (memberId: string, events: readonly RecordedEvent[]): MemberHistory =>
  foldHistory(memberId, events as ReadonlyArray<Stored<MemberEvent>>);

export async function readMember(store: EventStore, memberId: string): Promise<MemberHistory> {
  return asHistory(memberId, await store.readStream(memberStream(memberId)));
}

/** Every enterprise the member's facts name, voided ones included (cheap, and always enough). */
export function enterprisesOf(history: MemberHistory): string[] {
  return history.facts.flatMap((f) =>
    f.type === 'MemberJoined' ? [f.data.enterpriseId] : f.type === 'MemberTransferred' ? [f.data.from.enterpriseId, f.data.to.enterpriseId] : [],
  );
}

/** The enterprises a member decision needs: those of the member's facts, and the command's target. */
export async function memberEnterprises(store: EventStore, history: MemberHistory, ...targets: string[]) {
  return readEnterprises(store, [...enterprisesOf(history), ...targets]);
}
