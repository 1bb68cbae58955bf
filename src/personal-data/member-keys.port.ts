export const MEMBER_KEYS = Symbol('MemberKeys');

/**
 * Each member's data key, kept outside the event log so that it can be destroyed: the log is
 * append-only, the key table is not. Destroying the key makes every name sealed under it
 * unreadable, in the log and in any copy or rebuild of it (crypto-shredding).
 */
export interface MemberKeys {
  /** The member's key, created (32 random bytes) on first use. Refused once the key was erased. */
  getOrCreate(memberId: string): Promise<Buffer>;
  /** The key; `'erased'` once it was destroyed; undefined when the member never had one. */
  get(memberId: string): Promise<Buffer | 'erased' | undefined>;
  /** Destroys the key for good (idempotent; also marks a member that never had a key). */
  erase(memberId: string): Promise<void>;
  /**
   * Optional, for bulk import: stores these new keys in one durable write. Answers the members
   * that had a key (or an erasure) already; nothing is written for them.
   */
  createMany?(keys: ReadonlyMap<string, Buffer>): Promise<string[]>;
  /** Releases the store (called once, on shutdown). */
  close(): Promise<void>;
}

/** getOrCreate on a member whose key was erased: no new key, so no new name, is ever made for them. */
export class MemberKeyErasedError extends Error {
  constructor(readonly memberId: string) {
    super(`the personal data of member ${memberId} was erased`);
    this.name = 'MemberKeyErasedError';
  }
}

export const DATA_KEY_BYTES = 32;
