import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { DomainError } from '../shared/domain-error.js';
import { MemberKeyErasedError, type MemberKeys } from './member-keys.port.js';
import { type MemberNames } from './member-names.js';
import { randomBytesPooled } from './random-pool.js';

/** What a name reads as once the member's key was destroyed. */
export const ERASED_NAME = '[erased]';
/** What a sealed name reads as when it does not open: moved to another member, damaged, or its key lost. */
export const UNREADABLE_NAME = '[unreadable]';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The refusal of a new name for a member whose personal data was erased. */
export const memberErased = (memberId: string): DomainError =>
  new DomainError('MEMBER_ERASED', `the personal data of member ${memberId} was erased; record the person under a new memberId`, {
    memberId,
  });

/** Seals a name under the member's key (what `seal` does once it has the key; bulk import calls it directly). */
export function sealName(key: Buffer, memberId: string, name: string): string {
  const iv = randomBytesPooled(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(memberId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(name, 'utf8'), cipher.final()]);
  return `${PREFIX}${iv.toString('base64')}:${ciphertext.toString('base64')}:${cipher.getAuthTag().toString('base64')}`;
}

/** HMAC under the member's key: without the key (after erasure) a guessed name cannot be tested. */
export function nameDigest(key: Buffer, name: string): string {
  return createHmac('sha256', key).update(name, 'utf8').digest('hex');
}

/**
 * Names sealed with AES-256-GCM under the member's own data key:
 * `enc:v1:<iv>:<ciphertext>:<tag>` (base64, a fresh 12-byte IV each time). The memberId is the
 * associated data, so a sealed name copied onto another member does not open there.
 * Values not in that form are names recorded before encryption, shown as they are.
 */
export class EncryptedMemberNames implements MemberNames {
  constructor(private readonly keys: MemberKeys) {}

  async seal(memberId: string, name: string): Promise<string> {
    return sealName(await this.keyFor(memberId), memberId, name);
  }

  async digest(memberId: string, name: string): Promise<string> {
    return nameDigest(await this.keyFor(memberId), name);
  }

  private async keyFor(memberId: string): Promise<Buffer> {
    try {
      return await this.keys.getOrCreate(memberId);
    } catch (error) {
      if (error instanceof MemberKeyErasedError) throw memberErased(memberId);
      throw error;
    }
  }

  async reveal(memberId: string, sealed: string): Promise<string> {
    if (!sealed.startsWith(PREFIX)) return sealed;
    const key = await this.keys.get(memberId);
    if (key === 'erased') return ERASED_NAME;
    if (key === undefined) return UNREADABLE_NAME;
    const parts = sealed.slice(PREFIX.length).split(':');
    if (parts.length !== 3 || !parts.every((p) => B64.test(p))) return UNREADABLE_NAME;
    const [iv, ciphertext, tag] = parts.map((p) => Buffer.from(p, 'base64'));
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return UNREADABLE_NAME;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(memberId, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // Authentication failed: never a 500, and never the bytes that did not authenticate.
      return UNREADABLE_NAME;
    }
  }
}
