import { randomUUID } from 'node:crypto';
import { MemberKeyErasedError, type MemberKeys } from '../../src/personal-data/member-keys.port.js';

/**
 * What every member key store must do (SQLite, in-memory, EventStoreDB), so that erasure means
 * the same whichever store runs. `skip` registers the tests as skipped, by name.
 */
export function describeMemberKeysContract(
  name: string,
  create: () => Promise<MemberKeys>,
  options: { skip?: boolean } = {},
): void {
  (options.skip ? describe.skip : describe)(name, () => {
    let keys: MemberKeys;
    // Unique ids: an EventStoreDB server is shared between runs.
    const member = () => `m-${randomUUID()}`;

    beforeEach(async () => {
      keys = await create();
    });
    afterEach(async () => {
      await keys.close();
    });

    it('given no key yet, when it is asked for, then there is none', async () => {
      expect(await keys.get(member())).toBeUndefined();
    });

    it('given a member, when its key is created and asked for again, then it is the same 32 random bytes', async () => {
      const id = member();
      const key = await keys.getOrCreate(id);
      expect(key).toHaveLength(32);
      expect(await keys.getOrCreate(id)).toEqual(key);
      expect(await keys.get(id)).toEqual(key);
      expect(await keys.getOrCreate(member())).not.toEqual(key);
    });

    it('given many callers at once, when they all ask for a new member key, then they all get one and the same key', async () => {
      const id = member();
      const all = await Promise.all(Array.from({ length: 10 }, () => keys.getOrCreate(id)));
      for (const key of all) expect(key).toEqual(all[0]);
    });

    it('given a key, when it is erased, then it reads as erased and no new key can ever be made for that member', async () => {
      const id = member();
      await keys.getOrCreate(id);
      await keys.erase(id);
      expect(await keys.get(id)).toBe('erased');
      await expect(keys.getOrCreate(id)).rejects.toBeInstanceOf(MemberKeyErasedError);
      await keys.erase(id);
      expect(await keys.get(id)).toBe('erased');
    });

    it('given a member that never had a key, when erased, then it reads as erased too', async () => {
      const id = member();
      await keys.erase(id);
      expect(await keys.get(id)).toBe('erased');
      await expect(keys.getOrCreate(id)).rejects.toBeInstanceOf(MemberKeyErasedError);
    });

    it('given two members, when one is erased, then the other keeps its key', async () => {
      const [a, b] = [member(), member()];
      await keys.getOrCreate(a);
      const kept = await keys.getOrCreate(b);
      await keys.erase(a);
      expect(await keys.get(b)).toEqual(kept);
    });

    it('given new and existing members, when keys are created in bulk (import), then only the new ones are written and the others are named', async () => {
      if (!keys.createMany) return void expect(keys.createMany).toBeUndefined();
      const [kept, erased, fresh] = [member(), member(), member()];
      const keptKey = await keys.getOrCreate(kept);
      await keys.erase(erased);
      const freshKey = Buffer.alloc(32, 9);

      const existing = await keys.createMany(new Map([kept, erased, fresh].map((id) => [id, freshKey])));

      expect(existing.sort()).toEqual([kept, erased].sort());
      expect(await keys.get(kept)).toEqual(keptKey);
      expect(await keys.get(erased)).toBe('erased');
      expect(await keys.get(fresh)).toEqual(freshKey);
    });
  });
}
