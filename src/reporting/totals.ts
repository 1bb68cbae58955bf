import type { ServingIndex } from '../read-models/figures/figures-read-model.js';
import { instantMessage, parseInstant } from '../shared/dates.js';
import { validationFailed } from '../shared/domain-error.js';

/** The figures of a scope (contract section 6); parks only for province and city scopes. */
export interface Totals {
  readonly members: number;
  readonly byCategory: { readonly regular: number; readonly migrant: number; readonly dispatched: number };
  readonly employees: number;
  readonly membershipRate: number | null;
  readonly enterprises: number;
  readonly enterprisesWithUnion: number;
  readonly unionEstablishmentRate: number | null;
  readonly parks?: number;
  readonly parksWithUnion?: number;
  /** Park and city scopes: transfer requests pending at `knownAt` into and out of the scope. */
  readonly pendingTransfersIn?: number;
  readonly pendingTransfersOut?: number;
}

/**
 * From a stock vector in FiguresIndex STOCK order; with `pending` (`[in, out]`), the transfer
 * requests pending into and out of the scope too. Built field by field, not by spreads: a province
 * by park makes ~100 of these per query, and spread copies were most of a query's garbage.
 */
export function totalsOf(v: Float64Array, withParks: boolean, pending?: readonly [number, number]): Totals {
  const members = v[0] + v[1] + v[2];
  const employees = v[3];
  const enterprises = v[4];
  const enterprisesWithUnion = v[5];
  const totals: { -readonly [K in keyof Totals]: Totals[K] } = {
    members,
    byCategory: { regular: v[0], migrant: v[1], dispatched: v[2] },
    employees,
    membershipRate: employees === 0 ? null : members / employees,
    enterprises,
    enterprisesWithUnion,
    unionEstablishmentRate: enterprises === 0 ? null : enterprisesWithUnion / enterprises,
  };
  if (withParks) {
    totals.parks = v[6];
    totals.parksWithUnion = v[7];
  }
  if (pending !== undefined) {
    totals.pendingTransfersIn = pending[0];
    totals.pendingTransfersOut = pending[1];
  }
  return totals;
}

/** A knowledge instant: the one asked (normalised to UTC), or everything recorded so far, with the cut it makes. */
export interface Knowledge {
  readonly knownAt: string;
  readonly knownMs: number;
  readonly asked: boolean;
}

export function knowledge(field: string, value: string | undefined, now: Date): Knowledge {
  if (value === undefined) return { knownAt: now.toISOString(), knownMs: Number.POSITIVE_INFINITY, asked: false };
  const instant = parseInstant(value);
  if (!instant) throw validationFailed(field, instantMessage(field, value));
  return { knownAt: instant.toISOString(), knownMs: instant.getTime(), asked: true };
}

/**
 * The instant a knowledge cut can stand on for good: the later of now and the last recorded fact
 * (recording instants strictly increase, and run ahead of the clock only to stay increasing).
 * A fact recorded from now on gets a later instant, so a cut at or before this one never moves.
 */
export function settledUpTo({ index }: ServingIndex, now: Date): number {
  return Math.max(now.getTime(), index.eventCount === 0 ? 0 : index.recordedMsOf(index.eventCount - 1));
}

/**
 * An instant asked after `settledUpTo` is read as none asked (everything recorded so far): cut
 * there, the same question would get another answer as facts are recorded up to it, whereas an
 * answer reports an instant that gives it again (reportedKnownAt).
 */
export function settled(k: Knowledge, serving: ServingIndex, now: Date): Knowledge {
  return k.asked && k.knownMs > settledUpTo(serving, now) ? knowledge('knownAt', undefined, now) : k;
}

/**
 * The knowledge instant an answer reports: the one asked, or else the recordedAt of the last fact
 * it reflects (just before now when there is none). Recording instants strictly increase along
 * the log, so asking again with this instant gives the same answer whatever is recorded later.
 */
export function reportedKnownAt({ index }: ServingIndex, k: Knowledge, now: Date): string {
  if (k.asked) return k.knownAt;
  const last = index.eventCount === 0 ? now.getTime() - 1 : index.recordedMsOf(index.eventCount - 1);
  return new Date(last).toISOString();
}

/** The log position an answer reflects: everything the read model holds, or the last event known then. */
export function positionAt({ index, position }: ServingIndex, k: Knowledge): string | null {
  if (!k.asked) return position;
  const known = index.eventsKnownAt(k.knownMs);
  if (known === index.eventCount) return position;
  return known === 0 ? null : String(index.positionOf(known - 1));
}
