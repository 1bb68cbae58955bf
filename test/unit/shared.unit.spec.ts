import { assertVoidReason } from '../../src/shared/void-reason.js';
import { monotonicIso } from '../../src/shared/clock.js';
import { isCalendarDate, parseInstant, previousDay, shanghaiDate } from '../../src/shared/dates.js';
import { DomainError } from '../../src/shared/domain-error.js';
import { assertEffectiveDate } from '../../src/shared/effective-date.js';
import {
  assertBornBy,
  maskResidentId,
  residentIdBirthDate,
  residentIdCheckChar,
  residentIdProblem,
} from '../../src/shared/resident-id.js';

describe('resident id (GB 11643)', () => {
  it('accepts a valid number', () => {
    expect(residentIdProblem('11010519491231002X')).toBeUndefined();
  });

  it('computes the ISO 7064 MOD 11-2 check character', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('44030419900307123')).toBe('X');
    expect(residentIdCheckChar('11010519490230002')).toBe('0');
  });

  it('accepts a lower-case x as the check character 10', () => {
    expect(residentIdProblem('11010519491231002x')).toBeUndefined();
  });

  it('refuses a wrong check character', () => {
    expect(residentIdProblem('110105194912310021')).toBe('check-digit');
    expect(residentIdProblem('110105194912310020')).toBe('check-digit');
  });

  it('reads the birth date a number holds', () => {
    expect(residentIdBirthDate('11010519491231002X')).toBe('1949-12-31');
  });

  it('refuses a birth date after today (the day given), as a problem of personId; today itself passes', () => {
    expect(() => assertBornBy('2026-06-30', '2026-06-30')).not.toThrow();
    const refused = (() => {
      try {
        assertBornBy('2026-07-01', '2026-06-30');
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(DomainError);
    expect({ code: (refused as DomainError).code, details: (refused as DomainError).details }).toEqual({
      code: 'VALIDATION_FAILED',
      details: [
        { field: 'personId', messages: ['personId holds a birth date in the future (after today, 2026-06-30, Asia/Shanghai)'] },
      ],
    });
  });

  it('refuses a birth date that is not a calendar day, even with a matching check character', () => {
    expect(residentIdProblem('110105194902300020')).toBe('birth-date');
    expect(residentIdProblem('110105194913010010')).toBe('birth-date');
  });

  it('refuses a birth date before 1800-01-01', () => {
    expect(residentIdProblem('110105180001010029')).toBeUndefined();
    expect(residentIdProblem('110105179912310024')).toBe('birth-date');
  });

  it('refuses the wrong length, letters in the digits, and a region code starting with 0', () => {
    expect(residentIdProblem('11010519491231002')).toBe('format');
    expect(residentIdProblem('11010519491231002X1')).toBe('format');
    expect(residentIdProblem('1101051949123100AX')).toBe('format');
    expect(residentIdProblem('01010519491231002X')).toBe('format');
  });

  it('masks all but the first 6 and the last 4 characters', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
    expect(maskResidentId('11010519491231002x')).toBe('110105********002X');
  });
});

describe('dates', () => {
  it('knows real calendar days', () => {
    expect(isCalendarDate('2016-02-29')).toBe(true);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2016-02-30')).toBe(false);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2015-02-29')).toBe(false);
    expect(isCalendarDate('2016-13-01')).toBe(false);
    expect(isCalendarDate('2016-2-1')).toBe(false);
  });

  it('gives the Asia/Shanghai calendar day of an instant (UTC+8)', () => {
    expect(shanghaiDate(new Date('2026-11-24T16:30:00Z'))).toBe('2026-11-25');
    expect(shanghaiDate(new Date('2026-11-24T15:59:59.999Z'))).toBe('2026-11-24');
    expect(shanghaiDate(new Date('2026-11-24T16:00:00Z'))).toBe('2026-11-25');
  });

  it('steps back one day across month and leap-day boundaries', () => {
    expect(previousDay('2016-03-01')).toBe('2016-02-29');
    expect(previousDay('2015-03-01')).toBe('2015-02-28');
    expect(previousDay('2016-01-01')).toBe('2015-12-31');
  });

  it('parses instants only with an explicit offset', () => {
    expect(parseInstant('2016-07-05T09:00:00+08:00')?.toISOString()).toBe('2016-07-05T01:00:00.000Z');
    expect(parseInstant('2016-07-05T09:00:00.123Z')?.toISOString()).toBe('2016-07-05T09:00:00.123Z');
    expect(parseInstant('2016-07-05T09:00:00')).toBeUndefined();
    expect(parseInstant('2016-02-30T09:00:00Z')).toBeUndefined();
  });
});

describe('effective date', () => {
  const today = '2026-06-30';
  const refusal = (date: string) => {
    try {
      assertEffectiveDate(date, today);
    } catch (e) {
      return e instanceof DomainError ? { code: e.code, details: e.details } : e;
    }
    return undefined;
  };

  it('accepts today, the earliest day, and a past leap day', () => {
    expect(refusal(today)).toBeUndefined();
    expect(refusal('1949-10-01')).toBeUndefined();
    expect(refusal('2016-02-29')).toBeUndefined();
  });

  it('refuses a day after today in Asia/Shanghai', () => {
    expect(refusal('2026-07-01')).toEqual({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'effectiveDate', messages: [expect.stringContaining('after today')] }],
    });
  });

  it('refuses a day before 1949-10-01', () => {
    expect(refusal('1949-09-30')).toEqual({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'effectiveDate', messages: [expect.stringContaining('1949-10-01')] }],
    });
  });

  it('refuses a day that does not exist', () => {
    expect(refusal('2016-02-30')).toEqual({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'effectiveDate', messages: [expect.stringContaining('calendar day')] }],
    });
  });

  it('names the field it was given', () => {
    expect(() => assertEffectiveDate('2030-01-01', today, 'asOf')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: [{ field: 'asOf', messages: [expect.any(String)] }] }),
    );
  });
});

describe('void reasons', () => {
  it('given an empty or blank reason, when a void is decided, then it is refused as VALIDATION_FAILED', () => {
    for (const reason of ['', '   ', 'x'.repeat(501)]) {
      expect(() => assertVoidReason(reason)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    }
  });

  it('given a short reason, when a void is decided, then it passes', () => {
    expect(() => assertVoidReason('recorded for the wrong member')).not.toThrow();
  });
});

describe('recording instants', () => {
  const at = (iso: string) => new Date(iso);
  it('given no earlier append, when stamped, then the clock time is used', () => {
    expect(monotonicIso(at('2016-07-05T01:00:00.000Z'), undefined)).toBe('2016-07-05T01:00:00.000Z');
  });
  it('given a clock that moved on, when stamped, then the clock time is used', () => {
    expect(monotonicIso(at('2016-07-05T01:00:00.005Z'), '2016-07-05T01:00:00.000Z')).toBe('2016-07-05T01:00:00.005Z');
  });
  it('given a clock that stood still or ran back, when stamped, then one millisecond after the earlier append', () => {
    expect(monotonicIso(at('2016-07-05T01:00:00.000Z'), '2016-07-05T01:00:00.000Z')).toBe('2016-07-05T01:00:00.001Z');
    expect(monotonicIso(at('2016-07-04T00:00:00.000Z'), '2016-07-05T01:00:00.009Z')).toBe('2016-07-05T01:00:00.010Z');
  });
});
