/** The only source of "now"; tests pin it. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => new Date() };

/** Later of `now` and `previous`, so recordedAt never runs backwards along the log. */
export function monotonicIso(now: Date, previous: string | undefined): string {
  const iso = now.toISOString();
  return previous !== undefined && previous > iso ? previous : iso;
}
