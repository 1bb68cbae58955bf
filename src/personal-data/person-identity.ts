import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { maskResidentId } from '../shared/resident-id.js';
import { type PersonRef } from '../membership/member.events.js';

export const PERSON_IDENTITY = Symbol('PersonIdentity');

/**
 * Turns a resident ID number into what the ledger may keep: a keyed hash (a blind index for
 * duplicate detection; without the key nobody can test a guessed number) and the masked form.
 */
export class PersonIdentity {
  private readonly secret: KeyObject;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('the person hash key must be at least 32 bytes');
    // A KeyObject made once: createHmac with raw bytes imports the key again on every call.
    this.secret = createSecretKey(key);
  }

  ref(residentId: string): PersonRef {
    return { hash: this.hash(residentId), masked: maskResidentId(residentId) };
  }

  /** A keyed digest of any text that may hold a resident ID (an import line), so the ID cannot be guessed from it. */
  digest(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('hex');
  }

  hash(residentId: string): string {
    return createHmac('sha256', this.secret).update(residentId.toUpperCase()).digest('hex');
  }
}
