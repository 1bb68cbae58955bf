import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExpectedFigures } from '../../src/synthetic-province/synthetic-province.js';
import { generatedCounts } from '../support/generated-figures.js';
import { residentId } from '../support/ledger-app.js';

/*
 * `ledger import` as a child process (bin/ledger.js on the built code) over a temp data dir:
 * a generated province is imported whole, a second run records nothing, and a run killed with
 * SIGKILL part way through is finished by running it again, ending exactly where an
 * uninterrupted import ends.
 */

const CLI = join(process.cwd(), 'bin', 'ledger.js');
/** One person-hash key for every data dir here, so the derived commandIds (and event ids) of two dirs can be compared. */
const PERSON_HASH_KEY = Buffer.alloc(32, 3).toString('base64');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const envFor = (dataDir: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, LEDGER_DATA_DIR: dataDir, LEDGER_PERSON_HASH_KEY: PERSON_HASH_KEY };
  delete env.LOG_LEVEL;
  delete env.EVENTSTORE_CONNECTION_STRING;
  return env;
};

function ledger(dataDir: string, cwd: string, ...args: string[]): Run {
  const res = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: envFor(dataDir),
    encoding: 'utf8',
    timeout: 90_000,
    maxBuffer: 1 << 26,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

interface Generated {
  readonly file: string;
  readonly lines: number;
  readonly expected: ExpectedFigures;
}

function generate(dir: string, members: number, name: string): Generated {
  const res = ledger(join(dir, 'unused'), dir, 'generate', '--members', String(members), '--seed', '7', '--out', name, '--json');
  expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  return JSON.parse(res.stdout) as Generated;
}

/** Every event's identity in log order (position, id, stream, revision, type); data too where no random key touches it. */
function logOf(dataDir: string): { count: number; digest: string; keys: number } {
  const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  const keys = new Database(join(dataDir, 'member-keys.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    const rows = events
      .prepare(
        `SELECT position, event_id, stream, revision, type,
                CASE WHEN type IN ('MemberJoined', 'PersonMembershipClaimed') THEN '' ELSE data END AS data
           FROM events ORDER BY position`,
      )
      .raw()
      .iterate() as IterableIterator<unknown[]>;
    let count = 0;
    for (const row of rows) {
      hash.update(`${JSON.stringify(row)}\n`);
      count++;
    }
    const counted = events.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number };
    expect(counted.n).toBe(count);
    const keyCount = keys.prepare('SELECT COUNT(*) AS n FROM member_keys').get() as { n: number };
    return { count, digest: hash.digest('hex'), keys: keyCount.n };
  } finally {
    events.close();
    keys.close();
  }
}

const eventCount = (dataDir: string): number => {
  if (!existsSync(join(dataDir, 'events.sqlite'))) return 0;
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

function figures(dataDir: string, cwd: string, asOf: string): { totals: Record<string, unknown>; groups: unknown[] } {
  const res = ledger(dataDir, cwd, 'figures', '--scope', 'province', '--as-of', asOf, '--group-by', 'park', '--format', 'json');
  expect({ status: res.status, stderr: res.stderr }).toEqual({ status: 0, stderr: '' });
  const answer = JSON.parse(res.stdout) as { totals: Record<string, unknown>; groups: unknown[] };
  return { totals: answer.totals, groups: answer.groups };
}

describe('ledger import: a file of commands into the store, from the command line', () => {
  let dir: string;
  let small: Generated;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-import-cli-'));
    small = generate(dir, 3000, 'small.ndjson');
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('given a generated province of 3,000 member ids, then every line is accepted (exit 0); run again, every line is a duplicate and nothing is recorded', () => {
    const data = join(dir, 'small-data');
    const first = ledger(data, dir, 'import', 'small.ndjson', '--json');
    expect({ status: first.status, stdout: first.stdout.split('\n').length }).toEqual({ status: 0, stdout: 2 });
    const answer = JSON.parse(first.stdout);
    expect(answer).toMatchObject({
      accepted: small.lines,
      duplicates: 0,
      rejected: 0,
      errors: [],
      errorsOmitted: 0,
      position: expect.stringMatching(/^[1-9]\d*$/),
      recordedAt: expect.any(String),
    });
    expect(Object.keys(answer).sort()).toEqual(
      [
        'accepted',
        'duplicates',
        'rejected',
        'errors',
        'errorsOmitted',
        'position',
        'recordedAt',
        'seconds',
        'linesPerSecond',
        'peakRssMiB',
      ].sort(),
    );
    expect(first.stderr).toMatch(
      new RegExp(`import: ${small.lines.toLocaleString('en')} accepted, 0 duplicates, 0 rejected in `),
    );
    const log = logOf(data);
    expect(String(log.count)).toBe(answer.position);

    const again = ledger(data, dir, 'import', join(dir, 'small.ndjson'), '--json');
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      accepted: 0,
      duplicates: small.lines,
      rejected: 0,
      errors: [],
      position: answer.position,
      recordedAt: null,
    });
    expect(logOf(data)).toEqual(log);
    expect(figures(data, dir, small.expected.asOf).totals).toMatchObject(generatedCounts(small.expected));
  }, 90_000);

  it('given a run killed with SIGKILL part way, when it is run again, then the ledger ends exactly as after one uninterrupted run', async () => {
    const large = generate(dir, 30000, 'large.ndjson');
    const killed = join(dir, 'killed-data');
    const whole = join(dir, 'whole-data');

    // Killed once its first batch is written (the progress line follows each written batch), well before the end.
    const child = spawn(process.execPath, [CLI, 'import', 'large.ndjson', '--json'], { cwd: dir, env: envFor(killed) });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const started = Date.now();
    while (!/\d lines/.test(stderr) && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 25));
    expect(stderr).toMatch(/\d lines/);
    await new Promise((r) => setTimeout(r, 600));
    child.kill('SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(stdout).toBe('');
    const partial = eventCount(killed);
    expect(partial).toBeGreaterThan(0);

    const resumed = ledger(killed, dir, 'import', 'large.ndjson', '--json');
    expect(resumed.status).toBe(0);
    const second = JSON.parse(resumed.stdout);
    expect(second).toMatchObject({ rejected: 0, errors: [] });
    expect(second.duplicates).toBeGreaterThan(0);
    expect(second.accepted).toBeGreaterThan(0);
    expect(second.accepted + second.duplicates).toBe(large.lines);

    const uninterrupted = ledger(whole, dir, 'import', 'large.ndjson', '--json');
    expect(uninterrupted.status).toBe(0);
    expect(JSON.parse(uninterrupted.stdout)).toMatchObject({ accepted: large.lines, duplicates: 0, rejected: 0 });

    const resumedLog = logOf(killed);
    expect(partial).toBeLessThan(resumedLog.count);
    expect(resumedLog).toEqual(logOf(whole));
    expect(resumedLog.keys).toBe(30000);
    const resumedFigures = figures(killed, dir, large.expected.asOf);
    expect(resumedFigures).toEqual(figures(whole, dir, large.expected.asOf));
    expect(resumedFigures.totals).toMatchObject(generatedCounts(large.expected));
  }, 120_000);

  it('given some lines the ledger refuses, then exit 1, each one printed with its line, code, message and details, all of them in --errors with the API’s details', () => {
    const data = join(dir, 'refused-data');
    const lines = [
      '{"command":"registerPark","parkId":"p-1","name":"高新区","cityId":"nanchang","level":"national","effectiveDate":"2015-03-01"}',
      '{"command":"registerPark",',
      '{"command":"leave","memberId":"m-404","reason":"resigned","effectiveDate":"2016-01-01"}',
      '{"command":"establishParkUnion","parkId":"p-1","effectiveDate":"2015-06-01"}',
      '{"command":"leave","memberId":"m13","reason":"retired","effectiveDate":"2099-01-01"}',
      '{"command":"registerEnterprise","enterpriseId":"e-1","parkId":"p-1","name":"甲公司","ownership":"public","effectiveDate":"2015-04-01"}',
      `{"command":"join","memberId":"m-1","personId":"${residentId(1)}","name":"张三","category":"migrant","enterpriseId":"e-1","effectiveDate":"2016-03-01"}`,
      `{"command":"join","memberId":"m-2","personId":"${residentId(1)}","name":"张三","category":"migrant","enterpriseId":"e-1","effectiveDate":"2016-04-01"}`,
      `{"command":"join","memberId":"m-3","personId":"${residentId(3, '20300101')}","name":"李四","category":"migrant","enterpriseId":"e-1","effectiveDate":"2016-04-01"}`,
    ];
    writeFileSync(join(dir, 'refused.ndjson'), `${lines.join('\n')}\n`);
    const run = ledger(data, dir, 'import', 'refused.ndjson', '--errors', 'refused-errors.ndjson');
    expect(run.status).toBe(1);
    const afterToday = /effectiveDate must not be after today \(\d{4}-\d{2}-\d{2}, Asia\/Shanghai\)/;
    const bornAfterToday = /personId holds a birth date in the future \(after today, \d{4}-\d{2}-\d{2}, Asia\/Shanghai\)/;
    const printed = run.stdout.split('\n');
    expect(printed).toEqual([
      expect.stringMatching(/^line 2: INVALID_JSON: the line is not valid JSON: /),
      'line 3: NOT_FOUND: Member m-404 does not exist {"memberId":"m-404"}',
      expect.stringMatching(new RegExp(`^line 5: VALIDATION_FAILED: the request is not valid: ${afterToday.source}$`)),
      'line 8: PERSON_ALREADY_MEMBER: this person is already a member under member id m-1 {"memberId":"m-1","parkId":"p-1"}',
      expect.stringMatching(new RegExp(`^line 9: VALIDATION_FAILED: the request is not valid: ${bornAfterToday.source}$`)),
      expect.stringMatching(/^recorded up to position \d+, last at \d{4}-\d{2}-\d{2}T\S+$/),
      '',
    ]);
    // The same file again: every accepted line is a duplicate, and the last line says nothing new was recorded.
    const again = ledger(data, dir, 'import', 'refused.ndjson');
    expect(again.status).toBe(1);
    expect(again.stdout.split('\n').slice(-2)).toEqual([
      expect.stringMatching(/^nothing new recorded; the log ends at position \d+$/),
      '',
    ]);
    const written = readFileSync(join(dir, 'refused-errors.ndjson'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(written).toEqual([
      { line: 2, code: 'INVALID_JSON', message: expect.stringMatching(/^the line is not valid JSON: /) },
      { line: 3, code: 'NOT_FOUND', message: 'Member m-404 does not exist', details: { memberId: 'm-404' } },
      {
        line: 5,
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(afterToday),
        details: [{ field: 'effectiveDate', messages: [expect.stringMatching(afterToday)] }],
      },
      {
        line: 8,
        code: 'PERSON_ALREADY_MEMBER',
        message: 'this person is already a member under member id m-1',
        details: { memberId: 'm-1', parkId: 'p-1' },
      },
      {
        line: 9,
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(bornAfterToday),
        details: [{ field: 'personId', messages: [expect.stringMatching(bornAfterToday)] }],
      },
    ]);
  }, 60_000);

  it('given a CSV with Chinese headers, then it is read as CSV from its extension; an unknown column refuses the whole file with exit 2', () => {
    const data = join(dir, 'csv-data');
    writeFileSync(
      join(dir, 'parks.csv'),
      '\ufeff操作,园区编号,名称,设区市编号,园区级别,生效日期\r\n登记园区,p-1,"南昌高新区",nanchang,国家级,2015-03-01\r\n建立园区工会,p-1,,,,2015-06-01\r\n',
    );
    const run = ledger(data, dir, 'import', 'parks.csv', '--json');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ accepted: 2, duplicates: 0, rejected: 0 });

    writeFileSync(join(dir, 'bad-header.csv'), '操作,园区编号,电话\n登记园区,p-2,123\n');
    const refused = ledger(data, dir, 'import', 'bad-header.csv');
    expect({ status: refused.status, stdout: refused.stdout }).toEqual({ status: 2, stdout: '' });
    expect(refused.stderr).toMatch(/^ledger import: IMPORT_HEADER_INVALID: .*"unknownColumns":\["电话"\]/);
    expect(logOf(data).count).toBe(2);
  }, 60_000);

  it('given a file that does not exist, an empty file, or bad options, then exit 2 with one line naming the problem, and nothing written', () => {
    const data = join(dir, 'untouched-data');
    mkdirSync(data);
    writeFileSync(join(dir, 'empty.ndjson'), '');
    for (const [args, problem] of [
      [['import', 'no-such-file.ndjson'], /no such file: .*no-such-file\.ndjson/],
      [['import', '.'], /ledger-import-cli-\w+ is a directory: give the file to import/],
      [['import', 'empty.ndjson'], /empty\.ndjson is empty: nothing to import/],
      [['import'], /give one file to import/],
      [['import', 'small.ndjson', 'other.ndjson'], /give one file to import/],
      [['import', 'small.ndjson', '--format', 'xml'], /--format must be ndjson or csv/],
      [['import', 'small.ndjson', '--colour'], /Unknown option '--colour'/],
      [['import', 'small.ndjson', '--max-memory', '512'], /--max-memory must be a whole number of MiB, at least 896, not "512"/],
    ] as Array<[string[], RegExp]>) {
      const run = ledger(data, dir, ...args);
      expect({ args, status: run.status, stdout: run.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect({ args, stderr: run.stderr }).toEqual({ args, stderr: expect.stringMatching(/^ledger import: [^\n]*\n$/) });
      expect({ args, stderr: run.stderr }).toEqual({ args, stderr: expect.stringMatching(problem) });
    }
    expect(existsSync(join(data, 'events.sqlite'))).toBe(false);
  }, 60_000);

  it('given a file of blank lines only, then exit 2 and EMPTY_IMPORT as the last line, with no details after it', () => {
    writeFileSync(join(dir, 'blank.ndjson'), '\n  \n\n');
    const run = ledger(join(dir, 'blank-data'), dir, 'import', 'blank.ndjson');
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: '' });
    expect(run.stderr).toMatch(/\nledger import: EMPTY_IMPORT: the file holds no commands\n$/);
  }, 60_000);
});
