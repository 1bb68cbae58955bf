import { EARLIEST_DATE, isCalendarDate } from '../shared/dates.js';
import { dayOf, isoOf, yearsBefore } from './calendar.js';
import { PARK_HISTORY_YEARS } from './organisation-plan.js';
import { type ProvinceOptions, ProvinceSimulation } from './province-simulation.js';

export { type ImportCommand, type ImportCommandName, IMPORT_COMMANDS, restRequestOf } from '../imports/import-commands.js';
export { type ExpectedFigures, type ProvinceOptions, ProvinceSimulation, type ProvinceSummary } from './province-simulation.js';

export const PROVINCE_DEFAULTS = { seed: 42, years: 10, endDate: '2026-06-30' } as const;
export const MIN_MEMBERS = 100;
export const MAX_MEMBERS = 10_000_000;
export const MAX_YEARS = 40;

/** The earliest end date for `years`: the parks' history before the window must start on or after 1949-10-01. */
export function earliestEndDate(years: number): string {
  // The window starts the day after end - years; the parks register from 24 years before that.
  let end = dayOf(EARLIEST_DATE) + (years + PARK_HISTORY_YEARS) * 365 - 40;
  while (yearsBefore(yearsBefore(end, years) + 1, PARK_HISTORY_YEARS) < dayOf(EARLIEST_DATE)) end++;
  return isoOf(end);
}

/** What is wrong with the options, as one line naming the option, or undefined. */
export function provinceOptionsProblem(o: ProvinceOptions): string | undefined {
  if (!Number.isInteger(o.members) || o.members < MIN_MEMBERS || o.members > MAX_MEMBERS)
    return `--members must be an integer from ${MIN_MEMBERS} to ${MAX_MEMBERS.toLocaleString('en')}`;
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) return '--seed must be an integer from 0 to 4294967295';
  if (!Number.isInteger(o.years) || o.years < 1 || o.years > MAX_YEARS)
    return `--years must be an integer from 1 to ${MAX_YEARS}`;
  if (!isCalendarDate(o.endDate)) return '--end-date must be a real calendar day YYYY-MM-DD';
  const earliest = earliestEndDate(o.years);
  if (o.endDate < earliest)
    return `--end-date must be ${earliest} or later for ${o.years} years (the parks' history before them starts no earlier than ${EARLIEST_DATE})`;
  return undefined;
}

/**
 * A seeded synthetic province as import commands (contract section 9), streamed in file order:
 * the same options always give the same commands. See ProvinceSimulation for what it contains.
 */
export function syntheticProvince(options: ProvinceOptions): ProvinceSimulation {
  const problem = provinceOptionsProblem(options);
  if (problem !== undefined) throw new RangeError(problem);
  return new ProvinceSimulation(options);
}
