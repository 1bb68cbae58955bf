import { type ClassConstructor, plainToInstance } from 'class-transformer';
import { length, validateSync, type ValidationError } from 'class-validator';
import { CloseEnterpriseBody } from '../enterprises/close-enterprise/close-enterprise.http.js';
import { EstablishEnterpriseUnionBody } from '../enterprises/establish-enterprise-union/establish-enterprise-union.http.js';
import { RegisterEnterpriseBody } from '../enterprises/register-enterprise/register-enterprise.http.js';
import { ReportHeadcountBody } from '../enterprises/report-headcount/report-headcount.http.js';
import { MAX_EMPLOYEES } from '../enterprises/report-headcount/report-headcount.decide.js';
import { OWNERSHIPS } from '../enterprises/enterprise.events.js';
import { isLedgerDate, isLedgerId, isPlainText, isResidentId, LEDGER_ID_PATTERN } from '../http/validators.js';
import { CATEGORIES, LEAVE_REASONS } from '../membership/member.events.js';
import { PARK_LEVELS } from '../parks/park.events.js';
import { ChangeCategoryBody } from '../membership/change-category/change-category.http.js';
import { JoinBody } from '../membership/join/join.http.js';
import { LeaveBody } from '../membership/leave/leave.http.js';
import { TransferBody } from '../membership/transfer/transfer.http.js';
import { EstablishParkUnionBody } from '../parks/establish-park-union/establish-park-union.http.js';
import { RegisterParkBody } from '../parks/register-park/register-park.http.js';
import { type ImportCommand, IMPORT_COMMANDS, type ImportCommandName } from './import-commands.js';
import { type FieldHints, type FieldProblem, invalidLine, type LineProblem } from './import-records.js';

/** A line that passed the API's own field checks: the command, and what the API takes beside the body. */
export interface ValidLine {
  readonly command: ImportCommand;
  readonly commandId?: string;
  readonly expectedRevision?: number;
}

/** Each command's REST body class (the API's DTO, same checks) and the path parameter it carries as a field. */
const SHAPES: Readonly<Record<ImportCommandName, { body: ClassConstructor<object>; pathField?: string }>> = {
  registerPark: { body: RegisterParkBody },
  establishParkUnion: { body: EstablishParkUnionBody, pathField: 'parkId' },
  registerEnterprise: { body: RegisterEnterpriseBody },
  establishEnterpriseUnion: { body: EstablishEnterpriseUnionBody, pathField: 'enterpriseId' },
  reportHeadcount: { body: ReportHeadcountBody, pathField: 'enterpriseId' },
  closeEnterprise: { body: CloseEnterpriseBody, pathField: 'enterpriseId' },
  join: { body: JoinBody },
  transfer: { body: TransferBody, pathField: 'memberId' },
  changeCategory: { body: ChangeCategoryBody, pathField: 'memberId' },
  leave: { body: LeaveBody, pathField: 'memberId' },
};

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/** One entry per bad field (`to.enterpriseId`), as the API's validation pipe lists them. */
function fieldProblems(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix + e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...fieldProblems(e.children ?? [], `${field}.`)];
  });
}

type Check = (value: unknown) => boolean;
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v);
const employees: Check = (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_EMPLOYEES;

/**
 * The same checks as the DTOs' decorators, as plain predicates: a line passing them all is valid
 * without building a DTO (class-validator costs ~30 µs a line). A line failing any of them goes
 * through the DTO for the API's exact messages. A unit test holds the two to the same verdicts.
 */
const FAST: Readonly<Record<ImportCommandName, Readonly<Record<string, Check>>>> = {
  registerPark: {
    parkId: isLedgerId,
    name: isPlainText(200),
    cityId: isLedgerId,
    level: oneOf(PARK_LEVELS),
    effectiveDate: isLedgerDate,
  },
  establishParkUnion: { parkId: isLedgerId, effectiveDate: isLedgerDate },
  registerEnterprise: {
    enterpriseId: isLedgerId,
    parkId: isLedgerId,
    name: isPlainText(200),
    ownership: oneOf(OWNERSHIPS),
    effectiveDate: isLedgerDate,
  },
  establishEnterpriseUnion: { enterpriseId: isLedgerId, effectiveDate: isLedgerDate },
  reportHeadcount: { enterpriseId: isLedgerId, employees, effectiveDate: isLedgerDate },
  closeEnterprise: { enterpriseId: isLedgerId, effectiveDate: isLedgerDate },
  join: {
    memberId: isLedgerId,
    personId: isResidentId,
    name: isPlainText(100),
    category: oneOf(CATEGORIES),
    enterpriseId: isLedgerId,
    effectiveDate: isLedgerDate,
  },
  transfer: { memberId: isLedgerId, toEnterpriseId: isLedgerId, effectiveDate: isLedgerDate },
  changeCategory: { memberId: isLedgerId, category: oneOf(CATEGORIES), effectiveDate: isLedgerDate },
  leave: { memberId: isLedgerId, reason: oneOf(LEAVE_REASONS), effectiveDate: isLedgerDate },
};
// class-validator's own `length` (it counts characters, not UTF-16 units), as `@Length(1, 128)` does.
const commandIdCheck: Check = (v) => typeof v === 'string' && length(v, 1, 128);
const revisionCheck: Check = (v) => Number.isInteger(v) && (v as number) >= 0;

/** The fast verdict: the line when every field passes, undefined when the DTO must judge. */
export function fastValidLine(fields: Record<string, unknown>): ValidLine | undefined {
  const shape = FAST[fields.command as ImportCommandName];
  if (shape === undefined || !Object.prototype.hasOwnProperty.call(FAST, fields.command as string)) return undefined;
  let known = 1;
  for (const name in shape) {
    if (!shape[name](fields[name])) return undefined;
    known++;
  }
  const { commandId, expectedRevision } = fields;
  if (commandId !== undefined) {
    if (!commandIdCheck(commandId)) return undefined;
    known++;
  }
  if (expectedRevision !== undefined) {
    if (!revisionCheck(expectedRevision)) return undefined;
    known++;
  }
  // Any other field is refused by the DTO (forbidNonWhitelisted).
  if (Object.keys(fields).length !== known) return undefined;
  const command: Record<string, unknown> = { command: fields.command };
  for (const name in shape) command[name] = fields[name];
  return {
    command: command as ImportCommand,
    ...(commandId !== undefined ? { commandId: commandId as string } : {}),
    ...(expectedRevision !== undefined ? { expectedRevision: expectedRevision as number } : {}),
  };
}

/**
 * Checks a line's fields exactly as the API checks the same command's path and body. `hints`:
 * a message to add to a field's problems when that field is refused (from the file's reader).
 */
export function validateLine(fields: Record<string, unknown>, hints?: FieldHints): ValidLine | LineProblem {
  const fast = fastValidLine(fields);
  if (fast) return fast;
  return dtoValidLine(fields, hints);
}

/** The DTO's verdict (class-validator, as the API runs it), with its messages (and the reader's hints). */
export function dtoValidLine(fields: Record<string, unknown>, hints?: FieldHints): ValidLine | LineProblem {
  const invalid = (problems: readonly FieldProblem[]) =>
    invalidLine(
      problems.map((p) => (hints && Object.hasOwn(hints, p.field) ? { ...p, messages: [...p.messages, hints[p.field]] } : p)),
    );
  const { command, ...rest } = fields;
  if (typeof command !== 'string' || !(IMPORT_COMMANDS as readonly string[]).includes(command))
    return invalid([{ field: 'command', messages: [`command must be one of ${IMPORT_COMMANDS.join(', ')}`] }]);
  const shape = SHAPES[command as ImportCommandName];
  const body: Record<string, unknown> = { ...rest };
  const problems: FieldProblem[] = [];
  let pathValue: unknown;
  if (shape.pathField !== undefined) {
    pathValue = body[shape.pathField];
    delete body[shape.pathField];
    if (typeof pathValue !== 'string' || !LEDGER_ID_PATTERN.test(pathValue))
      problems.push({ field: shape.pathField, messages: [`${shape.pathField} must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`] });
  }
  const instance = plainToInstance(shape.body, body, { enableImplicitConversion: false });
  problems.push(...fieldProblems(validateSync(instance, OPTIONS)));
  if (problems.length > 0) return invalid(problems);
  const { commandId, expectedRevision, ...input } = instance as Record<string, unknown>;
  const fieldsOf = shape.pathField === undefined ? input : { ...input, [shape.pathField]: pathValue };
  return {
    command: { command, ...fieldsOf } as ImportCommand,
    ...(commandId !== undefined ? { commandId: commandId as string } : {}),
    ...(expectedRevision !== undefined ? { expectedRevision: expectedRevision as number } : {}),
  };
}
