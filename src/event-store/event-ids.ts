import { hash } from 'node:crypto';

/**
 * A UUID (v5 layout) derived from the given parts, so that a retried command produces the same
 * event ids and the store can recognise the retry.
 */
export function deterministicUuid(...parts: readonly string[]): string {
  const h = hash('sha256', parts.join('\u0000'), 'buffer');
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
