import type Database from 'better-sqlite3';
import type { EventStore } from '../../event-store/event-store.port.js';
import { type Build, type EventDeltas, FigureBuilds, type ParkedEvent } from './figure-builds.js';
import { FIGURE_STREAMS, projectPage, projectStream } from './figure-projector.js';

const PAGE = 2000;
const CHUNK = 20_000;

export interface BuildProgress {
  readonly phase: 'streams' | 'log';
  readonly done: number;
  readonly total: number;
}

/** Applies the log after the build's checkpoint, a page per transaction; returns the events applied. */
export async function catchUpBuild(
  builds: FigureBuilds,
  store: EventStore,
  build: string,
  onPage?: (applied: readonly EventDeltas[], checkpoint: string) => void,
): Promise<number> {
  const write = builds.writer(build);
  let count = 0;
  for (;;) {
    const checkpoint = builds.get(build)?.checkpoint ?? undefined;
    const page = await store.readAll({ after: checkpoint, maxCount: PAGE });
    if (page.length === 0) return count;
    const projected = await projectPage(store, page);
    const last = page[page.length - 1].position;
    write(projected.events, last, projected.parked);
    count += page.length;
    onPage?.(projected.events, last);
  }
}

/**
 * Builds the figures from zero beside the serving build and promotes it. From the embedded store
 * it reads whole streams (one entity in memory at a time); elsewhere it follows the log.
 */
export async function rebuildFigures(
  db: Database.Database,
  store: EventStore,
  now: () => string,
  onProgress: (progress: BuildProgress) => void = () => undefined,
): Promise<{ build: Build; events: number }> {
  const builds = new FigureBuilds(db);
  const id = `v${Date.now().toString(36)}${process.pid.toString(36)}`;
  builds.start(id, now());
  const head = await store.headPosition();
  let events = 0;
  if (head !== undefined && store.readStreamsUpTo && store.countStreamEventsUpTo) {
    const total = await store.countStreamEventsUpTo(head, FIGURE_STREAMS);
    const write = builds.stagingWriter(id);
    let chunk: EventDeltas[] = [];
    let parked: ParkedEvent[] = [];
    const flush = () => {
      write(chunk, parked);
      chunk = [];
      parked = [];
    };
    await store.readStreamsUpTo(head, FIGURE_STREAMS, (stream) => {
      const projected = projectStream(stream);
      chunk.push(...projected.events);
      parked.push(...projected.parked);
      events += stream.length;
      if (chunk.length >= CHUNK) {
        flush();
        onProgress({ phase: 'streams', done: events, total });
      }
    });
    flush();
    builds.unstage(id, head);
    onProgress({ phase: 'streams', done: events, total });
  }
  const total = Number(head ?? 0);
  events += await catchUpBuild(builds, store, id, (_, checkpoint) =>
    onProgress({ phase: 'log', done: Number(checkpoint), total }),
  );
  builds.promote(id, now());
  return { build: builds.get(id)!, events };
}
