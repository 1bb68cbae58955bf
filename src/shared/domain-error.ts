/**
 * A refusal by a rule of the ledger. The code is the contract's (`MEMBER_NOT_ACTIVE`, …); the
 * HTTP edge maps codes to statuses, the domain never speaks HTTP.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown> | readonly unknown[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Field-level input problems found after the DTO checks (for example a date after today). */
export function validationFailed(field: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', 'the request is not valid', [{ field, messages: [message] }]);
}

export const notFound = (what: string, id: string): DomainError =>
  new DomainError('NOT_FOUND', `${what} ${id} does not exist`, { [what.toLowerCase() + 'Id']: id });
