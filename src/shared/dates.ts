/** Calendar dates as `YYYY-MM-DD` strings: they compare correctly as strings. */
export type IsoDate = string;

export const EARLIEST_DATE: IsoDate = '1949-10-01';
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written in `length` ASCII digits of `s` from `at`, or -1 when one is not a digit. */
function digits(s: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * True for a real calendar day (`2016-02-30` is not), written `YYYY-MM-DD`; years before 100
 * are refused, as they always were here (a `Date` reads them as 19xx). Checked by hand, not by a
 * regular expression and a `Date`: an import checks every line's dates.
 */
export function isCalendarDate(value: string): boolean {
  const s = String(value);
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  if (y < 100 || m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]);
}

/** The calendar day in Asia/Shanghai (UTC+8 all year, no daylight saving) at `instant`. */
export function shanghaiDate(instant: Date): IsoDate {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function previousDay(date: IsoDate): IsoDate {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** ISO 8601 instant with an explicit offset (`Z` or `±hh:mm`), as `knownAt` requires. */
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function parseInstant(value: string): Date | undefined {
  if (!INSTANT_PATTERN.test(value) || !isCalendarDate(value.slice(0, 10))) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Why a query's instant is refused. A `+` of an offset sent unencoded in a query string arrives
 * as a space (`…T09:00:00 08:00`): say to write it `%2B`, which is what went wrong.
 */
export function instantMessage(field: string, value: string): string {
  const hint = / \d{2}:?\d{2}$/.test(value) ? ' (a + in a query string must be sent as %2B, or it arrives as a space)' : '';
  return `${field} must be an ISO 8601 instant with an offset, e.g. 2016-07-05T09:00:00Z or 2016-07-05T17:00:00%2B08:00${hint}`;
}
