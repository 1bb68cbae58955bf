import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PackedEvents, type PackedMessage } from '../../../projections/figures/packed-events.js';
import { membersByEnterprise } from '../../../projections/members-by-enterprise/members-by-enterprise.projection.js';
import {
  type TransferRequestFact,
  transferRequests,
} from '../../../projections/transfer-requests/transfer-requests.projection.js';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import { type Build, FigureBuilds, type Segment } from './figure-builds.js';
import {
  type EventDeltas,
  FIGURE_STREAMS,
  FigureProjector,
  type ParkedEvent,
  type Place,
  projectPage,
} from './figure-projector.js';

const PAGE = 2000;
/** Events a share reads per page during a rebuild (and so the size of most segments). */
const SHARE_PAGE = 8000;
/** Events a share reads from the log at a time, within a batch. */
const SHARE_READ_PAGE = 1000;
/** Batches a rebuild worker may run ahead of the writer. */
export const SHARE_BATCHES_AHEAD = 4;
/**
 * Old-generation limit of a share's worker. A share's members' memos live outside the JS heap;
 * what stays on it (organisations' states, the page being projected) is ~25 MiB for half a
 * province of 1.5 million members. 80 MiB keeps a rebuild's peak RSS under 512 MiB there;
 * 64 made it ~20 % slower (more full collections).
 */
export const SHARE_HEAP_MIB = 80;

export interface BuildProgress {
  readonly phase: 'shares' | 'log';
  /** Log position reached. */
  readonly done: number;
  readonly total: number;
  readonly events: number;
}

/** Applies the log after the build's checkpoint, a page per transaction; returns the events read. */
export async function catchUpBuild(
  builds: FigureBuilds,
  store: EventStore,
  build: string,
  projector: FigureProjector,
  onPage?: (applied: readonly EventDeltas[], checkpoint: string) => void,
): Promise<number> {
  const write = builds.writer(build);
  let count = 0;
  for (;;) {
    const checkpoint = builds.get(build)?.checkpoint ?? undefined;
    const page = await store.readAll({ after: checkpoint, maxCount: PAGE });
    if (page.length === 0) return count;
    const projected = await projectPage(projector, page, (stream) => store.readStream(stream));
    const last = page[page.length - 1].position;
    const events = new PackedEvents();
    for (const e of projected.events) if (e.deltas.length > 0) events.add(e.position, e.recordedMs, e.deltas);
    write({
      events,
      places: projected.events.flatMap((e) => (e.place ? [e.place] : [])),
      parked: projected.parked,
      checkpoint: last,
    });
    count += page.length;
    onPage?.(projected.events, last);
  }
}

/** What one share of a rebuild hands the writer: its events up to `through`, in log order. */
export interface ShareBatch {
  /** Every event of the share at or before this position is in this batch or an earlier one. */
  readonly through: number;
  /** Events read. */
  readonly read: number;
  /** Events with deltas, in log order. */
  readonly events: PackedEvents;
  readonly places: Place[];
  readonly parked: ParkedEvent[];
  /** members-by-enterprise rows: [enterpriseId, memberId]. */
  readonly roster: Array<[string, string]>;
  /** The transfer requests' list's rows, when asked for (`RebuildOptions.onTransferFacts`). */
  readonly transferFacts: TransferRequestFact[];
}

/**
 * One share of a rebuild: the figure streams whose names fall in share `share` of `shares`, read
 * in log order up to `upTo` and projected with a projector of its own (shares hold disjoint
 * streams, and an entity's deltas depend on its own stream only). With `transferFacts`, the
 * transfer requests' list's rows of the same events too: the figure streams hold every event it
 * reads (the requests' own streams and the members' `MemberTransferred`).
 */
export async function* projectShare(
  store: EventStore,
  share: number,
  shares: number,
  upTo: number,
  pageSize = SHARE_PAGE,
  transferFacts = false,
): AsyncGenerator<ShareBatch> {
  const projector = new FigureProjector();
  const readStream = (stream: string) => store.readStream(stream);
  let after = 0;
  for (;;) {
    const batch = {
      through: upTo,
      read: 0,
      events: new PackedEvents(),
      places: [],
      parked: [],
      roster: [],
      transferFacts: [],
    } as {
      -readonly [K in keyof ShareBatch]: ShareBatch[K];
    };
    // A batch (one segment) is read in small pages: the events of a page die young, where a
    // whole batch of them would outlive the young generation and be copied by every scavenge.
    for (;;) {
      const wanted = Math.min(SHARE_READ_PAGE, pageSize - batch.read);
      const page = await store.readAllShare!({
        after: String(after),
        upTo: String(upTo),
        maxCount: wanted,
        prefixes: FIGURE_STREAMS,
        share,
        shares,
        // The list stores its events as they are: those come with their whole metadata.
        ...(transferFacts ? { wholeMetadataOf: TRANSFER_TYPES } : {}),
      });
      batch.read += page.length;
      const projected = await projectPage(projector, page, readStream);
      for (const e of projected.events) {
        if (e.place) batch.places.push(e.place);
        if (e.deltas.length > 0) batch.events.add(e.position, e.recordedMs, e.deltas);
      }
      batch.parked.push(...projected.parked);
      for (const event of page) for (const row of rosterRows(event)) batch.roster.push([row.enterpriseId, row.memberId]);
      if (transferFacts)
        for (const event of page)
          if (TRANSFER_TYPES.includes(event.type)) batch.transferFacts.push(...transferRequests.rowsFor(event));
      if (page.length < wanted) break;
      after = Number(page[page.length - 1].position);
      if (batch.read === pageSize) {
        batch.through = after;
        break;
      }
    }
    yield batch;
    if (batch.through >= upTo) return;
  }
}

/** A share's batch as a worker posts it: the packed events' arrays are moved, not copied. */
export type ShareMessage = Omit<ShareBatch, 'events'> & { readonly events: PackedMessage };

export function shareMessage(batch: ShareBatch): { message: ShareMessage; transfer: ArrayBuffer[] } {
  const events = batch.events.toMessage();
  return { message: { ...batch, events }, transfer: [events.events.buffer as ArrayBuffer, events.deltas.buffer as ArrayBuffer] };
}

const TRANSFER_TYPES = transferRequests.types!;

function rosterRows(event: RecordedEvent) {
  try {
    return membersByEnterprise.rowsFor(event);
  } catch {
    return [];
  }
}

/** A share run in a worker thread, as an async iterator of its batches. */
function shareInWorker(
  location: string,
  share: number,
  shares: number,
  upTo: number,
  pageSize: number,
  heapMiB: number,
  transferFacts: boolean,
): AsyncIterator<ShareBatch> {
  // A share keeps little (its entities' memos) but makes much garbage per event: a bounded old
  // generation makes V8 collect it instead of growing, which keeps a rebuild's RSS down.
  const worker = new Worker(WORKER, {
    workerData: { location, share, shares, upTo, pageSize, transferFacts },
    resourceLimits: { maxOldGenerationSizeMb: heapMiB },
  });
  const queue: ShareBatch[] = [];
  let waiting: { resolve: (r: IteratorResult<ShareBatch>) => void; reject: (e: unknown) => void } | undefined;
  let failure: unknown;
  let finished = false;
  const settle = () => {
    if (!waiting) return;
    const w = waiting;
    if (queue.length > 0) {
      waiting = undefined;
      worker.postMessage('more');
      w.resolve({ value: queue.shift()!, done: false });
    } else if (failure !== undefined) {
      waiting = undefined;
      w.reject(failure);
    } else if (finished) {
      waiting = undefined;
      w.resolve({ value: undefined, done: true });
    }
  };
  worker.on('message', (m: { batch?: ShareMessage; error?: string }) => {
    if (m.error !== undefined) failure = new Error(`rebuild share ${share} of ${shares}: ${m.error}`);
    else if (m.batch) {
      queue.push({ ...m.batch, events: PackedEvents.fromMessage(m.batch.events) });
      if (m.batch.through >= upTo) finished = true;
    }
    settle();
  });
  worker.on('error', (error: Error & { code?: string }) => {
    failure =
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? Object.assign(
            new Error(
              `rebuild share ${share} of ${shares} ran out of its ${heapMiB} MiB heap: run it again with a larger --heap-mib`,
            ),
            { code: 'LEDGER_REBUILD_OUT_OF_MEMORY' },
          )
        : error;
    settle();
  });
  worker.on('exit', () => {
    if (!finished && failure === undefined) failure = new Error(`rebuild share ${share} of ${shares} stopped early`);
    settle();
  });
  return {
    next: () =>
      new Promise<IteratorResult<ShareBatch>>((resolve, reject) => {
        waiting = { resolve, reject };
        settle();
      }),
    return: async () => {
      await worker.terminate();
      return { value: undefined, done: true };
    },
  };
}

/** The rebuild worker, beside this module once compiled (under ts-jest there is none: shares then run in this thread). */
const WORKER = new URL('./figures-rebuild.worker.js', import.meta.url);
const workersAvailable = () => existsSync(fileURLToPath(WORKER));

export interface RebuildOptions {
  /** Shares of the log projected side by side (default 2); each runs in a worker thread when the store allows it. */
  readonly shares?: number;
  /** false: run the shares in this thread, interleaved (same result; for tests and small logs). */
  readonly threads?: boolean;
  /** Events a share reads per page (default 8,000); small pages make many segments (for tests). */
  readonly pageSize?: number;
  /** Old-generation limit of each share's worker, MiB (default {@link SHARE_HEAP_MIB}). */
  readonly shareHeapMiB?: number;
  readonly onProgress?: (progress: BuildProgress) => void;
  /** Called with the members-by-enterprise rows of the shares, inside the transaction that writes their segment. */
  readonly onRoster?: (rows: ReadonlyArray<[string, string]>) => void;
  /**
   * Called with the transfer requests' list's rows of the shares, inside the same transaction:
   * given, the shares make them (the list is then built in the same pass as the figures).
   */
  readonly onTransferFacts?: (rows: readonly TransferRequestFact[]) => void;
}

/**
 * Builds the figures from zero beside the serving build and promotes it. From a store that can
 * read the log in shares (the embedded one), the figure streams are split into shares by name,
 * each projected in log order by its own worker thread, and the writer merges their segments in
 * log order; elsewhere the build follows the log. Either way it then catches up with events
 * appended meanwhile.
 */
export async function rebuildFigures(
  db: Database.Database,
  store: EventStore,
  now: () => string,
  options: RebuildOptions = {},
): Promise<{ build: Build; events: number; sharedUpTo?: string }> {
  const onProgress = options.onProgress ?? (() => undefined);
  const builds = new FigureBuilds(db);
  const id = `v${Date.now().toString(36)}${process.pid.toString(36)}`;
  builds.start(id, now());
  const head = Number((await store.headPosition()) ?? 0);
  let events = 0;
  let sharedUpTo: string | undefined;
  if (head > 0 && store.readAllShare) {
    const shares = Math.max(1, options.shares ?? 2);
    const threads = (options.threads ?? true) && store.location !== undefined && workersAvailable();
    const { onRoster: roster, onTransferFacts: transferFacts } = options;
    const sources = Array.from({ length: shares }, (_, share) =>
      threads
        ? shareInWorker(
            store.location!,
            share,
            shares,
            head,
            options.pageSize ?? SHARE_PAGE,
            options.shareHeapMiB ?? SHARE_HEAP_MIB,
            transferFacts !== undefined,
          )
        : projectShare(store, share, shares, head, options.pageSize, transferFacts !== undefined),
    );
    try {
      const writeSegment = builds.writer(id);
      const write =
        roster || transferFacts
          ? db.transaction((segment: Segment, rows: ShareRows) => {
              roster?.(rows.roster);
              transferFacts?.(rows.transferFacts);
              writeSegment(segment);
            })
          : writeSegment;
      events = await mergeShares(write, sources, head, (done, read) =>
        onProgress({ phase: 'shares', done, total: head, events: read }),
      );
      sharedUpTo = String(head);
    } finally {
      await Promise.all(sources.map((s) => s.return?.()));
    }
  }
  const projector = new FigureProjector();
  let total = head;
  events += await catchUpBuild(builds, store, id, projector, (_, checkpoint) => {
    total = Math.max(total, Number(checkpoint));
    onProgress({ phase: 'log', done: Number(checkpoint), total, events });
  });
  builds.promote(id, now());
  return { build: builds.get(id)!, events, sharedUpTo };
}

/** The rows of other read models a merge of the shares' batches hands on with their segment. */
type ShareRows = Pick<ShareBatch, 'roster' | 'transferFacts'>;

/**
 * Writes the shares' batches as segments in log order: whatever every share has passed (the
 * lowest `through`) is merged by position and written with that position as checkpoint.
 */

async function mergeShares(
  write: (segment: Segment, rows: ShareRows) => void,
  sources: ReadonlyArray<AsyncIterator<ShareBatch>>,
  upTo: number,
  onProgress: (done: number, read: number) => void,
): Promise<number> {
  // Each share's batches not yet written in full, the first from its `next` event on.
  const pending = sources.map(() => ({ through: 0, packs: [] as PackedEvents[], next: 0 }));
  let read = 0;
  let frontier = 0;
  while (frontier < upTo) {
    const places: Place[] = [];
    const parked: ParkedEvent[] = [];
    const roster: Array<[string, string]> = [];
    const transferFacts: TransferRequestFact[] = [];
    // Pull from every share that is not ahead of the others.
    for (let s = 0; s < sources.length; s++) {
      if (pending[s].through > frontier) continue;
      const next = await sources[s].next();
      if (next.done) throw new Error(`rebuild share ${s} ended before position ${upTo}`);
      const b = next.value;
      pending[s].through = b.through;
      if (b.events.length > 0) pending[s].packs.push(b.events);
      places.push(...b.places);
      parked.push(...b.parked);
      roster.push(...b.roster);
      transferFacts.push(...b.transferFacts);
      read += b.read;
    }
    frontier = Math.min(...pending.map((p) => p.through));
    const events = new PackedEvents();
    const head = (p: (typeof pending)[number]) => (p.packs.length > 0 ? p.packs[0].position(p.next) : Infinity);
    for (;;) {
      let pick = -1;
      for (let s = 0; s < pending.length; s++)
        if (head(pending[s]) <= frontier && (pick < 0 || head(pending[s]) < head(pending[pick]))) pick = s;
      if (pick < 0) break;
      const p = pending[pick];
      events.copy(p.packs[0], p.next++);
      if (p.next === p.packs[0].length) {
        p.packs.shift();
        p.next = 0;
      }
    }
    parked.sort((a, b) => Number(a.position) - Number(b.position));
    write({ events, places, parked, checkpoint: String(frontier) }, { roster, transferFacts });
    onProgress(frontier, read);
  }
  return read;
}
