import type { Ownership } from '../enterprises/enterprise.events.js';
import type { Category, LeaveReason } from '../membership/member.events.js';
import type { ParkLevel } from '../parks/park.events.js';

/**
 * One line of an import file (contract section 9): the REST body plus `command`, path
 * parameters as fields. No `commandId`: the import derives one from the line's content.
 */
export type ImportCommand =
  | { command: 'registerPark'; parkId: string; name: string; cityId: string; level: ParkLevel; effectiveDate: string }
  | { command: 'establishParkUnion'; parkId: string; effectiveDate: string }
  | {
      command: 'registerEnterprise';
      enterpriseId: string;
      parkId: string;
      name: string;
      ownership: Ownership;
      effectiveDate: string;
    }
  | { command: 'establishEnterpriseUnion'; enterpriseId: string; effectiveDate: string }
  | { command: 'reportHeadcount'; enterpriseId: string; employees: number; effectiveDate: string }
  | { command: 'closeEnterprise'; enterpriseId: string; effectiveDate: string }
  | {
      command: 'join';
      memberId: string;
      personId: string;
      name: string;
      category: Category;
      enterpriseId: string;
      effectiveDate: string;
    }
  | { command: 'transfer'; memberId: string; toEnterpriseId: string; effectiveDate: string }
  | { command: 'changeCategory'; memberId: string; category: Category; effectiveDate: string }
  | { command: 'leave'; memberId: string; reason: LeaveReason; effectiveDate: string };

export type ImportCommandName = ImportCommand['command'];

/** Every command an import line can carry, in the contract's order. */
export const IMPORT_COMMANDS: readonly ImportCommandName[] = [
  'registerPark',
  'establishParkUnion',
  'registerEnterprise',
  'establishEnterpriseUnion',
  'reportHeadcount',
  'closeEnterprise',
  'join',
  'transfer',
  'changeCategory',
  'leave',
];

/** The REST request an import line stands for (contract section 7): its path and JSON body. */
export function restRequestOf(line: ImportCommand): { path: string; body: Record<string, unknown> } {
  switch (line.command) {
    case 'registerPark': {
      const { command: _, ...body } = line;
      return { path: '/parks', body };
    }
    case 'establishParkUnion':
      return { path: `/parks/${line.parkId}/union`, body: { effectiveDate: line.effectiveDate } };
    case 'registerEnterprise': {
      const { command: _, ...body } = line;
      return { path: '/enterprises', body };
    }
    case 'establishEnterpriseUnion':
      return { path: `/enterprises/${line.enterpriseId}/union`, body: { effectiveDate: line.effectiveDate } };
    case 'reportHeadcount':
      return {
        path: `/enterprises/${line.enterpriseId}/headcount`,
        body: { employees: line.employees, effectiveDate: line.effectiveDate },
      };
    case 'closeEnterprise':
      return { path: `/enterprises/${line.enterpriseId}/close`, body: { effectiveDate: line.effectiveDate } };
    case 'join': {
      const { command: _, ...body } = line;
      return { path: '/members', body };
    }
    case 'transfer':
      return {
        path: `/members/${line.memberId}/transfer`,
        body: { toEnterpriseId: line.toEnterpriseId, effectiveDate: line.effectiveDate },
      };
    case 'changeCategory':
      return { path: `/members/${line.memberId}/category`, body: { category: line.category, effectiveDate: line.effectiveDate } };
    case 'leave':
      return { path: `/members/${line.memberId}/leave`, body: { reason: line.reason, effectiveDate: line.effectiveDate } };
    default: {
      const unknown: never = line;
      return unknown;
    }
  }
}
