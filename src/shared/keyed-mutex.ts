/**
 * In-process locks by key, so that commands touching the same member, person or enterprise run
 * one after the other inside this process; stream revisions guard across processes.
 * Callers take keys in one global order (see `lockKeys`) so two commands never wait on each other.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(keys: readonly string[]): Promise<() => void> {
    const releases: Array<() => void> = [];
    for (const key of [...new Set(keys)]) releases.push(await this.acquireOne(key));
    return () => releases.reverse().forEach((r) => r());
  }

  private async acquireOne(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

const LOCK_ORDER = ['transfer', 'member', 'person', 'enterprise', 'park'] as const;
export type LockKind = (typeof LOCK_ORDER)[number];

/** Lock keys sorted by kind (transfer < member < person < enterprise < park), then by id. */
export function lockKeys(...keys: ReadonlyArray<[LockKind, string]>): string[] {
  return [...keys]
    .sort(([ka, ia], [kb, ib]) => LOCK_ORDER.indexOf(ka) - LOCK_ORDER.indexOf(kb) || (ia < ib ? -1 : ia > ib ? 1 : 0))
    .map(([k, id]) => `${k}:${id}`);
}
