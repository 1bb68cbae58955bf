import { randomBytes } from 'node:crypto';
import { DATA_KEY_BYTES, MemberKeyErasedError, type MemberKeys } from './member-keys.port.js';

/** Keys in a Map, for unit tests. */
export class InMemoryMemberKeys implements MemberKeys {
  private readonly keys = new Map<string, Buffer | 'erased'>();

  async getOrCreate(memberId: string): Promise<Buffer> {
    const key = this.keys.get(memberId);
    if (key === 'erased') throw new MemberKeyErasedError(memberId);
    if (key) return Buffer.from(key);
    const created = randomBytes(DATA_KEY_BYTES);
    this.keys.set(memberId, created);
    return Buffer.from(created);
  }

  async createMany(keys: ReadonlyMap<string, Buffer>): Promise<string[]> {
    const existing = [...keys.keys()].filter((id) => this.keys.has(id));
    for (const [id, key] of keys) if (!this.keys.has(id)) this.keys.set(id, Buffer.from(key));
    return existing;
  }

  async get(memberId: string): Promise<Buffer | 'erased' | undefined> {
    const key = this.keys.get(memberId);
    return key === undefined || key === 'erased' ? key : Buffer.from(key);
  }

  async erase(memberId: string): Promise<void> {
    const key = this.keys.get(memberId);
    if (Buffer.isBuffer(key)) key.fill(0);
    this.keys.set(memberId, 'erased');
  }

  async close(): Promise<void> {}
}
