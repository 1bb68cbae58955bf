import { registerDecorator, type ValidationOptions } from 'class-validator';
import { EARLIEST_DATE, isCalendarDate } from '../shared/dates.js';
import { residentIdProblem } from '../shared/resident-id.js';

export const LEDGER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

function rule(name: string, test: (value: unknown) => boolean, message: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: { message, ...options },
      validator: { validate: test },
    });
}

/** `cityId`, `parkId`, `enterpriseId`, `memberId`: letters, digits, `_ . -`, up to 64. */
export const IsLedgerId = (options?: ValidationOptions) =>
  rule(
    'isLedgerId',
    (v) => typeof v === 'string' && LEDGER_ID_PATTERN.test(v),
    '$property must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
    options,
  );

/** A real calendar day `YYYY-MM-DD`, not before 1949-10-01 (after-today is checked with the clock). */
export const IsLedgerDate = (options?: ValidationOptions) =>
  rule(
    'isLedgerDate',
    (v) => typeof v === 'string' && isCalendarDate(v) && v >= EARLIEST_DATE,
    `$property must be a real calendar day YYYY-MM-DD from ${EARLIEST_DATE}`,
    options,
  );

/** An 18-character PRC resident ID number with a valid birth date and check character. */
export const IsResidentId = (options?: ValidationOptions) =>
  rule(
    'isResidentId',
    (v) => typeof v === 'string' && residentIdProblem(v) === undefined,
    '$property must be a valid 18-character resident ID number (GB 11643, with its check character)',
    options,
  );

/** A non-empty line of text without control characters. */
export const IsPlainText = (max: number, options?: ValidationOptions) =>
  rule(
    'isPlainText',
    // eslint-disable-next-line no-control-regex
    (v) => typeof v === 'string' && v.trim().length > 0 && v.length <= max && !/[\u0000-\u001f\u007f]/.test(v),
    `$property must be non-empty text of at most ${max} characters without control characters`,
    options,
  );
