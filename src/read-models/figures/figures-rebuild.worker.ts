import { parentPort, workerData } from 'node:worker_threads';
import { openEventStoreAt } from '../../event-store/event-store-at.js';
import { systemClock } from '../../shared/clock.js';
import { projectShare, SHARE_BATCHES_AHEAD, shareMessage } from './figure-builder.js';

/** What rebuildFigures hands each worker: where the log is, which share, up to where. */
interface ShareJob {
  readonly location: string;
  readonly share: number;
  readonly shares: number;
  readonly upTo: number;
  readonly pageSize: number;
  readonly transferFacts: boolean;
}

/** One share of a rebuild in its own thread: batches go to the writer, at most SHARE_BATCHES_AHEAD ahead of it. */
async function run(job: ShareJob): Promise<void> {
  const port = parentPort!;
  const store = openEventStoreAt(job.location, systemClock);
  let credit = SHARE_BATCHES_AHEAD;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    credit++;
    wake?.();
  });
  try {
    for await (const batch of projectShare(store, job.share, job.shares, job.upTo, job.pageSize, job.transferFacts)) {
      while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
      credit--;
      const { message, transfer } = shareMessage(batch);
      port.postMessage({ batch: message }, transfer);
    }
  } finally {
    await store.close();
  }
  port.close();
}

run(workerData as ShareJob).catch((error: unknown) => {
  parentPort!.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
});
