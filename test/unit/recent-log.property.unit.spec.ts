import fc from 'fast-check';
import { RecentLog } from '../../src/event-store/embedded/recent-log.js';
import { type RecordedEvent } from '../../src/event-store/event-store.port.js';

/*
 * The log's latest events as the service's store holds them, against the log itself: whatever
 * ranges are read and added (following on, far behind, ahead, empty), a read that the memory
 * answers gives exactly the log's events after that position, in order, from there to the last
 * event added, never more than asked, and never fewer unless it reaches the last event added.
 */

const event = (position: number): RecordedEvent => ({
  id: `e${position}`,
  type: 'Happened',
  data: { position },
  metadata: { actor: 'clerk-1', correlationId: 'c', recordedAt: '2026-01-05T02:00:00.000Z' },
  streamName: `s-${position % 3}`,
  revision: 0,
  position: String(position),
});

// A log with gaps in its positions, as a store's rowids may have after another file's events.
const LOG = Array.from({ length: 60 }, (_, i) => event(1 + i * 2 + (i % 5 === 0 ? 1 : 0)));
const readFromLog = (after: number, maxCount: number) => LOG.filter((e) => Number(e.position) > after).slice(0, maxCount);

const step = fc.record({
  after: fc.integer({ min: 0, max: 130 }),
  maxCount: fc.integer({ min: 0, max: 12 }),
  follow: fc.boolean(),
});

describe('RecentLog', () => {
  it('given any reads added, when asked after any position, then it answers the log exactly or not at all', () => {
    let answered = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(step, { maxLength: 60 }), (atMost, steps) => {
        const recent = new RecentLog(atMost);
        let lastAdded: number | undefined;
        for (const { after: drawn, maxCount, follow } of steps) {
          // Half the reads follow on from the last event added, as the service's followers do.
          const after = follow && lastAdded !== undefined ? lastAdded : drawn;
          const held = recent.read(after, maxCount);
          if (held !== undefined) {
            answered++;
            expect(held).toEqual(readFromLog(after, maxCount).slice(0, held.length));
            // Fewer than asked only when the answer reaches the last event added.
            if (held.length < maxCount) expect(Number(held.at(-1)?.position ?? after)).toBe(lastAdded);
          }
          const read = readFromLog(after, maxCount);
          recent.add(after, read);
          lastAdded = read.length > 0 ? Number(read.at(-1)!.position) : after;
        }
      }),
      { numRuns: 500 },
    );
    expect(answered).toBeGreaterThan(300);
  });

  it('given reads that follow on past what it may hold, when asked about events it let go, then it does not answer; about the ones it holds, it does', () => {
    const recent = new RecentLog(4);
    recent.add(0, LOG.slice(0, 3));
    recent.add(Number(LOG[2].position), LOG.slice(3, 6));
    expect(recent.read(0, 10)).toBeUndefined();
    expect(recent.read(Number(LOG[0].position), 10)).toBeUndefined();
    expect(recent.read(Number(LOG[1].position), 10)).toEqual(LOG.slice(2, 6));
    expect(recent.read(Number(LOG[3].position), 1)).toEqual([LOG[4]]);
    expect(recent.read(Number(LOG[5].position), 10)).toEqual([]);
    expect(recent.read(Number(LOG[5].position) + 1, 10)).toBeUndefined();
  });

  it('given a range held, when a range that does not follow on is added, then only the new range is held', () => {
    const recent = new RecentLog(10);
    recent.add(0, LOG.slice(0, 3));
    recent.add(Number(LOG[20].position), LOG.slice(21, 23));
    expect(recent.read(0, 10)).toBeUndefined();
    expect(recent.read(Number(LOG[20].position), 10)).toEqual(LOG.slice(21, 23));
  });
});
