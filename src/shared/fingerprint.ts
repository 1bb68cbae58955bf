import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted, so equal bodies serialise equally whatever their key order.
 * Fingerprints of recorded commands depend on this text byte for byte: it must never change
 * (a unit property test holds it to its first definition). Written as loops: an import calls it
 * for every line.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + (canonicalJson(value[i]) ?? '');
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Fingerprint of a command: its name and body (personal data only ever as its keyed hash). */
export function commandFingerprint(name: string, body: unknown): string {
  return sha256Hex(`${name}\u0000${canonicalJson(body)}`);
}
