/**
 * Runs something again after a failure: 1 s after the first, doubling with each failure in a
 * row up to 30 s (a file locked for a while, a store that is down), back to 1 s after a success.
 * One retry is pending at a time; the timer never keeps the process alive.
 */
export class RetryLater {
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private cancelled = false;

  constructor(
    private readonly firstMs = 1000,
    private readonly mostMs = 30_000,
  ) {}

  /** Schedules `again` (unless a retry is already pending or this was cancelled); answers the delay. */
  schedule(again: () => void): number | undefined {
    if (this.timer !== undefined || this.cancelled) return undefined;
    const delay = Math.min(this.mostMs, this.firstMs * 2 ** this.failures++);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      again();
    }, delay);
    this.timer.unref();
    return delay;
  }

  succeeded(): void {
    this.failures = 0;
  }

  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
