import fc from 'fast-check';
import { OWNERSHIPS } from '../../src/enterprises/enterprise.events.js';
import { IMPORT_COMMANDS, type ImportCommandName } from '../../src/imports/import-commands.js';
import { dtoValidLine, fastValidLine, validateLine, type ValidLine } from '../../src/imports/import-validation.js';
import { CATEGORIES, LEAVE_REASONS } from '../../src/membership/member.events.js';
import { PARK_LEVELS } from '../../src/parks/park.events.js';
import { residentIdCheckChar } from '../../src/shared/resident-id.js';

/*
 * The import checks a line with plain predicates first and builds the API's DTO only when they
 * refuse it. That is only an optimisation if both give the same verdict on every line: the same
 * validity, and for a valid line the same command, commandId and expectedRevision.
 */

type Fields = Record<string, unknown>;
type FieldKind = 'id' | 'date' | 'personId' | 'name100' | 'name200' | 'level' | 'ownership' | 'category' | 'reason' | 'employees';

/** Every command's fields (path parameters included) and what kind of value each takes. */
const SHAPES: Record<ImportCommandName, Record<string, FieldKind>> = {
  registerPark: { parkId: 'id', name: 'name200', cityId: 'id', level: 'level', effectiveDate: 'date' },
  establishParkUnion: { parkId: 'id', effectiveDate: 'date' },
  registerEnterprise: { enterpriseId: 'id', parkId: 'id', name: 'name200', ownership: 'ownership', effectiveDate: 'date' },
  establishEnterpriseUnion: { enterpriseId: 'id', effectiveDate: 'date' },
  reportHeadcount: { enterpriseId: 'id', employees: 'employees', effectiveDate: 'date' },
  closeEnterprise: { enterpriseId: 'id', effectiveDate: 'date' },
  join: {
    memberId: 'id',
    personId: 'personId',
    name: 'name100',
    category: 'category',
    enterpriseId: 'id',
    effectiveDate: 'date',
  },
  transfer: { memberId: 'id', toEnterpriseId: 'id', effectiveDate: 'date' },
  changeCategory: { memberId: 'id', category: 'category', effectiveDate: 'date' },
  leave: { memberId: 'id', reason: 'reason', effectiveDate: 'date' },
};

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const compact = (day: string) => day.replaceAll('-', '');

const withCheckChar = (first17: string) => first17 + residentIdCheckChar(first17);

const residentIdOf = (region: number, birth: string, sequence: number, lowerX: boolean) => {
  const first17 = `${region}${birth}${String(sequence).padStart(3, '0')}`;
  const check = residentIdCheckChar(first17);
  return first17 + (lowerX && check === 'X' ? 'x' : check);
};

const plainChars = fc.constantFrom(...'abcXYZ 019张三李四王五·-_.,()（）"\'\\/é🙂'.match(/./gu)!);
const plainText = (max: number) =>
  fc
    .array(plainChars, { minLength: 1, maxLength: max })
    .map((cs) => cs.join(''))
    .filter((s) => s.trim().length > 0 && s.length <= max);

const VALID: Record<FieldKind, fc.Arbitrary<unknown>> = {
  id: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
  date: fc
    .date({ min: new Date('1949-10-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
    .map(isoDay),
  personId: fc
    .record({
      region: fc.integer({ min: 100000, max: 999999 }),
      birth: fc.date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }),
      sequence: fc.integer({ min: 0, max: 999 }),
      lowerX: fc.boolean(),
    })
    .map(({ region, birth, sequence, lowerX }) => residentIdOf(region, compact(isoDay(birth)), sequence, lowerX)),
  name100: plainText(100),
  name200: plainText(200),
  level: fc.constantFrom(...PARK_LEVELS),
  ownership: fc.constantFrom(...OWNERSHIPS),
  category: fc.constantFrom(...CATEGORIES),
  reason: fc.constantFrom(...LEAVE_REASONS),
  employees: fc.oneof(fc.constantFrom(0, 1, 1_000_000), fc.integer({ min: 0, max: 1_000_000 })),
};

const VALID_ID = residentIdOf(360102, '19900101', 12, false);
const wrongCheck = VALID_ID.slice(0, 17) + (VALID_ID[17] === '0' ? '1' : '0');

const COMMON_BAD: unknown[] = [null, true, 0, {}, [], ''];
/** Values each kind of field must refuse. */
const BROKEN: Record<FieldKind, unknown[]> = {
  id: [...COMMON_BAD, '-a', '.a', 'a b', ' a', 'a/b', 'é', 'a'.repeat(65), 12345],
  date: [
    ...COMMON_BAD,
    '2016-02-30',
    '2015-02-29',
    '1949-09-30',
    '2016-13-01',
    '2016-00-10',
    '2016-2-3',
    '20160203',
    '2016-02-03T00:00:00Z',
    ' 2016-02-03',
    20160203,
  ],
  personId: [
    ...COMMON_BAD,
    wrongCheck,
    residentIdOf(360102, '19490230', 1, false),
    residentIdOf(360102, '17991231', 1, false),
    // A region code starting with 0, its check character right.
    withCheckChar('06010219900101001'),
    VALID_ID.slice(0, 17),
    `${VALID_ID}0`,
    VALID_ID.slice(0, 17) + 'Y',
    Number(VALID_ID.slice(0, 17)),
  ],
  name100: [...COMMON_BAD, '   ', 'a\u0000b', 'line\nbreak', 'tab\there', 'del\u007f', 'x'.repeat(101), '张'.repeat(101), 42],
  name200: [...COMMON_BAD, ' \t ', 'a\u001fb', 'cr\r', 'x'.repeat(201), 42],
  level: [...COMMON_BAD, 'National', 'county', ' national'],
  ownership: [...COMMON_BAD, 'private', 'Public'],
  category: [...COMMON_BAD, 'Regular', 'worker', 'migrant '],
  reason: [...COMMON_BAD, 'fired', 'Retired'],
  employees: [null, true, '', {}, [], -1, 1.5, 1_000_001, '5', Number.NaN, Number.POSITIVE_INFINITY, -0.5, 2 ** 53],
};
const BROKEN_COMMAND_ID: unknown[] = ['', 'c'.repeat(129), 5, true, {}, ['x']];
const BROKEN_REVISION: unknown[] = [-1, 1.5, '3', true, {}, Number.NaN, -0.1];

const optional = (arb: fc.Arbitrary<unknown>) => fc.option(arb, { nil: undefined, freq: 2 });
const commandIdArb = fc.oneof(fc.string({ minLength: 1, maxLength: 128 }), fc.constantFrom('c'.repeat(128), 'x', 'import-abc'));

/** A valid line of the command, sometimes with a commandId and an expectedRevision. */
const validLine = (command: ImportCommandName): fc.Arbitrary<Fields> =>
  fc
    .record({
      fields: fc.record(Object.fromEntries(Object.entries(SHAPES[command]).map(([name, kind]) => [name, VALID[kind]]))),
      commandId: optional(commandIdArb),
      expectedRevision: optional(fc.oneof(fc.constant(0), fc.nat())),
    })
    .map(({ fields, commandId, expectedRevision }) => ({
      command,
      ...fields,
      ...(commandId !== undefined ? { commandId } : {}),
      ...(expectedRevision !== undefined ? { expectedRevision } : {}),
    }));

type Mutation =
  | { kind: 'break'; field: string; value: unknown }
  | { kind: 'drop'; field: string }
  | { kind: 'extra'; field: string; value: unknown };

const EXTRA_FIELDS = ['extra', 'id', 'parkId', 'memberId', 'reason', 'employees', 'Command', 'commandid', 'expected_revision'];

/** One field of the line broken, dropped, or one field it does not take added. */
const mutation = (command: ImportCommandName): fc.Arbitrary<Mutation> => {
  const shape = SHAPES[command];
  return fc.oneof(
    ...Object.entries(shape).map(([field, kind]) =>
      fc.constantFrom(...BROKEN[kind]).map((value): Mutation => ({ kind: 'break', field, value })),
    ),
    fc.constantFrom(...BROKEN_COMMAND_ID).map((value): Mutation => ({ kind: 'break', field: 'commandId', value })),
    fc.constantFrom(...BROKEN_REVISION).map((value): Mutation => ({ kind: 'break', field: 'expectedRevision', value })),
    fc
      .constantFrom('Join', 'join ', '', 'registerpark', 'import', 'constructor', 'toString', 'hasOwnProperty', 7, null)
      .map((value): Mutation => ({ kind: 'break', field: 'command', value })),
    fc.constantFrom('command', ...Object.keys(shape)).map((field): Mutation => ({ kind: 'drop', field })),
    fc
      .record({ field: fc.constantFrom(...EXTRA_FIELDS.filter((f) => !(f in shape))), value: fc.constantFrom('x', 1, null) })
      .map(({ field, value }): Mutation => ({ kind: 'extra', field, value })),
  );
};

const mutate = (fields: Fields, m: Mutation): Fields => {
  const copy = { ...fields };
  if (m.kind === 'drop') delete copy[m.field];
  else copy[m.field] = m.value;
  return copy;
};

const isValid = (verdict: ValidLine | { code: string }): verdict is ValidLine => !('code' in verdict);

/** Both verdicts on one line: the fast one defined exactly when the DTO's is valid, and then the same. */
function expectSameVerdict(fields: Fields): void {
  const fast = fastValidLine(fields);
  const dto = dtoValidLine(fields);
  const label = JSON.stringify(fields, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  expect({ line: label, fastValid: fast !== undefined, dtoValid: isValid(dto) }).toEqual({
    line: label,
    fastValid: isValid(dto),
    dtoValid: isValid(dto),
  });
  if (fast !== undefined) {
    expect(dto).toEqual(fast);
    expect(validateLine(fields)).toEqual(fast);
  } else expect(validateLine(fields)).toEqual(dto);
}

describe('import validation: the fast path and the DTO path agree', () => {
  it.each(IMPORT_COMMANDS)('given valid %s lines, then both accept them with the same command', (command) => {
    fc.assert(
      fc.property(validLine(command), (fields) => {
        const fast = fastValidLine(fields);
        expect(fast).toBeDefined();
        expectSameVerdict(fields);
        const { commandId, expectedRevision, ...rest } = fields;
        expect(fast).toEqual({
          command: rest,
          ...(commandId !== undefined ? { commandId } : {}),
          ...(expectedRevision !== undefined ? { expectedRevision } : {}),
        });
      }),
      { numRuns: 300 },
    );
  });

  it.each(IMPORT_COMMANDS)('given %s lines with one field broken, dropped or added, then both refuse them', (command) => {
    fc.assert(
      fc.property(validLine(command), mutation(command), (fields, m) => {
        const broken = mutate(fields, m);
        expect(fastValidLine(broken)).toBeUndefined();
        const dto = dtoValidLine(broken);
        expect(dto).toEqual({
          code: 'VALIDATION_FAILED',
          message: expect.stringMatching(/^the request is not valid: ./),
          details: [{ field: m.field, messages: expect.any(Array) }],
        });
        expectSameVerdict(broken);
      }),
      { numRuns: 400 },
    );
  });

  it('given every broken value of every field of every command in turn, then both refuse each one', () => {
    const base: Record<FieldKind, unknown> = {
      id: 'e-1',
      date: '2016-03-15',
      personId: VALID_ID,
      name100: '张三',
      name200: '南昌高新区',
      level: 'national',
      ownership: 'public',
      category: 'migrant',
      reason: 'resigned',
      employees: 420,
    };
    let checked = 0;
    for (const command of IMPORT_COMMANDS) {
      const shape = SHAPES[command];
      const valid: Fields = { command, ...Object.fromEntries(Object.entries(shape).map(([f, kind]) => [f, base[kind]])) };
      expectSameVerdict(valid);
      expect(fastValidLine(valid)).toBeDefined();
      for (const [field, kind] of Object.entries(shape)) {
        for (const value of BROKEN[kind]) {
          expectSameVerdict({ ...valid, [field]: value });
          expect(fastValidLine({ ...valid, [field]: value })).toBeUndefined();
          checked++;
        }
        const dropped = { ...valid };
        delete dropped[field];
        expectSameVerdict(dropped);
        expect(fastValidLine(dropped)).toBeUndefined();
      }
      for (const value of BROKEN_COMMAND_ID) expectSameVerdict({ ...valid, commandId: value });
      for (const value of BROKEN_REVISION) expectSameVerdict({ ...valid, expectedRevision: value });
      expectSameVerdict({ ...valid, commandId: 'c'.repeat(128), expectedRevision: 0 });
      expect(fastValidLine({ ...valid, commandId: 'c'.repeat(128), expectedRevision: 0 })).toBeDefined();
      expectSameVerdict({ ...valid, extra: 1 });
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('given the edges of each range, then both draw the line in the same place', () => {
    const join = {
      command: 'join',
      memberId: 'm-1',
      personId: VALID_ID,
      name: '张三',
      category: 'regular',
      enterpriseId: 'e-1',
      effectiveDate: '1949-10-01',
    };
    const cases: Array<[Fields, boolean]> = [
      [join, true],
      [{ ...join, effectiveDate: '1949-09-30' }, false],
      [{ ...join, effectiveDate: '2016-02-29' }, true],
      [{ ...join, effectiveDate: '2015-02-29' }, false],
      [{ ...join, name: 'x'.repeat(100) }, true],
      [{ ...join, name: 'x'.repeat(101) }, false],
      [{ ...join, name: ' x ' }, true],
      [{ ...join, memberId: 'a'.repeat(64) }, true],
      [{ ...join, memberId: 'a'.repeat(65) }, false],
      [{ ...join, personId: residentIdOf(110105, '18000101', 2, false) }, true],
      [{ ...join, personId: residentIdOf(110105, '17991231', 2, false) }, false],
      [{ ...join, personId: '11010519491231002x' }, true],
      [{ command: 'reportHeadcount', enterpriseId: 'e-1', employees: 1_000_000, effectiveDate: '2016-01-01' }, true],
      [{ command: 'reportHeadcount', enterpriseId: 'e-1', employees: 1_000_001, effectiveDate: '2016-01-01' }, false],
      [{ command: 'reportHeadcount', enterpriseId: 'e-1', employees: -1, effectiveDate: '2016-01-01' }, false],
      [{ command: 'reportHeadcount', enterpriseId: 'e-1', employees: 1.5, effectiveDate: '2016-01-01' }, false],
      [{ ...join, commandId: 'c'.repeat(128) }, true],
      [{ ...join, commandId: 'c'.repeat(129) }, false],
      [{ ...join, commandId: '' }, false],
      [{ ...join, expectedRevision: 0 }, true],
      [{ ...join, expectedRevision: -1 }, false],
      [
        {
          command: 'registerPark',
          parkId: 'p',
          name: 'n'.repeat(200),
          cityId: 'c',
          level: 'provincial',
          effectiveDate: '2000-01-01',
        },
        true,
      ],
      [
        {
          command: 'registerPark',
          parkId: 'p',
          name: 'n'.repeat(201),
          cityId: 'c',
          level: 'provincial',
          effectiveDate: '2000-01-01',
        },
        false,
      ],
    ];
    for (const [fields, valid] of cases) {
      expect({ fields, valid: fastValidLine(fields) !== undefined }).toEqual({ fields, valid });
      expectSameVerdict(fields);
    }
  });

  it('given null for the optional commandId or expectedRevision, then both give the same verdict', () => {
    const leave = { command: 'leave', memberId: 'm-1', reason: 'retired', effectiveDate: '2018-01-01' };
    expectSameVerdict({ ...leave, commandId: null });
    expectSameVerdict({ ...leave, expectedRevision: null });
  });

  it('given a commandId of characters outside the Basic Multilingual Plane or with variation selectors, then both count its length the same way', () => {
    const leave = { command: 'leave', memberId: 'm-1', reason: 'retired', effectiveDate: '2018-01-01' };
    // 128 characters as a person counts them, more than 128 UTF-16 code units.
    expectSameVerdict({ ...leave, commandId: '🙂'.repeat(128) });
    expectSameVerdict({ ...leave, commandId: `${'c'.repeat(127)}✔\ufe0f` });
    expectSameVerdict({ ...leave, commandId: '🙂'.repeat(64) });
  });

  it('given an unknown command, then the DTO path names the commands it knows', () => {
    const verdict = dtoValidLine({ command: 'enrol', memberId: 'm-1' });
    const known = `command must be one of ${IMPORT_COMMANDS.join(', ')}`;
    expect(verdict).toEqual({
      code: 'VALIDATION_FAILED',
      message: `the request is not valid: ${known}`,
      details: [{ field: 'command', messages: [known] }],
    });
  });

  it('given a line with several bad fields, then the details list each field and why, as the API does, and the message says all of it', () => {
    const verdict = validateLine({
      command: 'transfer',
      memberId: 'm 1',
      toEnterpriseId: 'e-2',
      effectiveDate: '2016-02-30',
      colour: 'red',
    });
    expect(verdict).toEqual({
      code: 'VALIDATION_FAILED',
      message:
        'the request is not valid: memberId must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$; ' +
        'colour: property colour should not exist; ' +
        'effectiveDate must be a real calendar day YYYY-MM-DD from 1949-10-01',
      details: [
        { field: 'memberId', messages: ['memberId must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'] },
        { field: 'colour', messages: ['property colour should not exist'] },
        { field: 'effectiveDate', messages: ['effectiveDate must be a real calendar day YYYY-MM-DD from 1949-10-01'] },
      ],
    });
  });
});
