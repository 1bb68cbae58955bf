import { validationFailed } from './domain-error.js';
import { EARLIEST_DATE, isCalendarDate } from './dates.js';

/** An effective date must be a real day from 1949-10-01 up to today (Asia/Shanghai). */
export function assertEffectiveDate(date: string, today: string, field = 'effectiveDate'): void {
  if (!isCalendarDate(date)) throw validationFailed(field, `${field} must be a real calendar day YYYY-MM-DD`);
  if (date < EARLIEST_DATE) throw validationFailed(field, `${field} must not be before ${EARLIEST_DATE}`);
  if (date > today) throw validationFailed(field, `${field} must not be after today (${today}, Asia/Shanghai)`);
}
