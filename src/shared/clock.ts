/** The only source of "now"; tests pin it. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => new Date() };

/**
 * `now`, or one millisecond after `previous` when the clock has not moved past it: recordedAt
 * strictly increases from one append to the next, so a knowledge instant an answer reports can
 * never also cover a fact recorded after that answer.
 */
export function monotonicIso(now: Date, previous: string | undefined): string {
  if (previous === undefined) return now.toISOString();
  const next = Date.parse(previous) + 1;
  return now.getTime() >= next ? now.toISOString() : new Date(next).toISOString();
}
