import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, killAll, type LedgerProcess, startProcess } from './ledger-process.js';

const LEDGER_CLI = join(process.cwd(), 'bin', 'ledger.js');

/** `npx ledger token …` as a user runs it: the CLI process over the same data dir. */
function ledgerCli(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, LEDGER_DATA_DIR: dataDir };
  delete env.LEDGER_TOKEN_SIGNING_KEY;
  const res = spawnSync(process.execPath, [LEDGER_CLI, ...args], { env, encoding: 'utf8' });
  return { status: res.status, stdout: res.stdout.trim(), stderr: res.stderr };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('sign-in on a fresh data dir, with tokens from the ledger CLI', () => {
  let dataDir: string;
  let proc: LedgerProcess;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-sign-in-'));
  });
  afterAll(async () => {
    await killAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('given no signing key, when the service first starts, then it prints a provincial-admin token once and that token works', async () => {
    proc = await startProcess(dataDir, { LEDGER_TOKEN_SIGNING_KEY: '' });
    const printed = /Provincial-admin token[^\n]*\n\n(\S+)\n/.exec(proc.output());
    expect(printed).not.toBeNull();
    const admin = printed![1];
    expect((await call(proc, 'GET', '/members/nobody', undefined, bearer(admin))).status).toBe(404);
    expect((await call(proc, 'GET', '/members/nobody')).status).toBe(401);
    expect(
      (
        await call(
          proc,
          'POST',
          '/parks',
          { parkId: 'p1', name: 'P1', cityId: 'c1', level: 'national', effectiveDate: '2015-01-01' },
          bearer(admin),
        )
      ).status,
    ).toBe(201);
    expect((await call(proc, 'GET', '/access-denials', undefined, bearer(admin))).status).toBe(200);

    await proc.stop('SIGTERM');
    proc = await startProcess(dataDir, { LEDGER_TOKEN_SIGNING_KEY: '' });
    expect(proc.output()).not.toMatch(/Provincial-admin token/);
    expect((await call(proc, 'GET', '/access-denials', undefined, bearer(admin))).status).toBe(200);
  });

  it('given the data dir key, when the CLI issues a park-clerk token, then the service accepts it within the park and refuses beyond it', async () => {
    const clerk = ledgerCli(dataDir, 'token', '--role', 'park-clerk', '--park', 'p1', '--sub', 'clerk-wang', '--ttl', '1h');
    expect(clerk.status).toBe(0);
    expect(clerk.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(
      (
        await call(
          proc,
          'POST',
          '/enterprises',
          { enterpriseId: 'e1', parkId: 'p1', name: 'E1', ownership: 'public', effectiveDate: '2015-02-01' },
          bearer(clerk.stdout),
        )
      ).status,
    ).toBe(201);
    const refused = await call(
      proc,
      'POST',
      '/parks',
      { parkId: 'p9', name: 'P9', cityId: 'c1', level: 'national', effectiveDate: '2015-01-01' },
      bearer(clerk.stdout),
    );
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    const auditor = ledgerCli(dataDir, 'token', '--role', 'auditor');
    expect(
      (await call(proc, 'POST', '/enterprises/e1/union', { effectiveDate: '2016-01-01' }, bearer(auditor.stdout))).status,
    ).toBe(403);
  });

  it('given bad arguments, when the CLI runs, then it exits 2 with a message and prints no token', () => {
    for (const args of [
      ['token'],
      ['token', '--role', 'park-clerk'],
      ['token', '--role', 'boss'],
      ['token', '--role', 'auditor', '--ttl', 'forever'],
      ['token', '--role', 'auditor', '--ttl', '0'],
      ['token', '--role', 'auditor', '--ttl', '0h'],
      ['token', '--role', 'auditor', '--colour', 'red'],
      ['frobnicate'],
    ]) {
      const res = ledgerCli(dataDir, ...args);
      expect({ args, status: res.status, stdout: res.stdout }).toEqual({
        args,
        status: 2,
        stdout: expect.not.stringMatching(/\w+\.\w+\.\w+/),
      });
      expect(res.stderr).toMatch(/ledger/);
      expect(res.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
  });

  it('given a data dir that only `ledger import` has used, when a token is asked for, then the CLI refuses naming the dir; when the service first starts, then it prints the first admin token', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'ledger-sign-in-import-'));
    try {
      const file = join(fresh, 'parks.ndjson');
      writeFileSync(
        file,
        `${JSON.stringify({ command: 'registerPark', parkId: 'p1', name: 'P1', cityId: 'c1', level: 'national', effectiveDate: '2015-01-01' })}\n`,
      );
      const data = join(fresh, 'data');
      const imported = ledgerCli(data, 'import', file);
      expect({ status: imported.status, stderr: imported.stderr }).toEqual({
        status: 0,
        stderr: expect.stringContaining(`no ledger in ${data} yet: a new one is created there`),
      });
      expect(existsSync(join(data, 'token-signing.key'))).toBe(false);

      const token = ledgerCli(data, 'token', '--role', 'auditor');
      expect({ status: token.status, stdout: token.stdout }).toEqual({ status: 2, stdout: '' });
      expect(token.stderr).toContain(`no token signing key in ${data}`);
      expect(existsSync(join(data, 'token-signing.key'))).toBe(false);

      const service = await startProcess(data, { LEDGER_TOKEN_SIGNING_KEY: '' });
      const printed = /Provincial-admin token[^\n]*\n\n(\S+)\n/.exec(service.output());
      expect(printed).not.toBeNull();
      const park = await call(service, 'GET', '/figures?scope=park:p1&asOf=2016-01-01', undefined, bearer(printed![1]));
      expect(park.status).toBe(200);
      await service.stop('SIGTERM');
      const auditor = ledgerCli(data, 'token', '--role', 'auditor');
      expect(auditor.status).toBe(0);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
