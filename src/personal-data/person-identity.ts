import { createHmac } from 'node:crypto';
import { maskResidentId } from '../shared/resident-id.js';
import { type PersonRef } from '../membership/member.events.js';

export const PERSON_IDENTITY = Symbol('PersonIdentity');

/**
 * Turns a resident ID number into what the ledger may keep: a keyed hash (a blind index for
 * duplicate detection; without the key nobody can test a guessed number) and the masked form.
 */
export class PersonIdentity {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('the person hash key must be at least 32 bytes');
  }

  ref(residentId: string): PersonRef {
    return { hash: this.hash(residentId), masked: maskResidentId(residentId) };
  }

  hash(residentId: string): string {
    return createHmac('sha256', this.key).update(residentId.toUpperCase()).digest('hex');
  }
}
