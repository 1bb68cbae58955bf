import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = join(process.cwd(), 'bin', 'ledger.js');
const COMMANDS = [
  'registerPark',
  'establishParkUnion',
  'registerEnterprise',
  'establishEnterpriseUnion',
  'reportHeadcount',
  'closeEnterprise',
  'join',
  'transfer',
  'changeCategory',
  'leave',
];

describe('ledger generate: a synthetic province as an import file', () => {
  let dir: string;
  const generate = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, 'generate', ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 24 });
  const sha256 = (file: string) =>
    createHash('sha256')
      .update(readFileSync(join(dir, file)))
      .digest('hex');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-generate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('given the same seed twice, when it writes two files, then their bytes are identical and match the JSON summary; another seed writes other bytes', () => {
    const first = generate('--members', '5000', '--seed', '9', '--out', 'a.ndjson', '--json');
    expect({ status: first.status, stderr: first.stderr }).toEqual({
      status: 0,
      stderr: expect.stringMatching(/generate: [\d,]+ lines\n$/),
    });
    const summary = JSON.parse(first.stdout);
    const text = readFileSync(join(dir, 'a.ndjson'), 'utf8');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(summary.lines);
    expect(summary).toMatchObject({ file: join(dir, 'a.ndjson'), bytes: statSync(join(dir, 'a.ndjson')).size, memberIds: 5000 });
    const counted: Record<string, number> = {};
    for (const line of lines) {
      const command = JSON.parse(line) as { command: string; commandId?: string };
      expect(command.commandId).toBeUndefined();
      counted[command.command] = (counted[command.command] ?? 0) + 1;
    }
    expect(counted).toEqual(summary.counts);
    expect(Object.keys(counted).sort()).toEqual([...COMMANDS].sort());
    expect(summary.expected).toMatchObject({ asOf: '2026-06-30', parks: 94, parksWithUnion: 94 });

    expect(generate('--members', '5000', '--seed', '9', '--out', 'b.ndjson').status).toBe(0);
    expect(sha256('b.ndjson')).toBe(sha256('a.ndjson'));
    expect(generate('--members', '5000', '--seed', '10', '--out', 'c.ndjson').status).toBe(0);
    expect(sha256('c.ndjson')).not.toBe(sha256('a.ndjson'));
    expect(readdirSync(dir).sort()).toEqual(['a.ndjson', 'b.ndjson', 'c.ndjson']);
  }, 60_000);

  it('without --json, when it is done, then it prints one summary line with the count of every command', () => {
    const res = generate('--members', '1000', '--out', 'd.ndjson', '--years', '5', '--end-date', '2020-12-31');
    expect(res.status).toBe(0);
    expect(res.stdout.split('\n')).toHaveLength(2);
    for (const command of COMMANDS) expect(res.stdout).toMatch(new RegExp(`\\b${command} [\\d,]+`));
    expect(res.stdout).toMatch(/as of 2020-12-31: [\d,]+ members/);
    const last = readFileSync(join(dir, 'd.ndjson'), 'utf8').trimEnd().split('\n').at(-1)!;
    expect(JSON.parse(last).effectiveDate <= '2020-12-31').toBe(true);
  }, 60_000);

  it('given bad options, when it runs, then it exits 2 with one line naming the problem, no stack, and writes nothing', () => {
    for (const [args, problem] of [
      [['--out', 'bad.ndjson'], /--members is required/],
      [['--members', '1000'], /--out is required/],
      [['--members', 'many', '--out', 'bad.ndjson'], /--members must be a whole number/],
      [['--members', '99', '--out', 'bad.ndjson'], /--members must be an integer from 100/],
      [['--members', '1000', '--out', 'bad.ndjson', '--seed', '-1'], /--seed/],
      [['--members', '1000', '--out', 'bad.ndjson', '--years', '0'], /--years must be an integer from 1 to 40/],
      [['--members', '1000', '--out', 'bad.ndjson', '--end-date', '2026-02-30'], /--end-date must be a real calendar day/],
      [['--members', '1000', '--out', 'bad.ndjson', '--end-date', '1960-01-01'], /--end-date must be 1983-\d\d-\d\d or later/],
      [['--members', '1000', '--out', 'bad.ndjson', '--colour', 'red'], /Unknown option '--colour'/],
      [['--members', '1000', '--out', 'no-such-dir/bad.ndjson'], /--out: the directory .* does not exist/],
    ] as Array<[string[], RegExp]>) {
      const res = generate(...args);
      expect({ args, status: res.status, stdout: res.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(res.stderr).toMatch(/^ledger generate: .*\n$/);
      expect(res.stderr).toMatch(problem);
      expect(res.stderr).not.toMatch(/\bat .*\.js:\d+/);
    }
    expect(existsSync(join(dir, 'bad.ndjson'))).toBe(false);
    expect(existsSync(join(dir, 'bad.ndjson.partial'))).toBe(false);
  }, 60_000);
});
