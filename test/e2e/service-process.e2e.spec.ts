import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residentId } from '../support/ledger-app.js';
import { call, eventually, killAll, type LedgerProcess, startProcess } from './ledger-process.js';

/** A one-off node program that takes the service lock of `dir` with the built code, prints `taken`, and exits. */
const takeLockAndSay = (dir: string) =>
  `const { takeServiceLock } = await import(${JSON.stringify(join(process.cwd(), 'dist', 'src', 'shared', 'service-lock.js'))});` +
  `takeServiceLock(${JSON.stringify(dir)}); console.log('taken');`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Process tests start node (about a second each on two cores): more than jest's default 5 s. */
const PROCESS_TEST_MS = 30_000;

describe('the service as a process', () => {
  const dataDirs: string[] = [];
  const newDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
    dataDirs.push(dir);
    return dir;
  };

  afterEach(() => killAll());
  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  const aPark = (parkId: string, level = 'national') => ({
    parkId,
    name: 'Park',
    cityId: 'nanchang',
    level,
    effectiveDate: '2012-01-01',
  });

  async function created(proc: LedgerProcess, path: string, body: object): Promise<void> {
    const res = await call(proc, 'POST', path, body);
    expect({ path, status: res.status, body: res.body }).toEqual({
      path,
      status: 201,
      body: expect.objectContaining({ eventId: expect.stringMatching(UUID) }),
    });
  }

  async function snapshot(proc: LedgerProcess, memberIds: readonly string[]) {
    const members: Record<string, unknown> = {};
    for (const id of memberIds) {
      const [history, state] = await Promise.all([
        call(proc, 'GET', `/members/${id}/history`),
        call(proc, 'GET', `/members/${id}`),
      ]);
      expect([history.status, state.status]).toEqual([200, 200]);
      members[id] = { history: history.body, state: state.body };
    }
    const health = await call(proc, 'GET', '/health');
    return { head: health.body.info.eventStore.head as string, members };
  }

  it(
    'given a park, two enterprises and two members (one transferred, one left), when the process is SIGKILLed and started again on the same data dir, then every history is identical',
    async () => {
      const dataDir = newDataDir();
      const first = await startProcess(dataDir);
      await created(first, '/parks', aPark('p1'));
      await created(first, '/parks/p1/union', { effectiveDate: '2012-06-01' });
      await created(first, '/enterprises', {
        enterpriseId: 'e1',
        parkId: 'p1',
        name: 'E1',
        ownership: 'non-public',
        effectiveDate: '2012-01-01',
      });
      await created(first, '/enterprises', {
        enterpriseId: 'e2',
        parkId: 'p1',
        name: 'E2',
        ownership: 'public',
        effectiveDate: '2012-01-01',
      });
      await created(first, '/enterprises/e1/headcount', { employees: 420, effectiveDate: '2016-06-30' });
      await created(first, '/members', {
        memberId: 'm-moved',
        personId: residentId(1),
        name: '张三',
        category: 'migrant',
        enterpriseId: 'e1',
        effectiveDate: '2016-01-01',
      });
      await created(first, '/members/m-moved/transfer', { toEnterpriseId: 'e2', effectiveDate: '2016-07-01' });
      await created(first, '/members', {
        memberId: 'm-left',
        personId: residentId(2),
        name: '李四',
        category: 'regular',
        enterpriseId: 'e1',
        effectiveDate: '2016-01-01',
        commandId: 'join-m-left',
      });
      await created(first, '/members/m-left/leave', { reason: 'retired', effectiveDate: '2018-12-31' });
      const before = await snapshot(first, ['m-moved', 'm-left']);
      expect(Number(before.head)).toBeGreaterThanOrEqual(9);

      expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

      const second = await startProcess(dataDir);
      expect(await snapshot(second, ['m-moved', 'm-left'])).toEqual(before);
      expect((before.members['m-moved'] as { state: { enterpriseId: string } }).state.enterpriseId).toBe('e2');
      expect((before.members['m-left'] as { state: { status: string } }).state.status).toBe('left');
      // What the killed process answered still holds: a repeated command, a duplicate park.
      const repeated = await call(second, 'POST', '/members', {
        memberId: 'm-left',
        personId: residentId(2),
        name: '李四',
        category: 'regular',
        enterpriseId: 'e1',
        effectiveDate: '2016-01-01',
        commandId: 'join-m-left',
      });
      expect(repeated.status).toBe(200);
      expect(repeated.body.eventId).toBe(
        (before.members['m-left'] as { history: { entries: Array<{ eventId: string }> } }).history.entries[0].eventId,
      );
      expect((await call(second, 'POST', '/parks', aPark('p1'))).body.code).toBe('PARK_ALREADY_REGISTERED');
    },
    PROCESS_TEST_MS,
  );

  it(
    'given a running process with recorded facts, when SIGTERM is sent, then it exits with code 0 within 10 s and a restart finds the facts',
    async () => {
      const dataDir = newDataDir();
      const proc = await startProcess(dataDir);
      await created(proc, '/parks', aPark('p-term', 'provincial'));
      const exit = await proc.stop('SIGTERM', 10_000);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(proc.output()).not.toMatch(/"level":(50|60)/);
      const again = await startProcess(dataDir);
      expect((await call(again, 'GET', '/health')).body.info.eventStore.head).toBe('1');
    },
    PROCESS_TEST_MS,
  );

  it(
    'given requests with and without x-correlation-id, when answered, then the header is echoed or generated and each request has one JSON log line with correlationId, method and status',
    async () => {
      const proc = await startProcess(newDataDir());
      const health = await call(proc, 'GET', '/health', undefined, { 'x-correlation-id': 'e2e-health-1' });
      const park = await call(
        proc,
        'POST',
        '/parks',
        { parkId: 'p-log', name: 'Park', cityId: 'c1', level: 'national', effectiveDate: '2012-01-01' },
        { 'x-correlation-id': 'e2e-park-2' },
      );
      const bad = await call(proc, 'POST', '/parks', { parkId: 'p-log', level: 3 }, { 'x-correlation-id': 'e2e-bad-3' });
      const missing = await call(proc, 'GET', '/members/m-none?asOf=2016-01-01');
      const malformed = await call(proc, 'GET', '/nowhere', undefined, { 'x-correlation-id': 'not ok; spaces' });
      expect([health.status, park.status, bad.status, missing.status, malformed.status]).toEqual([200, 201, 400, 404, 404]);
      expect(health.headers.get('x-correlation-id')).toBe('e2e-health-1');
      expect(park.headers.get('x-correlation-id')).toBe('e2e-park-2');
      expect(bad.headers.get('x-correlation-id')).toBe('e2e-bad-3');
      const generated = missing.headers.get('x-correlation-id')!;
      expect(generated).toMatch(UUID);
      const replaced = malformed.headers.get('x-correlation-id')!;
      expect(replaced).toMatch(UUID);

      const expected = [
        { correlationId: 'e2e-health-1', method: 'GET', status: 200 },
        { correlationId: 'e2e-park-2', method: 'POST', status: 201 },
        { correlationId: 'e2e-bad-3', method: 'POST', status: 400 },
        { correlationId: generated, method: 'GET', status: 404 },
        { correlationId: replaced, method: 'GET', status: 404 },
      ];
      const requestLines = () =>
        proc
          .output()
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((entry) => expected.some((e) => e.correlationId === entry.correlationId));
      const lines = await eventually(requestLines, (found) => found.length >= expected.length);
      expect(lines.map(({ correlationId, method, status }) => ({ correlationId, method, status }))).toEqual(expected);
      expect(JSON.stringify(lines)).not.toContain('asOf=2016');
      expect(JSON.stringify(lines)).not.toContain('not ok; spaces');
      for (const line of proc
        .output()
        .split('\n')
        .filter((l) => l.trim() !== ''))
        expect(() => JSON.parse(line)).not.toThrow();
    },
    PROCESS_TEST_MS,
  );

  it(
    'given a service running on a data dir, when a second one starts there, then it refuses with the first one named; after the first is killed with -9, a new one starts',
    async () => {
      const dir = newDataDir();
      const first = await startProcess(dir);
      await expect(startProcess(dir)).rejects.toThrow(
        new RegExp(`another ledger service \\(pid ${first.child.pid}\\) runs on ${dir}: one service per data directory`),
      );
      expect((await call(first, 'GET', '/health')).status).toBe(200);
      await first.stop('SIGKILL');
      const next = await startProcess(dir);
      await created(next, '/parks', aPark('p-lock'));
      expect(readFileSync(join(dir, 'service.lock'), 'utf8').trim()).toBe(String(next.child.pid));
      await next.stop('SIGTERM');
      expect(existsSync(join(dir, 'service.lock'))).toBe(false);
    },
    PROCESS_TEST_MS,
  );

  it(
    "given a service killed with -9 and not yet reaped by its parent, when a new one takes the lock at once, then it gets it: the kernel dropped the dead holder's lock",
    async () => {
      const dir = newDataDir();
      const first = await startProcess(dir);
      const pid = first.child.pid!;
      process.kill(pid, 'SIGKILL');
      // Synchronous from here: this process's event loop cannot reap the child, so it stays a zombie.
      execFileSync('sleep', ['0.3']);
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2];
      const taken = execFileSync(process.execPath, ['--input-type=module', '-e', takeLockAndSay(dir)], {
        encoding: 'utf8',
      });
      expect({ state, taken: taken.trim() }).toEqual({ state: 'Z', taken: 'taken' });
      await first.stop('SIGKILL');
    },
    PROCESS_TEST_MS,
  );

  it(
    'given a service.lock left naming a live process that is no service (a reused pid), when a service starts, then it starts and names itself in the file',
    async () => {
      const dir = newDataDir();
      writeFileSync(join(dir, 'service.lock'), `${process.pid}\n`);
      const next = await startProcess(dir);
      await created(next, '/parks', aPark('p-reused'));
      expect(readFileSync(join(dir, 'service.lock'), 'utf8').trim()).toBe(String(next.child.pid));
    },
    PROCESS_TEST_MS,
  );
});
