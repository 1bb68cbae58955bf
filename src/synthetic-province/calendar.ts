/** Calendar days as integers (days since 1970-01-01, negative before it): cheap to compare and count. */
const DAY_MS = 86_400_000;

export const dayOf = (iso: string): number => Math.round(Date.parse(`${iso}T00:00:00.000Z`) / DAY_MS);

export const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The same calendar day `years` years earlier (29 February falls on 1 March in a common year). */
export function yearsBefore(day: number, years: number): number {
  const d = new Date(day * DAY_MS);
  return Math.round(Date.UTC(d.getUTCFullYear() - years, d.getUTCMonth(), d.getUTCDate()) / DAY_MS);
}

/** The ISO strings of a range of days [first, last], made once. */
export class DayNames {
  private readonly names: string[];

  constructor(
    private readonly first: number,
    last: number,
  ) {
    this.names = Array.from({ length: last - first + 1 }, (_, i) => isoOf(first + i));
  }

  iso(day: number): string {
    return this.names[day - this.first] ?? isoOf(day);
  }
}
