import { type IsoDate, isCalendarDate } from './dates.js';
import { validationFailed } from './domain-error.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
const PATTERN = /^[1-9]\d{5}(\d{8})\d{3}[\dXx]$/;

/** ISO 7064 MOD 11-2 check character of the first 17 digits of a GB 11643 number. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

export type ResidentIdProblem = 'format' | 'birth-date' | 'check-digit';

/**
 * Why an 18-character PRC resident ID number is invalid, or undefined when it is valid. A birth
 * date after today is refused where today is known, by `assertBornBy` in the decision.
 */
export function residentIdProblem(value: string): ResidentIdProblem | undefined {
  const m = PATTERN.exec(value);
  if (!m) return 'format';
  const b = m[1];
  if (!isCalendarDate(`${b.slice(0, 4)}-${b.slice(4, 6)}-${b.slice(6, 8)}`) || b < '18000101') return 'birth-date';
  return residentIdCheckChar(value.slice(0, 17)) === value[17].toUpperCase() ? undefined : 'check-digit';
}

/** The birth date a well-formed resident ID number holds, as `YYYY-MM-DD`. */
export function residentIdBirthDate(value: string): IsoDate {
  return `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
}

/**
 * A person cannot be born after today (Asia/Shanghai): refused as the field's problem, like the
 * format checks. The message does not repeat the date: it is part of the resident ID number.
 */
export function assertBornBy(birthDate: IsoDate, today: IsoDate, field = 'personId'): void {
  if (birthDate > today)
    throw validationFailed(field, `${field} holds a birth date in the future (after today, ${today}, Asia/Shanghai)`);
}

/** Refuses a membership dated before its person was born (the date itself is not repeated: it is personal data). */
export function assertBornBefore(birthDate: IsoDate, effectiveDate: IsoDate, field = 'personId'): void {
  if (birthDate > effectiveDate)
    throw validationFailed(
      field,
      `${field} holds a birth date after effectiveDate (${effectiveDate}): nobody joins before being born`,
    );
}

/** First 6 and last 4 characters kept, the rest `*`: what responses show. */
export function maskResidentId(value: string): string {
  return `${value.slice(0, 6)}${'*'.repeat(8)}${value.slice(14).toUpperCase()}`;
}
