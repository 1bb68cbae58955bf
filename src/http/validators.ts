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

/** The checks themselves, shared by the decorators below and the bulk import's fast path. */
export const isLedgerId = (v: unknown): boolean => typeof v === 'string' && LEDGER_ID_PATTERN.test(v);
export const isLedgerDate = (v: unknown): boolean => typeof v === 'string' && isCalendarDate(v) && v >= EARLIEST_DATE;
export const isResidentId = (v: unknown): boolean => typeof v === 'string' && residentIdProblem(v) === undefined;
export const isPlainText =
  (max: number) =>
  (v: unknown): boolean =>
    // eslint-disable-next-line no-control-regex
    typeof v === 'string' && v.trim().length > 0 && v.length <= max && !/[\u0000-\u001f\u007f]/.test(v);

/** `cityId`, `parkId`, `enterpriseId`, `memberId`: letters, digits, `_ . -`, up to 64. */
export const IsLedgerId = (options?: ValidationOptions) =>
  rule('isLedgerId', isLedgerId, '$property must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$', options);

/** A real calendar day `YYYY-MM-DD`, not before 1949-10-01 (after-today is checked with the clock). */
export const IsLedgerDate = (options?: ValidationOptions) =>
  rule('isLedgerDate', isLedgerDate, `$property must be a real calendar day YYYY-MM-DD from ${EARLIEST_DATE}`, options);

/** An 18-character PRC resident ID number with a valid birth date and check character. */
export const IsResidentId = (options?: ValidationOptions) =>
  rule(
    'isResidentId',
    isResidentId,
    '$property must be a valid 18-character resident ID number (GB 11643, with its check character)',
    options,
  );

/** A non-empty line of text without control characters. */
export const IsPlainText = (max: number, options?: ValidationOptions) =>
  rule(
    'isPlainText',
    isPlainText(max),
    `$property must be non-empty text of at most ${max} characters without control characters`,
    options,
  );
