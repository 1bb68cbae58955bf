export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/**
 * Group commit: the writes asked for in the same turn of the event loop run in one transaction,
 * so they share one fsync. Each write runs in its own savepoint: one that throws (a revision
 * conflict) rolls back alone and fails alone; the others commit. Every caller is answered only
 * after the commit (and its sync, when the file syncs apart: WalSync), so what it was told is durable.
 */
export class GroupCommit {
  private pending: Array<{ work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    /** Runs the works in one transaction, each in a savepoint, and says how each ended. */
    private readonly runAll: (works: ReadonlyArray<() => unknown>) => Outcome[],
    /** After each commit (to wake the log's followers). */
    private readonly afterCommit: () => void = () => {},
    /** Makes the commit durable before anyone hears of it (see WalSync); none when the commit already is. */
    private readonly makeDurable?: () => Promise<void>,
  ) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs what is pending now (also called before the database closes). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.runAll(batch.map((p) => p.work));
    } catch (error) {
      // The transaction itself failed (busy, disk): nothing of it was written.
      for (const p of batch) p.reject(error);
      return;
    }
    const answer = () => {
      this.afterCommit();
      outcomes.forEach((o, i) => (o.ok ? batch[i].resolve(o.value) : batch[i].reject(o.error)));
    };
    if (this.makeDurable === undefined) return answer();
    // A failed sync leaves it unknown whether the commit will survive a crash: nobody is told it did.
    this.makeDurable().then(answer, (error: unknown) => {
      for (const p of batch) p.reject(error);
    });
  }
}
