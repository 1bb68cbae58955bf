import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residentId } from '../support/ledger-app.js';
import { call, killAll, type LedgerProcess, startProcess } from './ledger-process.js';

/*
 * `ledger backup` as a child process, taken while the built service runs and writes: a service
 * started on the copy holds every fact and name recorded before the backup and none after, with
 * its read models rebuilt from the copied log.
 */

const CLI = join(process.cwd(), 'bin', 'ledger.js');

function backup(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, LEDGER_DATA_DIR: dataDir };
  delete env.EVENTSTORE_CONNECTION_STRING;
  const res = spawnSync(process.execPath, [CLI, 'backup', ...args], { env, encoding: 'utf8', timeout: 30_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('ledger backup', () => {
  const dirs: string[] = [];
  const newDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await killAll();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('given a running service, when backed up and then written to again, then a service on the copy has every fact and name up to the backup and nothing after', async () => {
    const dataDir = newDir('ledger-backup-');
    const service: LedgerProcess = await startProcess(dataDir);
    const post = async (proc: LedgerProcess, path: string, body: object) => {
      const res = await call(proc, 'POST', path, body);
      expect({ path, status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({
        path,
        status: 201,
        body: undefined,
      });
    };
    await post(service, '/parks', {
      parkId: 'p-a',
      name: 'A',
      cityId: 'nanchang',
      level: 'national',
      effectiveDate: '2016-01-01',
    });
    await post(service, '/enterprises', {
      enterpriseId: 'e-a',
      parkId: 'p-a',
      name: 'E',
      ownership: 'non-public',
      effectiveDate: '2016-01-01',
    });
    const joinMember = (memberId: string, n: number, name: string) =>
      post(service, '/members', {
        memberId,
        personId: residentId(n),
        name,
        category: 'migrant',
        enterpriseId: 'e-a',
        effectiveDate: '2016-02-01',
      });
    await joinMember('m-1', 1, '王五');
    const figuresPath = '/figures?scope=province&asOf=2016-06-30';
    const before = {
      member: (await call(service, 'GET', '/members/m-1')).body,
      figures: (await call(service, 'GET', figuresPath)).body,
    };
    expect(before.member.name).toBe('王五');

    const out = join(newDir('ledger-backup-out-'), 'copy');
    const run = backup(dataDir, '--out', out, '--json');
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({ out, events: Number(before.figures.position), position: before.figures.position });
    expect(answer.files.map((f: { file: string }) => f.file)).toEqual(['events.sqlite', 'member-keys.sqlite', 'person-hash.key']);
    expect(readdirSync(out).sort()).toEqual(['events.sqlite', 'member-keys.sqlite', 'person-hash.key']);
    expect(statSync(join(out, 'person-hash.key')).mode & 0o777).toBe(0o600);
    await joinMember('m-2', 2, '赵六');
    await service.stop('SIGTERM');

    const restored = await startProcess(out);
    const member = await call(restored, 'GET', '/members/m-1');
    expect(member.body).toEqual(before.member);
    expect((await call(restored, 'GET', '/members/m-2')).status).toBe(404);
    const figures = await call(restored, 'GET', figuresPath);
    expect(figures.body.totals).toEqual(before.figures.totals);
    expect(figures.body.position).toBe(before.figures.position);
    // The read models were rebuilt from the copied log.
    expect(existsSync(join(out, 'read-models.sqlite'))).toBe(true);
    await restored.stop('SIGTERM');
  }, 90_000);

  it('given bad options, then exit 2 with one line and nothing written', () => {
    const empty = newDir('ledger-backup-empty-');
    const taken = newDir('ledger-backup-taken-');
    writeFileSync(join(taken, 'something'), 'x');
    const ledgerDir = newDir('ledger-backup-src-');
    writeFileSync(join(ledgerDir, 'events.sqlite'), '');
    for (const [dir, args, message] of [
      [
        empty,
        ['--out', join(empty, 'x')],
        `ledger backup: no ledger in ${empty} (events.sqlite not found); set LEDGER_DATA_DIR\n`,
      ],
      [ledgerDir, [], 'ledger backup: --out <new dir> is required\n'],
      [
        ledgerDir,
        ['--out', taken],
        `ledger backup: --out: ${taken} already exists and is not an empty directory; name a new one\n`,
      ],
      [ledgerDir, ['--out', ledgerDir], 'ledger backup: --out must be a new directory, not the data dir itself\n'],
    ] as const) {
      const run = backup(dir, ...args);
      expect({ args, status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
        args,
        status: 2,
        stdout: '',
        stderr: message,
      });
    }
    expect(readdirSync(taken)).toEqual(['something']);
  });
});
