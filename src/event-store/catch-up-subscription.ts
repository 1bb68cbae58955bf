import { type EventHandler, type RecordedEvent, type SubscribeOptions, type Subscription } from './event-store.port.js';

/**
 * Catch-up subscription over a store that can read its log in pages and signal new appends:
 * reads from the checkpoint to the end, then waits for the next append, until stopped.
 */
export function catchUpSubscription(
  readAfter: (after: string | undefined, maxCount: number) => Promise<RecordedEvent[]>,
  nextAppend: () => { promise: Promise<void>; cancel: () => void },
  handler: EventHandler,
  options: SubscribeOptions = {},
): Subscription {
  let stopped = false;
  let cancelWait: (() => void) | undefined;
  const loop = (async () => {
    let checkpoint = options.after;
    while (!stopped) {
      const waiter = nextAppend();
      cancelWait = waiter.cancel;
      const page = await readAfter(checkpoint, 500);
      for (const event of page) {
        if (stopped) break;
        await handler(event);
        checkpoint = event.position;
      }
      if (page.length === 0 && !stopped) await waiter.promise;
      else waiter.cancel();
    }
  })().catch((error: unknown) => {
    stopped = true;
    options.onError?.(error);
  });
  return {
    async stop() {
      stopped = true;
      cancelWait?.();
      await loop;
    },
  };
}

/** A signal that resolves every waiter on the next append. */
export class AppendSignal {
  private waiters = new Set<() => void>();

  /** Resolves on the next append, or after `timeoutMs` when given (appends the signal cannot see). */
  next(timeoutMs?: number): { promise: Promise<void>; cancel: () => void } {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => cancel(), timeoutMs);
    timer?.unref();
    const cancel = () => {
      if (timer !== undefined) clearTimeout(timer);
      this.waiters.delete(resolve);
      resolve();
    };
    this.waiters.add(resolve);
    return { promise, cancel };
  }

  notify(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const w of waiting) w();
  }
}
