import { randomUUID } from 'node:crypto';
import { type Clock } from '../../src/shared/clock.js';
import {
  CommandIdTakenError,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '../../src/event-store/event-store.port.js';

export interface ContractOptions {
  /** Register every test as skipped (jest lists them by name). */
  readonly skip?: boolean;
  /**
   * The log belongs to a server other runs also write to: it is not empty at the start and
   * foreign events may interleave, so assertions look at this run's streams only.
   */
  readonly sharedLog?: boolean;
  readonly timeoutMs?: number;
}

/** A clock the test moves by hand. */
export class PinnedClock implements Clock {
  constructor(private instant: Date) {}
  now(): Date {
    return new Date(this.instant);
  }
  set(iso: string): void {
    this.instant = new Date(iso);
  }
}

/** Collects delivered events; `until(n)` resolves once n have arrived, rejects on onError. */
class Delivery {
  readonly events: RecordedEvent[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private waiters: { count: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private failure: unknown;

  constructor(private readonly accept: (event: RecordedEvent) => boolean) {}

  readonly handler = async (event: RecordedEvent): Promise<void> => {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    // Yield a few turns so an adapter that does not await the handler would overlap calls.
    for (let i = 0; i < 3; i += 1) await Promise.resolve();
    this.inFlight -= 1;
    if (!this.accept(event)) return;
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => (this.events.length >= w.count ? (w.resolve(), false) : true));
  };

  readonly onError = (error: unknown): void => {
    this.failure = error ?? new Error('subscription failed');
    for (const w of this.waiters) w.reject(this.failure);
    this.waiters = [];
  };

  until(count: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ count, resolve, reject }));
  }
}

const big = (position: string): bigint => BigInt(position);

function expectIncreasing(positions: readonly string[]): void {
  for (let i = 1; i < positions.length; i += 1) expect(big(positions[i])).toBeGreaterThan(big(positions[i - 1]));
}

async function conflictOf(promise: Promise<unknown>): Promise<WrongExpectedRevisionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  return error as WrongExpectedRevisionError;
}

/**
 * The behaviour every EventStore adapter owes the ledger. `create` gets a pinned clock and
 * returns a ready store; the suite closes it after each test, then calls `cleanup`.
 */
export function describeEventStoreContract(
  name: string,
  create: (clock: Clock) => Promise<EventStore>,
  cleanup?: () => Promise<void> | void,
  options: ContractOptions = {},
): void {
  const run = randomUUID().slice(0, 8);
  const shared = options.sharedLog === true;
  const timeout = options.timeoutMs;
  const it_ = (title: string, fn: () => Promise<void>) => it(title, fn, timeout);

  (options.skip ? describe.skip : describe)(name, () => {
    let clock: PinnedClock;
    let store: EventStore;
    /** Head of the log before the test: this test's events all come after it. */
    let start: string | undefined;
    let streams: Set<string>;
    let counter = 0;

    const stream = (label: string): string => {
      counter += 1;
      const s = `member-${run}-${counter}-${label}`;
      streams.add(s);
      return s;
    };
    const own = (events: readonly RecordedEvent[]) => events.filter((e) => streams.has(e.streamName));
    const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
      id: randomUUID(),
      type,
      data,
      metadata: { actor: 'clerk-7', correlationId: `corr-${run}`, commandId: `cmd-${randomUUID()}` },
    });
    const ownLog = async (): Promise<RecordedEvent[]> => own(await store.readAll({ after: start, maxCount: 100_000 }));

    beforeEach(async () => {
      clock = new PinnedClock(new Date('2025-03-01T09:00:00.000Z'));
      streams = new Set();
      store = await create(clock);
      start = await store.headPosition();
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    describe('appendToStream and readStream', () => {
      it_(
        'given a new stream, when events are appended with no_stream, then reading it returns them as appended, stamped and numbered',
        async () => {
          const s = stream('joined');
          const events = [
            event('MemberJoined', { memberId: 'm1', effectiveDate: '2025-02-27' }),
            event('MemberCategoryChanged', { category: 'migrant', nested: { list: [1, 2, 3] } }),
            event('MemberTransferred', { toParkId: 'p-2' }),
          ];

          const result = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
          const read = await store.readStream(s);

          expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
          expect(read.map((e) => e.type)).toEqual(events.map((e) => e.type));
          expect(read.map((e) => e.data)).toEqual(events.map((e) => e.data));
          expect(read.map((e) => e.metadata)).toEqual(
            events.map((e) => ({ ...e.metadata, recordedAt: '2025-03-01T09:00:00.000Z' })),
          );
          expect(read.map((e) => e.streamName)).toEqual([s, s, s]);
          expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
          expectIncreasing(read.map((e) => e.position));
          expect(result).toEqual({
            streamRevision: 2,
            position: read[2].position,
            recordedAt: '2025-03-01T09:00:00.000Z',
            eventIds: events.map((e) => e.id),
          });
        },
      );

      it_('given a stream, when events are appended at its last revision, then revisions and positions continue', async () => {
        const s = stream('continued');
        const first = await store.appendToStream(s, [event('MemberJoined')], { expectedRevision: 'no_stream' });
        clock.set('2025-03-01T10:00:00.000Z');

        const second = await store.appendToStream(s, [event('MemberLeft'), event('EntryVoided')], {
          expectedRevision: first.streamRevision,
        });

        expect(second.streamRevision).toBe(2);
        expect(big(second.position)).toBeGreaterThan(big(first.position));
        const read = await store.readStream(s);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(read.map((e) => e.metadata.recordedAt)).toEqual([
          '2025-03-01T09:00:00.000Z',
          '2025-03-01T10:00:00.000Z',
          '2025-03-01T10:00:00.000Z',
        ]);
      });

      it_('given no stream of that name, when it is read, then it is empty', async () => {
        expect(await store.readStream(stream('never-written'))).toEqual([]);
      });

      it_('given an empty batch, when it is appended, then it is refused and the stream stays missing', async () => {
        const s = stream('empty');
        await expect(store.appendToStream(s, [], { expectedRevision: 'no_stream' })).rejects.toThrow();
        expect(await store.readStream(s)).toEqual([]);
      });
    });

    describe('optimistic concurrency', () => {
      it_(
        'given a stream at revision 1, when appending with expected revision 0, then WrongExpectedRevisionError and nothing is appended',
        async () => {
          const s = stream('stale');
          await store.appendToStream(s, [event('MemberJoined'), event('MemberLeft')], { expectedRevision: 'no_stream' });
          const before = await ownLog();

          const error = await conflictOf(store.appendToStream(s, [event('MemberRejoined')], { expectedRevision: 0 }));

          expect(error).toMatchObject({ stream: s, expected: 0, actual: 1 });
          expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0, 1]);
          expect(await ownLog()).toEqual(before);
        },
      );

      it_(
        'given an existing stream, when appending with no_stream, then WrongExpectedRevisionError with its revision',
        async () => {
          const s = stream('exists');
          await store.appendToStream(s, [event('MemberJoined')], { expectedRevision: 'no_stream' });

          const error = await conflictOf(store.appendToStream(s, [event('MemberJoined')], { expectedRevision: 'no_stream' }));

          expect(error).toMatchObject({ stream: s, expected: 'no_stream', actual: 0 });
          expect(await store.readStream(s)).toHaveLength(1);
        },
      );

      it_(
        'given a missing stream, when appending with a revision number, then WrongExpectedRevisionError with no_stream and nothing is written',
        async () => {
          const s = stream('missing');

          const error = await conflictOf(store.appendToStream(s, [event('MemberJoined')], { expectedRevision: 0 }));

          expect(error).toMatchObject({ stream: s, expected: 0, actual: 'no_stream' });
          expect(await store.readStream(s)).toEqual([]);
          expect(await ownLog()).toEqual([]);
        },
      );

      it_(
        'given a stream at revision 0, when 50 appends race with expected revision 0, then exactly one succeeds and 49 conflict',
        async () => {
          const s = stream('race');
          await store.appendToStream(s, [event('MemberJoined')], { expectedRevision: 'no_stream' });
          const contenders = Array.from({ length: 50 }, (_, i) => event('MemberTransferred', { attempt: i }));

          const outcomes = await Promise.allSettled(contenders.map((e) => store.appendToStream(s, [e], { expectedRevision: 0 })));

          const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
          const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
          expect(won).toHaveLength(1);
          expect(lost).toHaveLength(49);
          for (const reason of lost) {
            expect(reason).toBeInstanceOf(WrongExpectedRevisionError);
            expect(reason).toMatchObject({ stream: s, expected: 0, actual: 1 });
          }
          const read = await store.readStream(s);
          expect(read.map((e) => e.id)).toEqual([read[0].id, contenders[won[0]].id]);
        },
      );

      it_(
        'given appends to other streams asked for at the same moment as a conflicting one, then the conflict fails alone and the others are stored',
        async () => {
          const busy = stream('busy');
          await store.appendToStream(busy, [event('MemberJoined')], { expectedRevision: 'no_stream' });
          const others = [stream('calm-1'), stream('calm-2')];

          const outcomes = await Promise.allSettled([
            store.appendToStream(others[0], [event('MemberJoined')], { expectedRevision: 'no_stream' }),
            store.appendToStream(busy, [event('MemberLeft')], { expectedRevision: 'no_stream' }),
            store.appendToStream(others[1], [event('MemberJoined')], { expectedRevision: 'no_stream' }),
          ]);

          expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
          expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
          for (const s of others) expect(await store.readStream(s)).toHaveLength(1);
          expect(await store.readStream(busy)).toHaveLength(1);
        },
      );
    });

    describe('idempotent retries', () => {
      it_(
        'given events appended, when the same ids are appended again at the same expected revision, then the original result comes back and nothing is written',
        async () => {
          const s = stream('retried');
          await store.appendToStream(s, [event('MemberJoined')], { expectedRevision: 'no_stream' });
          const batch = [event('MemberTransferred'), event('MemberCategoryChanged')];
          const original = await store.appendToStream(s, batch, { expectedRevision: 0 });
          const logBefore = await ownLog();
          clock.set('2025-03-02T12:00:00.000Z');

          const { alreadyStored, ...retried } = await store.appendToStream(s, batch, { expectedRevision: 0 });

          expect(retried).toEqual(original);
          // The adapters that can tell say nothing was written (EventStoreDB's idempotent append does not tell).
          expect([true, undefined]).toContain(alreadyStored);
          expect(original.alreadyStored).toBeUndefined();
          expect(await store.readStream(s)).toHaveLength(3);
          expect(await ownLog()).toEqual(logBefore);
        },
      );

      it_(
        'given the stream moved on after an append, when that append is retried, then the original result comes back',
        async () => {
          const s = stream('moved-on');
          const batch = [event('MemberJoined')];
          const original = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
          await store.appendToStream(s, [event('MemberLeft')], { expectedRevision: 0 });
          clock.set('2025-03-02T12:00:00.000Z');

          const { alreadyStored, ...retried } = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });

          expect(retried).toEqual(original);
          expect([true, undefined]).toContain(alreadyStored);
          expect(await store.readStream(s)).toHaveLength(2);
        },
      );

      it_(
        'given events stored, when the same ids are appended at a different, stale expected revision, then it is a conflict',
        async () => {
          const s = stream('misplaced');
          const [a, b, c] = [event('MemberJoined'), event('MemberTransferred'), event('MemberLeft')];
          await store.appendToStream(s, [a, b], { expectedRevision: 'no_stream' });
          await store.appendToStream(s, [c], { expectedRevision: 1 });

          expect(await conflictOf(store.appendToStream(s, [a, b], { expectedRevision: 0 }))).toMatchObject({ actual: 2 });
          expect(await conflictOf(store.appendToStream(s, [c], { expectedRevision: 'no_stream' }))).toMatchObject({
            actual: 2,
          });
          expect(await store.readStream(s)).toHaveLength(3);
        },
      );
    });

    describe('global log', () => {
      it_(
        'given appends to several streams, when reading all, then events come in append order with increasing positions',
        async () => {
          const [s1, s2, s3] = [stream('a'), stream('b'), stream('c')];
          const results = [
            await store.appendToStream(s1, [event('MemberJoined')], { expectedRevision: 'no_stream' }),
            await store.appendToStream(s2, [event('MemberJoined'), event('MemberLeft')], { expectedRevision: 'no_stream' }),
            await store.appendToStream(s1, [event('MemberLeft')], { expectedRevision: 0 }),
            await store.appendToStream(s3, [event('MemberJoined')], { expectedRevision: 'no_stream' }),
          ];

          const log = await ownLog();

          expect(log.map((e) => [e.streamName, e.revision])).toEqual([
            [s1, 0],
            [s2, 0],
            [s2, 1],
            [s1, 1],
            [s3, 0],
          ]);
          expectIncreasing(log.map((e) => e.position));
          expect(results.map((r) => r.position)).toEqual([log[0], log[2], log[3], log[4]].map((e) => e.position));
          const perStream = [...(await store.readStream(s1)), ...(await store.readStream(s2))];
          expect(perStream.map((e) => e.position).sort()).toEqual(
            log
              .filter((e) => e.streamName !== s3)
              .map((e) => e.position)
              .sort(),
          );
        },
      );

      it_(
        'given events in the log, when reading after a position with maxCount, then only later events come, at most maxCount at a time',
        async () => {
          const s1 = stream('paged-1');
          const s2 = stream('paged-2');
          await store.appendToStream(s1, [event('E0'), event('E1')], { expectedRevision: 'no_stream' });
          await store.appendToStream(s2, [event('E2')], { expectedRevision: 'no_stream' });
          await store.appendToStream(s1, [event('E3'), event('E4')], { expectedRevision: 1 });
          const all = await ownLog();
          expect(all.map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);

          const page = await store.readAll({ after: all[1].position, maxCount: 2 });
          expect(page).toHaveLength(2);
          for (const e of page) expect(big(e.position)).toBeGreaterThan(big(all[1].position));
          expect(own(page)).toEqual(all.slice(2, 2 + own(page).length));
          if (!shared) expect(page).toEqual(all.slice(2, 4));

          const paged: RecordedEvent[] = [];
          let after = start;
          for (;;) {
            const next = await store.readAll({ after, maxCount: 2 });
            expect(next.length).toBeLessThanOrEqual(2);
            paged.push(...own(next));
            if (next.length === 0 || paged.at(-1)?.id === all[4].id) break;
            after = next[next.length - 1].position;
          }
          expect(paged).toEqual(all);
          expect(await store.readAll({ after: all[4].position, maxCount: 10 }).then(own)).toEqual([]);
        },
      );

      (shared ? it.skip : it)(
        'given a fresh store, when asking for the head position, then there is none',
        async () => {
          expect(await store.headPosition()).toBeUndefined();
          expect(await store.readAll({ maxCount: 10 })).toEqual([]);
        },
        timeout,
      );

      it_('given appends, when asking for the head position, then it is the last appended position', async () => {
        await store.appendToStream(stream('head-1'), [event('MemberJoined')], { expectedRevision: 'no_stream' });
        const last = await store.appendToStream(stream('head-2'), [event('MemberJoined')], {
          expectedRevision: 'no_stream',
        });

        const head = await store.headPosition();

        expect(head).toBeDefined();
        if (shared) expect(big(head!)).toBeGreaterThanOrEqual(big(last.position));
        else expect(head).toBe(last.position);
      });
    });

    describe('subscribeToAll', () => {
      it_(
        'given events in the log, when subscribing from the start, then they arrive in order one at a time, followed by live appends, until stopped',
        async () => {
          const s = stream('sub-start');
          await store.appendToStream(s, [event('E0'), event('E1')], { expectedRevision: 'no_stream' });
          const delivery = new Delivery((e) => streams.has(e.streamName));

          const subscription = store.subscribeToAll(delivery.handler, { after: start, onError: delivery.onError });
          await delivery.until(2);
          await store.appendToStream(s, [event('E2')], { expectedRevision: 1 });
          await store.appendToStream(stream('sub-other'), [event('E3')], { expectedRevision: 'no_stream' });
          await delivery.until(4);
          await subscription.stop();

          expect(delivery.events.map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3']);
          expect(delivery.events).toEqual(await ownLog());
          expect(delivery.maxInFlight).toBe(1);

          const last = delivery.events[3].position;
          await store.appendToStream(s, [event('E4')], { expectedRevision: 2 });
          // A second subscription seeing E4 shows it was delivered; the stopped one must not get it.
          const witness = new Delivery((e) => streams.has(e.streamName));
          const witnessing = store.subscribeToAll(witness.handler, { after: last, onError: witness.onError });
          await witness.until(1);
          await witnessing.stop();
          expect(witness.events.map((e) => e.type)).toEqual(['E4']);
          expect(delivery.events).toHaveLength(4);
        },
      );

      it_(
        'given a checkpoint, when subscribing after it, then exactly the later events arrive in order, then live ones',
        async () => {
          const s = stream('sub-checkpoint');
          await store.appendToStream(s, [event('E0'), event('E1'), event('E2')], { expectedRevision: 'no_stream' });
          const [checkpoint] = await ownLog();
          const delivery = new Delivery((e) => streams.has(e.streamName));

          const subscription = store.subscribeToAll(delivery.handler, {
            after: checkpoint.position,
            onError: delivery.onError,
          });
          await delivery.until(2);
          await store.appendToStream(s, [event('E3')], { expectedRevision: 2 });
          await delivery.until(3);
          await subscription.stop();

          expect(delivery.events.map((e) => e.type)).toEqual(['E1', 'E2', 'E3']);
          expect(new Set(delivery.events.map((e) => e.id)).size).toBe(3);
          expectIncreasing([checkpoint.position, ...delivery.events.map((e) => e.position)]);
        },
      );

      it_('given a handler that fails, when an event arrives, then onError is called and delivery stops', async () => {
        const s = stream('sub-failing');
        await store.appendToStream(s, [event('E0'), event('E1')], { expectedRevision: 'no_stream' });
        const seen: string[] = [];
        let reportError!: (error: unknown) => void;
        const reported = new Promise<unknown>((resolve) => (reportError = resolve));

        const subscription = store.subscribeToAll(
          (e) => {
            if (!streams.has(e.streamName)) return;
            seen.push(e.type);
            throw new Error('projection broke');
          },
          { after: start, onError: reportError },
        );

        expect(await reported).toEqual(new Error('projection broke'));
        await subscription.stop();
        expect(seen).toEqual(['E0']);
      });
    });

    describe('claimCommandId', () => {
      it_(
        'given an unclaimed command id, when it is claimed twice, then first claimed, then existing with the first stream and fingerprint',
        async () => {
          const commandId = `cmd-${run}-${randomUUID()}`;

          const first = await store.claimCommandId(commandId, 'member-m1', 'fp-1');
          const second = await store.claimCommandId(commandId, 'member-m2', 'fp-2');
          const same = await store.claimCommandId(commandId, 'member-m1', 'fp-1');

          expect(first).toEqual({ status: 'claimed' });
          expect(second).toEqual({ status: 'existing', stream: 'member-m1', fingerprint: 'fp-1' });
          expect(same).toEqual({ status: 'existing', stream: 'member-m1', fingerprint: 'fp-1' });
          expect(await store.claimCommandId(`${commandId}-other`, 'member-m2', 'fp-2')).toEqual({ status: 'claimed' });
        },
      );

      it_('given claimed command ids, when reading the log, then the claims are not events of it', async () => {
        const s = stream('with-claim');
        await store.appendToStream(s, [event('MemberJoined')], { expectedRevision: 'no_stream' });
        const head = await store.headPosition();

        await store.claimCommandId(`cmd-${run}-${randomUUID()}`, s, 'fp');

        const log = await store.readAll({ after: start, maxCount: 100_000 });
        expect(log.filter((e) => e.type === 'CommandClaimed' || e.streamName.startsWith('$'))).toEqual([]);
        expect(own(log)).toHaveLength(1);
        if (!shared) expect(await store.headPosition()).toBe(head);
      });
    });

    describe('recordedAt', () => {
      it_(
        'given the clock goes backwards between appends, when reading the log, then recordedAt strictly increases from one append to the next',
        async () => {
          clock.set('2025-03-01T10:00:00.000Z');
          const first = await store.appendToStream(stream('clock-1'), [event('MemberJoined')], {
            expectedRevision: 'no_stream',
          });
          clock.set('2025-03-01T08:00:00.000Z');
          const second = await store.appendToStream(stream('clock-2'), [event('MemberJoined')], {
            expectedRevision: 'no_stream',
          });
          clock.set('2025-03-01T11:00:00.000Z');
          await store.appendToStream(stream('clock-3'), [event('MemberJoined')], { expectedRevision: 'no_stream' });

          const stamps = (await ownLog()).map((e) => e.metadata.recordedAt);

          expect(first.recordedAt).toBe('2025-03-01T10:00:00.000Z');
          expect(second.recordedAt).toBe('2025-03-01T10:00:00.001Z');
          expect(stamps).toEqual(['2025-03-01T10:00:00.000Z', '2025-03-01T10:00:00.001Z', '2025-03-01T11:00:00.000Z']);
        },
      );
    });

    describe('readAllShare (optional: rebuilds split across threads)', () => {
      it_(
        'given events on several streams, when the log is read in 1, 2 and 3 shares, then each stream falls in exactly one share, each share is in log order with lean metadata, and together they are the log',
        async () => {
          if (!store.readAllShare) return void expect(store.readAllShare).toBeUndefined();
          const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((l) => stream(`share-${l}`));
          for (let round = 0; round < 3; round++)
            for (const [i, s] of names.entries())
              if (i % (round + 1) === 0)
                await store.appendToStream(s, [event('MemberJoined', { round })], {
                  expectedRevision: round === 0 ? 'no_stream' : (await store.readStream(s)).length - 1,
                });
          await store.appendToStream(`person-${run}-share`, [event('PersonClaimed')], { expectedRevision: 'no_stream' });
          const upTo = (await store.headPosition())!;
          const log = await ownLog();
          for (const shares of [1, 2, 3]) {
            const read: RecordedEvent[][] = [];
            for (let share = 0; share < shares; share++) {
              const pages: RecordedEvent[] = [];
              let after = start;
              for (;;) {
                // Small pages, so paging is part of what is checked.
                const page = await store.readAllShare({ after, upTo, maxCount: 2, prefixes: ['member-'], share, shares });
                pages.push(...page);
                if (page.length < 2) break;
                after = page[page.length - 1].position;
              }
              read.push(own(pages));
            }
            for (const pages of read) {
              const positions = pages.map((e) => BigInt(e.position));
              expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
            }
            const streamsOf = read.map((pages) => new Set(pages.map((e) => e.streamName)));
            for (const name of names) expect(streamsOf.filter((set) => set.has(name))).toHaveLength(1);
            const all = read.flat().sort((x, y) => Number(BigInt(x.position) - BigInt(y.position)));
            expect(all.map((e) => [e.id, e.type, e.data, e.streamName, e.revision, e.position])).toEqual(
              log.map((e) => [e.id, e.type, e.data, e.streamName, e.revision, e.position]),
            );
            expect(all.map((e) => e.metadata.recordedAt)).toEqual(log.map((e) => e.metadata.recordedAt));
          }
          // Nothing past upTo, and only the prefixes asked for.
          const later = stream('share-later');
          await store.appendToStream(later, [event('MemberJoined')], { expectedRevision: 'no_stream' });
          const page = await store.readAllShare({
            after: start,
            upTo,
            maxCount: 1000,
            prefixes: ['member-'],
            share: 0,
            shares: 1,
          });
          expect(page.some((e) => e.streamName === later || e.streamName.startsWith('person-'))).toBe(false);
        },
      );

      it_(
        'given events of two types, when a share is read with the whole metadata of one type, then those events carry it as stored and the others recordedAt alone',
        async () => {
          if (!store.readAllShare) return void expect(store.readAllShare).toBeUndefined();
          const s = stream('share-whole');
          await store.appendToStream(s, [event('TransferRequested', { n: 1 }), event('MemberJoined', { n: 2 })], {
            expectedRevision: 'no_stream',
          });
          const log = await ownLog();
          const page = own(
            await store.readAllShare({
              after: start,
              upTo: (await store.headPosition())!,
              maxCount: 1000,
              prefixes: ['member-'],
              share: 0,
              shares: 1,
              wholeMetadataOf: ['TransferRequested'],
            }),
          );
          expect(page).toEqual([log[0], { ...log[1], metadata: { recordedAt: log[1].metadata.recordedAt } }]);
          expect(log[0].metadata).toMatchObject({ actor: expect.any(String), recordedAt: expect.any(String) });
        },
      );
    });

    describe('readAllOfTypes (optional: followers of few event types)', () => {
      it_(
        'given events of several types, when the log is read for two of them a few positions at a time, then exactly those events come, in log order, and the scan ends at the head',
        async () => {
          if (!store.readAllOfTypes) return void expect(store.readAllOfTypes).toBeUndefined();
          const a = stream('typed-a');
          const b = stream('typed-b');
          await store.appendToStream(a, [event('MemberJoined'), event('TransferRequested', { n: 1 })], {
            expectedRevision: 'no_stream',
          });
          await store.appendToStream(b, [event('MemberJoined'), event('MemberLeft'), event('TransferAccepted')], {
            expectedRevision: 'no_stream',
          });
          await store.appendToStream(a, [event('TransferRequested', { n: 2 })], { expectedRevision: 1 });
          const head = await store.headPosition();
          const wanted = ['TransferRequested', 'TransferAccepted'];
          const read: RecordedEvent[] = [];
          let after = start;
          for (let calls = 0; ; calls++) {
            expect(calls).toBeLessThan(100);
            const page = await store.readAllOfTypes({ after, types: wanted, scanCount: 2 });
            if (page.scannedTo === after) break;
            expect(page.events.every((e) => BigInt(e.position) <= BigInt(page.scannedTo!))).toBe(true);
            read.push(...page.events);
            after = page.scannedTo;
          }
          expect(after).toBe(head);
          const log = await ownLog();
          expect(own(read).map((e) => [e.id, e.type, e.data, e.streamName, e.revision, e.position])).toEqual(
            log.filter((e) => wanted.includes(e.type)).map((e) => [e.id, e.type, e.data, e.streamName, e.revision, e.position]),
          );
          expect(own(read).map((e) => e.type)).toEqual(['TransferRequested', 'TransferAccepted', 'TransferRequested']);
        },
      );
    });

    describe('appendBatch and findCommandClaims (optional: bulk import)', () => {
      // Adapters without them (EventStoreDB) import one command at a time through the port's other methods.
      const batchIt = (title: string, fn: () => Promise<void>) =>
        it_(title, async () => {
          if (!store.appendBatch || !store.findCommandClaims) return void expect(store.appendBatch).toBeUndefined();
          await fn();
        });

      batchIt(
        'given appends to several streams and commandId bindings, when appended as a batch, then all are stored in order with one recordedAt and the ids are found',
        async () => {
          const a = stream('batch-a');
          const b = stream('batch-b');
          await store.appendToStream(b, [event('MemberJoined')], { expectedRevision: 'no_stream' });
          const ids = [`cmd-${run}-${randomUUID()}`, `cmd-${run}-${randomUUID()}`];

          const results = await store.appendBatch!(
            [
              { stream: a, events: [event('MemberJoined'), event('MemberLeft')], expectedRevision: 'no_stream' },
              { stream: b, events: [event('MemberLeft')], expectedRevision: 0 },
              { stream: a, events: [event('MemberJoined')], expectedRevision: 1 },
            ],
            [
              { commandId: ids[0], stream: a, fingerprint: 'fp-a' },
              { commandId: ids[1], stream: b, fingerprint: 'fp-b' },
            ],
          );

          expect(results.map((r) => r.streamRevision)).toEqual([1, 1, 2]);
          expect(new Set(results.map((r) => r.recordedAt)).size).toBe(1);
          expect((await store.readStream(a)).map((e) => e.type)).toEqual(['MemberJoined', 'MemberLeft', 'MemberJoined']);
          expect((await store.readStream(b)).map((e) => e.revision)).toEqual([0, 1]);
          const found = await store.findCommandClaims!([ids[0], ids[1], `cmd-${run}-never`]);
          expect(Object.fromEntries(found)).toEqual({
            [ids[0]]: { stream: a, fingerprint: 'fp-a' },
            [ids[1]]: { stream: b, fingerprint: 'fp-b' },
          });
        },
      );

      batchIt(
        'given one append of a batch expects a stale revision, when appended, then nothing of the batch is stored',
        async () => {
          const a = stream('batch-stale-a');
          const b = stream('batch-stale-b');
          await store.appendToStream(b, [event('MemberJoined')], { expectedRevision: 'no_stream' });
          const head = await store.headPosition();
          const id = `cmd-${run}-${randomUUID()}`;

          await expect(
            store.appendBatch!(
              [
                { stream: a, events: [event('MemberJoined')], expectedRevision: 'no_stream' },
                { stream: b, events: [event('MemberLeft')], expectedRevision: 'no_stream' },
              ],
              [{ commandId: id, stream: a, fingerprint: 'fp' }],
            ),
          ).rejects.toBeInstanceOf(WrongExpectedRevisionError);

          expect(await store.readStream(a)).toEqual([]);
          expect((await store.findCommandClaims!([id])).size).toBe(0);
          if (!shared) expect(await store.headPosition()).toBe(head);
        },
      );

      batchIt('given a commandId claimed before, when a batch binds it again, then the batch is refused whole', async () => {
        const a = stream('batch-taken');
        const id = `cmd-${run}-${randomUUID()}`;
        await store.claimCommandId(id, a, 'fp');

        await expect(
          store.appendBatch!(
            [{ stream: a, events: [event('MemberJoined')], expectedRevision: 'no_stream' }],
            [{ commandId: id, stream: a, fingerprint: 'fp' }],
          ),
        ).rejects.toBeInstanceOf(CommandIdTakenError);
        expect(await store.readStream(a)).toEqual([]);
      });
    });
  });
}
