import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import { type NewEvent } from '../../src/event-store/event-store.port.js';
import { describeEventStoreContract, PinnedClock } from './event-store.contract.js';

let dir: string;

describeEventStoreContract(
  'SqliteEventStore',
  async (clock) => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-event-store-'));
    return new SqliteEventStore(join(dir, 'events.sqlite'), clock);
  },
  () => rmSync(dir, { recursive: true, force: true }),
);

describe('SqliteEventStore on disk', () => {
  let onDisk: string;
  beforeEach(() => (onDisk = mkdtempSync(join(tmpdir(), 'ledger-event-store-'))));
  afterEach(() => rmSync(onDisk, { recursive: true, force: true }));

  const event = (type: string): NewEvent => ({
    id: randomUUID(),
    type,
    data: { type },
    metadata: { actor: 'clerk-7', correlationId: 'corr-1' },
  });

  it('given events and a claim written, when the store is closed and reopened on the same file, then everything is still there and appends continue', async () => {
    const file = join(onDisk, 'nested', 'events.sqlite');
    const clock = new PinnedClock(new Date('2025-03-01T09:00:00.000Z'));
    const first = new SqliteEventStore(file, clock);
    await first.appendToStream('member-a', [event('MemberJoined'), event('MemberLeft')], { expectedRevision: 'no_stream' });
    await first.appendToStream('member-b', [event('MemberJoined')], { expectedRevision: 'no_stream' });
    await first.claimCommandId('cmd-1', 'member-a', 'fp-1');
    const before = await first.readAll({ maxCount: 100 });
    const headBefore = await first.headPosition();
    await first.close();

    clock.set('2025-03-01T08:00:00.000Z');
    const reopened = new SqliteEventStore(file, clock);
    try {
      expect(await reopened.readAll({ maxCount: 100 })).toEqual(before);
      expect(await reopened.headPosition()).toBe(headBefore);
      expect(await reopened.claimCommandId('cmd-1', 'member-b', 'fp-2')).toEqual({
        status: 'existing',
        stream: 'member-a',
        fingerprint: 'fp-1',
      });
      const next = await reopened.appendToStream('member-a', [event('MemberRejoined')], { expectedRevision: 1 });
      expect(next.streamRevision).toBe(2);
      expect(BigInt(next.position)).toBeGreaterThan(BigInt(headBefore!));
      // The clock went back across the restart; the log's recordedAt does not: one millisecond after the last append.
      expect(next.recordedAt).toBe('2025-03-01T09:00:00.002Z');
      expect((await reopened.readStream('member-a')).map((e) => e.type)).toEqual([
        'MemberJoined',
        'MemberLeft',
        'MemberRejoined',
      ]);
    } finally {
      await reopened.close();
    }
  });
});
