import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal bodies serialise equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Fingerprint of a command: its name and body (personal data only ever as its keyed hash). */
export function commandFingerprint(name: string, body: unknown): string {
  return sha256Hex(`${name}\u0000${canonicalJson(body)}`);
}
