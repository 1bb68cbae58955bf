import { type RecordedEvent } from '../event-store/event-store.port.js';

/** A domain event as plain data: a stable `type` string and its `data`. */
export interface LedgerEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

/** A domain event as stored: what `evolve` and projections read (never the clock). */
export type Stored<E extends LedgerEvent> = E extends LedgerEvent<infer T, infer D> ? RecordedEvent<T, D> : never;

/** Voids a member fact, a headcount or a union founding; effective when recorded. */
export type EntryVoided = LedgerEvent<'EntryVoided', { voidedEventId: string; reason: string }>;

/** Who voided what, when and why: kept beside the voided fact, which stays in the history. */
export interface VoidMark {
  readonly voidEventId: string;
  readonly reason: string;
  readonly actor: string;
  readonly recordedAt: string;
}

export function voidMark(event: Stored<EntryVoided>): VoidMark {
  return {
    voidEventId: event.id,
    reason: event.data.reason,
    actor: event.metadata.actor,
    recordedAt: event.metadata.recordedAt,
  };
}

/** What every decision knows besides the state: the day it is in Asia/Shanghai. */
export interface DecisionContext {
  readonly today: string;
}
