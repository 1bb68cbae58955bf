import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandMeta, type CommandSpec, CommandExecutor } from '../../src/command-handling/command-executor.js';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import { DomainError } from '../../src/shared/domain-error.js';
import { TestClock } from '../support/ledger-app.js';

/*
 * A claim (person claims, member request claims) carries the event it stands for, and any reader
 * of the claim appends that event if it is missing. So between a command's claim and its own
 * append, another process may append the command's event for it. Seen with two ledger instances
 * on one store, 40 joins of one person: the winner was told MEMBER_ALREADY_ACTIVE about its own
 * join. The executor, on the real embedded store, with the other reader played by the decision.
 */
describe('command executor: events claimed by the command and appended by another reader first', () => {
  let dir: string;
  let store: SqliteEventStore;
  let executor: CommandExecutor;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-claimed-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    executor = new CommandExecutor(store, new TestClock(new Date('2016-01-04T01:00:00.000Z')));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const meta = { actor: 'clerk', correlationId: 'corr-1', method: 'POST', path: '/members' } as unknown as CommandMeta;

  /** A join whose claim step also appends the claimed event, as another reader of the claim would. */
  const joinOfM1 = (claimedHere: boolean): CommandSpec => ({
    name: 'join',
    stream: 'member-m1',
    body: { memberId: 'm1' },
    meta,
    locks: ['member:m1'],
    decide: (events) => {
      if (events.length > 0) throw new DomainError('MEMBER_ALREADY_ACTIVE', 'member m1 is already active');
      return {
        events: [{ type: 'MemberJoined', data: { memberId: 'm1' } }],
        beforeAppend: async (newEvents, revision) => {
          await store.appendToStream('member-m1', newEvents, { expectedRevision: revision });
          return claimedHere;
        },
      };
    },
  });

  it('given the command wrote the claim, when its event is found already appended, then that is its own success, answered once', async () => {
    const answer = await executor.execute(joinOfM1(true));
    const stored = await store.readStream('member-m1');
    expect(stored).toHaveLength(1);
    expect(answer).toMatchObject({ eventId: stored[0].id, streamRevision: 0, replayed: false });
  });

  it('given the claim was not written by the command (a twin), when its event is found already appended, then it is decided again and refused', async () => {
    await expect(executor.execute(joinOfM1(false))).rejects.toMatchObject({ code: 'MEMBER_ALREADY_ACTIVE' });
    expect(await store.readStream('member-m1')).toHaveLength(1);
  });
});
