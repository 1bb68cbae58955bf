import { createHash } from 'node:crypto';

export const MEMBER_NAMES = Symbol('MemberNames');

/**
 * The one seam a member's name passes through on its way into and out of the log. The service
 * binds it to `EncryptedMemberNames` (encrypted-member-names.ts): per-member keys, erasable.
 */
export interface MemberNames {
  seal(memberId: string, name: string): Promise<string>;
  reveal(memberId: string, sealed: string): Promise<string>;
  /** A digest of the name that dies with the member's key: what command fingerprints use. */
  digest(memberId: string, name: string): Promise<string>;
}

/** Keeps names as given: for tests that are not about personal data. */
export const plainMemberNames: MemberNames = {
  seal: async (_memberId, name) => name,
  reveal: async (_memberId, sealed) => sealed,
  digest: async (_memberId, name) => createHash('sha256').update(name).digest('hex'),
};
