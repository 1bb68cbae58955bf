import { Inject, Injectable, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { FiguresIndex } from '../../../projections/figures/figures-index.js';
import { EVENT_STORE, type EventStore, type Subscription } from '../../event-store/event-store.port.js';
import { LOGGER } from '../../http/logging.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { DomainError } from '../../shared/domain-error.js';
import { RetryLater } from '../../shared/retry-later.js';
import { READ_MODEL_DB } from '../read-model-store.js';
import { nextTurn } from '../../shared/next-turn.js';
import { BuildGoneError, type Build, FigureBuilds, FIGURES_VERSION } from './figure-builds.js';
import { catchUpBuild, rebuildFigures } from './figure-builder.js';
import { FigureProjector } from './figure-projector.js';

/** Segments a load reads between turns of the event loop (a rebuild's segment holds ~8,000 events). */
const SEGMENTS_PER_TURN = 2;

/**
 * The serving build was replaced by a build of another version (a `ledger rebuild` of another
 * release, run while this service was serving): its segments are in a shape this code does not
 * read, so the figures are not served until the service is restarted.
 */
export class FiguresOfAnotherVersionError extends DomainError {
  constructor(version: number) {
    super(
      'FIGURES_VERSION_MISMATCH',
      `the figures were rebuilt by another release (figures version ${version}); this service reads version ${FIGURES_VERSION}: restart the service of the release that rebuilt them, or restart this one to rebuild its own`,
      { version, servedVersion: FIGURES_VERSION },
    );
  }
}

/**
 * How long a query waits for the figures to reach the log's head before answering 503
 * PROJECTION_BEHIND (default `DEFAULT_READ_WAIT_MS`). `Infinity`: no deadline, for a one-shot
 * process (`ledger figures`) that loads a province's figures for each run, often for longer
 * than a service's client should wait, and has no later moment to "try again" in.
 */
export const READ_WAIT_MS = Symbol('ReadWaitMs');
export const DEFAULT_READ_WAIT_MS = 10_000;
/**
 * Whether the figures build the temporal cubes' summary nodes after a load (the default): a
 * one-shot report process (the CLI) provides `false`, and its one query scans the rows instead.
 */
export const FIGURES_SUMMARISED = Symbol('FiguresSummarised');
/** Leaves of summary nodes built per cube between two turns of the event loop (a leaf: ~0.5 ms). */
const LEAVES_PER_TURN = 8;

export interface ServingIndex {
  readonly index: FiguresIndex;
  /** Log position the index reflects. */
  readonly position: string | null;
}

/**
 * Serves the figures from memory and keeps them caught up with the log: loads the current build
 * at start (or builds one), follows the log, and rebuilds beside the serving build when the
 * projection's version changed. Queries see every command answered before they were asked.
 */
@Injectable()
export class FiguresReadModel implements OnApplicationBootstrap {
  private readonly builds: FigureBuilds;
  private serving?: { build: string; index: FiguresIndex; checkpoint: string | null; projector: FigureProjector };
  /** Set when another process promoted a build of another version (see FiguresOfAnotherVersionError). */
  private foreign?: FiguresOfAnotherVersionError;
  private ready?: Promise<void>;
  /** The summary nodes of the serving index being built after its load. */
  private summarising?: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  private subscription?: Subscription;
  private readonly retry = new RetryLater();
  /** Ends the wait between two attempts to open (on stop). */
  private wakeOpen?: () => void;
  private stopped = false;

  constructor(
    @Inject(READ_MODEL_DB) private readonly db: Database.Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(READ_WAIT_MS) private readonly readWaitMs: number = DEFAULT_READ_WAIT_MS,
    @Optional() @Inject(FIGURES_SUMMARISED) private readonly summarised: boolean = true,
  ) {
    this.builds = new FigureBuilds(db);
  }

  onApplicationBootstrap(): void {
    this.ready = this.openUntilOpen();
    this.ready.catch(() => undefined);
  }

  /**
   * Opens the figures, trying again after a failure (the log's store not up yet, the read-model
   * file locked by a rebuild): 1 s, doubling up to 30 s. Meanwhile queries wait for it, up to their
   * deadline (503 PROJECTION_BEHIND), rather than failing until the service is restarted.
   */
  private async openUntilOpen(): Promise<void> {
    for (;;) {
      try {
        await this.open();
        this.retry.succeeded();
        return;
      } catch (error) {
        if (this.stopped) throw error;
        const delay = await new Promise<number | undefined>((resolve) => {
          this.wakeOpen = () => resolve(undefined);
          const ms = this.retry.schedule(() => resolve(ms));
          if (ms === undefined) resolve(undefined);
          this.logger.error(
            { err: { type: (error as Error)?.name, message: (error as Error)?.message }, retryInMs: ms },
            'figures read model failed to open; trying again shortly',
          );
        });
        if (delay === undefined || this.stopped) throw error;
      }
    }
  }

  private async open(): Promise<void> {
    this.builds.dropUnfinished();
    const current = this.builds.current();
    // A build of another version is stored in another shape: it cannot serve, only be replaced.
    if (current?.version === FIGURES_VERSION) await this.loadServing(current);
    else {
      // The old build (if any) keeps serving while the new one is built beside it.
      const started = Date.now();
      const { build, events } = await rebuildFigures(this.db, this.store, () => this.clock.now().toISOString());
      this.logger.info({ build: build.build, events, ms: Date.now() - started }, 'figures read model built');
      await this.loadServing(build);
    }
    this.follow();
  }

  /** Loads a build, or the one that replaced it when another process promotes a new one meanwhile. */
  private async loadServing(build: Build): Promise<void> {
    for (let next: Build | undefined = build; next !== undefined; next = this.builds.current()) {
      if (next.version !== FIGURES_VERSION) {
        // Never read in the wrong shape, and never rebuilt over: the other release's build stays.
        this.foreign = new FiguresOfAnotherVersionError(next.version);
        this.serving = undefined;
        this.logger.error({ build: next.build, version: next.version }, this.foreign.message);
        return;
      }
      try {
        return await this.load(next);
      } catch (error) {
        if (!(error instanceof BuildGoneError)) throw error;
      }
    }
  }

  /**
   * Fills a fresh index from a build's segments, a few at a time, letting the event loop run in
   * between: a province's index takes seconds to load, and commands are answered meanwhile
   * (queries wait for it, as for any catch-up).
   */
  private async load(build: Build): Promise<void> {
    // The rows first, so queries are answered as soon as they are in (from the rows, slower); the
    // summary nodes that make them fast are built after, between turns (on a province: rows ~5 s, nodes ~6 s).
    const index = new FiguresIndex({ deferNodes: true });
    for (const place of this.builds.places(build.build))
      if (place.kind === 'park') index.registerPark(place.id, place.parent);
      else index.registerEnterprise(place.id, place.parent);
    // The build's checkpoint now: segments up to it are there and never change; later ones are caught up after.
    const upTo = Number(build.checkpoint ?? 0);
    index.reserve(this.builds.eventCount(build.build, upTo));
    for (let after = 0; ;) {
      const segments = this.builds.segments(build.build, after, upTo, SEGMENTS_PER_TURN);
      for (const segment of segments) index.addPacked(segment.events);
      if (segments.length < SEGMENTS_PER_TURN) break;
      after = segments[segments.length - 1].lastPosition;
      await nextTurn();
    }
    // What the projector remembers belongs to one build: a fresh one reads streams as it needs them.
    this.serving = { build: build.build, index, checkpoint: build.checkpoint, projector: new FigureProjector() };
    if (this.summarised) this.summarising = this.summarise(index);
  }

  /** Builds the serving index's summary nodes a few at a time, until done, replaced or stopped. */
  private async summarise(index: FiguresIndex): Promise<void> {
    const started = Date.now();
    while (!this.stopped && this.serving?.index === index) {
      if (index.summariseSome(LEAVES_PER_TURN)) {
        this.logger.info({ ms: Date.now() - started }, 'figures summary nodes built');
        return;
      }
      await nextTurn();
    }
  }

  private follow(): void {
    if (this.stopped) return;
    // The subscription only wakes the catch-up, which reads pages itself: events it already applied are passed over.
    const applied = (position: string) => BigInt(position) <= BigInt(this.serving?.checkpoint ?? '0');
    this.subscription = this.store.subscribeToAll(
      (event) => (applied(event.position) ? undefined : this.catchUp().then(() => this.retry.succeeded())),
      {
        after: this.serving?.checkpoint ?? undefined,
        // A dropped subscription, or a catch-up that failed: follow again from the serving checkpoint, later.
        onError: (error) => {
          const delay = this.retry.schedule(() => this.follow());
          this.logger.error(
            { err: { type: (error as Error)?.name, message: (error as Error)?.message }, retryInMs: delay },
            'figures read model stopped following the log; following again shortly',
          );
        },
      },
    );
  }

  /** Applies what the log holds beyond the serving build's checkpoint; callers share one pass. */
  catchUp(): Promise<void> {
    const run = this.queue.then(async () => {
      const serving = this.serving;
      if (!serving) return;
      try {
        await catchUpBuild(this.builds, this.store, serving.build, serving.projector, (events, checkpoint) => {
          for (const e of events) {
            if (e.place?.kind === 'park') serving.index.registerPark(e.place.id, e.place.parent);
            if (e.place?.kind === 'enterprise') serving.index.registerEnterprise(e.place.id, e.place.parent);
            serving.index.add(e.position, e.recordedMs, e.deltas);
          }
          serving.checkpoint = checkpoint;
        });
      } catch (error) {
        // Another process (`ledger rebuild`) promoted a new build: serve that one from now on.
        if (!(error instanceof BuildGoneError)) throw error;
        const current = this.builds.current();
        if (current) await this.loadServing(current);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The index, caught up with every event appended before this call (read-your-writes), or
   * 503 PROJECTION_BEHIND when that takes longer than `waitMs`.
   */
  async current(waitMs = this.readWaitMs): Promise<ServingIndex> {
    if (this.foreign) throw this.foreign;
    const head = await this.store.headPosition();
    const behind = () => head !== undefined && BigInt(this.serving?.checkpoint ?? '0') < BigInt(head);
    // Caught up already, as almost always: no deadline to set (a timer left for every query
    // kept its promise alive for waitMs, and the garbage collector paid for it in the tail).
    if (this.serving && !behind()) return { index: this.serving.index, position: this.serving.checkpoint };
    let timer: NodeJS.Timeout | undefined;
    // No deadline at all for Infinity (a timer would take it for 1 ms).
    const deadline = new Promise<'late'>((resolve) => {
      if (!Number.isFinite(waitMs)) return;
      timer = setTimeout(() => resolve('late'), waitMs);
      timer.unref();
    });
    const caughtUp = (async () => {
      await this.ready;
      while (behind()) {
        const before = this.serving?.checkpoint;
        await this.catchUp();
        if (this.serving?.checkpoint === before) break;
      }
      return 'ok' as const;
    })();
    const outcome = await Promise.race([caughtUp, deadline]);
    clearTimeout(timer);
    if (this.foreign) throw this.foreign;
    if (outcome === 'late' || !this.serving)
      throw new DomainError('PROJECTION_BEHIND', 'the figures are still catching up with the log; try again shortly', {
        head: head ?? null,
        position: this.serving?.checkpoint ?? null,
      });
    return { index: this.serving.index, position: this.serving.checkpoint };
  }

  /**
   * How far the serving build is behind the log, how many events it parked, and how many of its
   * rows still wait for summary nodes (queries scan those: slower, not wrong).
   */
  async health(): Promise<{ lag: number; parked: number; version: number; summaryLag: number }> {
    if (this.foreign) throw this.foreign;
    const head = await this.store.headPosition();
    // While the index loads (or is first built) nothing is served yet: behind by the whole log.
    const lag = Number(BigInt(head ?? '0') - BigInt(this.serving?.checkpoint ?? '0'));
    const summaryLag = this.summarised ? (this.serving?.index.unsummarisedRows ?? 0) : 0;
    return { lag, parked: this.builds.parked(), version: FIGURES_VERSION, summaryLag };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retry.cancel();
    this.wakeOpen?.();
    await this.subscription?.stop();
    await this.ready?.catch(() => undefined);
    await this.queue;
    await this.summarising;
  }
}
