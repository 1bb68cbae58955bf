import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { residentId } from '../support/ledger-app.js';
import { call, killAll, startProcess, tokenFor } from './ledger-process.js';

const PROCESS_TEST_MS = 60_000;
const CLERK_P2 = { authorization: `Bearer ${tokenFor({ sub: 'clerk-p2', role: 'park-clerk', parkId: 'p2' })}` };

/**
 * Exactly once across a crash: the service is killed (SIGKILL, by the LEDGER_TEST_CRASH_AT test
 * hook) right after it records a TransferAccepted and before the member moves; started again
 * on the same files, it moves the member, once.
 */
describe('a crash between accepting a transfer request and moving the member', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-crash-'))));
  afterEach(async () => {
    await killAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const eventsOf = async (stream: string) => {
    const store = new SqliteEventStore(join(dataDir, 'events.sqlite'), systemClock);
    try {
      return await store.readStream(stream);
    } finally {
      await store.close();
    }
  };

  it(
    'given the process dies right after TransferAccepted is recorded, when it starts again, then the member moved exactly once and accepting again changes nothing',
    async () => {
      // Given a member at p1 and a request to p2, in a service set to crash after an acceptance
      const crashing = await startProcess(dataDir, { LEDGER_TEST_CRASH_AT: 'after-transfer-accepted' });
      for (const [path, body] of [
        ['/parks', { parkId: 'p1', name: 'P1', cityId: 'nanchang', level: 'national', effectiveDate: '2010-01-01' }],
        ['/parks', { parkId: 'p2', name: 'P2', cityId: 'ganzhou', level: 'provincial', effectiveDate: '2010-01-01' }],
        ['/enterprises', { enterpriseId: 'e1', parkId: 'p1', name: 'E1', ownership: 'non-public', effectiveDate: '2010-01-01' }],
        ['/enterprises', { enterpriseId: 'e2', parkId: 'p2', name: 'E2', ownership: 'non-public', effectiveDate: '2010-01-01' }],
        [
          '/members',
          {
            memberId: 'm1',
            personId: residentId(1),
            name: '李四',
            category: 'migrant',
            enterpriseId: 'e1',
            effectiveDate: '2016-01-04',
          },
        ],
        ['/transfers', { transferId: 't1', memberId: 'm1', toEnterpriseId: 'e2', effectiveDate: '2016-07-01' }],
      ] as const)
        expect((await call(crashing, 'POST', path, body)).status).toBe(201);

      // When the destination accepts: the process records the acceptance and is killed before answering
      await expect(call(crashing, 'POST', '/transfers/t1/accept', {}, CLERK_P2)).rejects.toThrow();
      expect(await crashing.exited).toEqual({ code: null, signal: 'SIGKILL' });
      // Then the log holds the acceptance and no move
      expect((await eventsOf('transfer-t1')).map((e) => e.type)).toEqual(['TransferRequested', 'TransferAccepted']);
      expect((await eventsOf('member-m1')).map((e) => e.type)).toEqual(['MemberJoined']);

      // When the service starts again on the same files
      const restarted = await startProcess(dataDir);
      // Then the member has moved to p2, once, on behalf of the clerk who accepted
      const member = await call(restarted, 'GET', '/members/m1');
      expect(member.body).toMatchObject({ enterpriseId: 'e2', parkId: 'p2' });
      const moves = (await call(restarted, 'GET', '/members/m1/history')).body.entries.filter(
        (e: { type: string }) => e.type === 'MemberTransferred',
      );
      expect(moves).toEqual([
        expect.objectContaining({ type: 'MemberTransferred', effectiveDate: '2016-07-01', actor: 'clerk-p2' }),
      ]);
      // And accepting again answers the first acceptance and moves nothing
      const again = await call(restarted, 'POST', '/transfers/t1/accept', {}, CLERK_P2);
      expect(again.status).toBe(200);
      const figures = await call(restarted, 'GET', '/figures?scope=park:p2&asOf=2016-07-01');
      expect(figures.body.totals).toMatchObject({ members: 1, pendingTransfersIn: 0 });
      await restarted.stop('SIGTERM');
      expect((await eventsOf('member-m1')).map((e) => e.type)).toEqual(['MemberJoined', 'MemberTransferred']);
    },
    PROCESS_TEST_MS,
  );
});
