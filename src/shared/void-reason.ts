import { validationFailed } from './domain-error.js';

export const MAX_VOID_REASON = 500;

/** A void always says why: non-empty, bounded text. */
export function assertVoidReason(reason: string): void {
  if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > MAX_VOID_REASON)
    throw validationFailed('reason', `reason must be non-empty text of at most ${MAX_VOID_REASON} characters`);
}
