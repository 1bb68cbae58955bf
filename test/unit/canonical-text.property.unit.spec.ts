import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { deterministicUuid } from '../../src/event-store/event-ids.js';
import { isCalendarDate } from '../../src/shared/dates.js';
import { canonicalJson, commandFingerprint } from '../../src/shared/fingerprint.js';

/*
 * Texts the log depends on byte for byte: a recorded command's fingerprint (canonical JSON of its
 * body, hashed) and its events' ids. They were rewritten for speed; each is held here to its
 * first definition, kept below as the oracle, so a command recorded before answers the same
 * fingerprint and ids today. So is the date check the rules and imports use.
 */

/** canonicalJson as first written. */
function canonicalJsonOracle(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJsonOracle).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJsonOracle(v)}`).join(',')}}`;
}

function deterministicUuidOracle(...parts: readonly string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function isCalendarDateOracle(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

// Bodies as commands have them (JSON), with keys in any order, undefined fields, holes and odd keys.
const body = fc.anything({
  key: fc.oneof(fc.string(), fc.constantFrom('a', 'b', 'B', '_', '张', 'memberId', '__proto__x', '')),
  withNullPrototype: true,
  withSparseArray: true,
  withBoxedValues: false,
  withMap: false,
  withSet: false,
  withDate: false,
  withTypedArray: false,
  withBigInt: false,
});

// Dates near the format: real and impossible days, short years, leap days, stray characters.
const nearDate = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
    .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  fc.constantFrom(
    '2016-02-29',
    '1900-02-29',
    '2000-02-29',
    '0099-01-01',
    '0100-01-01',
    '2016-1-01',
    '2016-01-01\n',
    '２０１６-01-01',
  ),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[0-9]{4}.[0-9]{2}.[0-9]{2}$/),
);

describe('texts the log depends on', () => {
  it('given any command body, when made canonical and fingerprinted, then the text and the fingerprint are those of the first definition', () => {
    fc.assert(
      fc.property(fc.constantFrom('join', 'transfer', 'leave'), body, (name, b) => {
        const expected = canonicalJsonOracle(b);
        expect(canonicalJson(b)).toBe(expected);
        expect(commandFingerprint(name, b)).toBe(createHash('sha256').update(`${name}\u0000${expected}`).digest('hex'));
      }),
      { numRuns: 2000 },
    );
  });

  it('given any parts, when an event id is derived, then it is the id the first definition gave', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 5 }), (parts) => {
        expect(deterministicUuid(...parts)).toBe(deterministicUuidOracle(...parts));
      }),
      { numRuns: 1000 },
    );
  });

  it('given any text near the YYYY-MM-DD format, when checked as a calendar date, then it is accepted exactly when the first definition accepted it', () => {
    fc.assert(
      fc.property(nearDate, (s) => {
        expect(isCalendarDate(s)).toBe(isCalendarDateOracle(s));
      }),
      { numRuns: 5000 },
    );
    // Every day of a leap century and of a common one, and the days around them.
    for (const year of [1900, 2000, 2016, 2015])
      for (let m = 1; m <= 12; m++)
        for (let d = 0; d <= 32; d++) {
          const s = `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          expect([s, isCalendarDate(s)]).toEqual([s, isCalendarDateOracle(s)]);
        }
  });
});
