import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residentId } from '../support/ledger-app.js';
import { call, killAll, type LedgerProcess, startProcess } from './ledger-process.js';

/*
 * `ledger figures` and `ledger statement` as child processes (bin/ledger.js on the built code)
 * over a data dir that the built service seeded and then left: the CLI answers with the numbers
 * the service answered over HTTP, in every output format; bad options exit 2 with one line.
 */

const CLI = join(process.cwd(), 'bin', 'ledger.js');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function ledger(dataDir: string, ...args: string[]): Run {
  return ledgerWith({}, dataDir, ...args);
}

function ledgerWith(extraEnv: NodeJS.ProcessEnv, dataDir: string, ...args: string[]): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, LEDGER_DATA_DIR: dataDir };
  delete env.LOG_LEVEL;
  const res = spawnSync(process.execPath, [CLI, ...args], {
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Minimal RFC 4180 reading (the answers hold no quoted fields: ids and labels have no comma or quote). */
const csvRows = (text: string) => {
  expect(text.startsWith('\uFEFF')).toBe(true);
  expect(text.endsWith('\r\n')).toBe(true);
  return text
    .slice(1, -2)
    .split('\r\n')
    .map((line) => line.split(','));
};

const fileHash = (file: string) => (existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : null);
const readModelFiles = (dir: string) => ['', '-wal', '-shm'].map((s) => fileHash(join(dir, `read-models.sqlite${s}`)));

describe('the figures and statement CLI', () => {
  const dirs: string[] = [];
  let dataDir: string;
  /** What the service answered over HTTP before it stopped. */
  const http: Record<string, any> = {};
  let reportedAt: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
    dirs.push(dataDir);
    const service: LedgerProcess = await startProcess(dataDir);
    try {
      const post = async (path: string, body: object) => {
        const res = await call(service, 'POST', path, body);
        if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
      };
      await post('/parks', { parkId: 'p-a', name: 'A', cityId: 'nanchang', level: 'national', effectiveDate: '2016-01-01' });
      await post('/parks', { parkId: 'p-b', name: 'B', cityId: 'jiujiang', level: 'provincial', effectiveDate: '2016-01-01' });
      await post('/parks/p-a/union', { effectiveDate: '2016-01-02' });
      for (const [enterpriseId, parkId, employees] of [
        ['e-a', 'p-a', 9],
        ['e-b', 'p-b', 4],
      ] as const) {
        await post('/enterprises', {
          enterpriseId,
          parkId,
          name: enterpriseId,
          ownership: 'non-public',
          effectiveDate: '2016-01-01',
        });
        await post(`/enterprises/${enterpriseId}/headcount`, { employees, effectiveDate: '2016-01-01' });
      }
      await post('/enterprises/e-a/union', { effectiveDate: '2016-02-01' });
      const join = (memberId: string, n: number, enterpriseId: string, category: string, effectiveDate: string) =>
        post('/members', { memberId, personId: residentId(n), name: '李四', category, enterpriseId, effectiveDate });
      await join('m-1', 1, 'e-a', 'regular', '2016-02-01');
      await join('m-2', 2, 'e-a', 'migrant', '2016-02-02');
      await join('m-3', 3, 'e-a', 'migrant', '2016-02-03');
      await join('m-4', 4, 'e-b', 'dispatched', '2016-02-04');
      await post('/members/m-3/transfer', { toEnterpriseId: 'e-b', effectiveDate: '2016-03-01' });
      await post('/members/m-2/leave', { reason: 'resigned', effectiveDate: '2016-04-01' });
      const figures = await call(service, 'GET', '/figures?scope=province&asOf=2016-06-30&groupBy=park');
      reportedAt = figures.body.knownAt;
      // A late entry after the "report": --known-at must cut it off as the HTTP query does.
      await join('m-5', 5, 'e-b', 'migrant', '2016-05-01');
      for (const [name, path] of [
        ['figures', '/figures?scope=province&asOf=2016-06-30&groupBy=park'],
        ['reported', `/figures?scope=province&asOf=2016-06-30&groupBy=park&knownAt=${encodeURIComponent(reportedAt)}`],
        ['park', '/figures?scope=park:p-b&asOf=2016-06-30'],
        ['statement', '/statement?scope=park:p-a&from=2016-01-01&to=2016-06-30'],
        ['changes', `/figures/changes?scope=province&asOf=2016-06-30&since=${encodeURIComponent(reportedAt)}&limit=1000`],
      ]) {
        const res = await call(service, 'GET', path);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        http[name] = res.body;
      }
    } finally {
      await service.stop('SIGTERM');
    }
  }, 60_000);
  afterAll(async () => {
    await killAll();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('given --format json, then exactly the service’s JSON answers, --known-at included', () => {
    const figures = ledger(
      dataDir,
      'figures',
      '--scope',
      'province',
      '--as-of',
      '2016-06-30',
      '--group-by',
      'park',
      '--format',
      'json',
    );
    expect({ status: figures.status, stderr: figures.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(figures.stdout)).toEqual(http.figures);
    const reported = ledger(
      dataDir,
      'figures',
      '--scope=province',
      '--as-of=2016-06-30',
      '--group-by=park',
      `--known-at=${reportedAt}`,
      '--format=json',
    );
    expect(JSON.parse(reported.stdout)).toEqual(http.reported);
    expect(http.reported.totals.members).toBe(http.figures.totals.members - 1);
    const statement = ledger(
      dataDir,
      'statement',
      '--scope',
      'park:p-a',
      '--from',
      '2016-01-01',
      '--to',
      '2016-06-30',
      '--format',
      'json',
    );
    expect(JSON.parse(statement.stdout)).toEqual(http.statement);
  }, 60_000);

  it('given --format csv, then a header row, one row per park and a total row with the HTTP numbers', () => {
    const run = ledger(
      dataDir,
      'figures',
      '--scope',
      'province',
      '--as-of',
      '2016-06-30',
      '--group-by',
      'park',
      '--format',
      'csv',
    );
    expect(run.status).toBe(0);
    const [header, ...rows] = csvRows(run.stdout);
    expect(header.slice(0, 7)).toEqual(['Scope', 'As of', 'Known at', 'Log position', 'Grouped by', 'Group', 'Members']);
    const col = (label: string) => header.indexOf(label);
    const groups: Array<{ key: string; totals: any }> = http.figures.groups;
    const expected = [...groups.map((g) => [g.key, g.totals] as const), ['(total)', http.figures.totals] as const];
    expect(rows.map((r) => r[col('Group')])).toEqual(expected.map(([k]) => k));
    rows.forEach((row, i) => {
      const totals = expected[i][1];
      expect(row.slice(0, 4)).toEqual(['province', '2016-06-30', http.figures.knownAt, http.figures.position]);
      expect(Number(row[col('Members')])).toBe(totals.members);
      expect(Number(row[col('Migrant worker members')])).toBe(totals.byCategory.migrant);
      expect(Number(row[col('Employees')])).toBe(totals.employees);
      expect(Number(row[col('Membership rate')])).toBe(totals.membershipRate);
      expect(Number(row[col('Union establishment rate')])).toBe(totals.unionEstablishmentRate);
    });
    const zh = ledger(
      dataDir,
      'statement',
      '--scope',
      'park:p-a',
      '--from',
      '2016-01-01',
      '--to',
      '2016-06-30',
      '--format',
      'csv',
      '--lang',
      'zh',
    );
    const [zhHeader, ...lines] = csvRows(zh.stdout);
    expect(zhHeader).toEqual(['范围', '起始日期', '截止日期', '记录截至时点', '日志位置', '项目代码', '项目', '数量']);
    const counts = Object.fromEntries(lines.map((l) => [l[5], Number(l[7])]));
    expect(counts).toMatchObject({
      opening: http.statement.opening,
      'joined.total': http.statement.joined.total,
      'left.byReason.resigned': http.statement.left.byReason.resigned,
      transferredOut: http.statement.transferredOut,
      closing: http.statement.closing,
    });
  }, 60_000);

  it('given --format table, then aligned columns with the HTTP numbers, rates as percentages, in English or Chinese', () => {
    const run = ledger(dataDir, 'figures', '--scope', 'park:p-b', '--as-of', '2016-06-30');
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Scope         park:p-b',
      'As of         2016-06-30',
      `Known at      ${http.park.knownAt}`,
      `Log position  ${http.park.position}`,
    ]);
    const [header, rule, total] = lines.slice(5);
    expect(header.split(/\s{2,}/)).toEqual([
      'Group',
      'Members',
      'Regular members',
      'Migrant worker members',
      'Dispatched worker members',
      'Employees',
      'Membership rate',
      'Enterprises',
      'Enterprises with a union',
      'Union establishment rate',
      ...(http.park.totals.pendingTransfersIn !== undefined ? ['Pending transfers in', 'Pending transfers out'] : []),
    ]);
    expect(rule).toMatch(/^-+( +-+)+$/);
    // Every column ends where its header does: numbers are right-aligned under their header.
    expect(total.length).toBe(header.length);
    const t = http.park.totals;
    expect(total.split(/\s+/).slice(0, 10)).toEqual([
      '(total)',
      String(t.members),
      String(t.byCategory.regular),
      String(t.byCategory.migrant),
      String(t.byCategory.dispatched),
      String(t.employees),
      `${(t.membershipRate * 100).toFixed(2)}%`,
      String(t.enterprises),
      String(t.enterprisesWithUnion),
      t.unionEstablishmentRate === null ? '-' : `${(t.unionEstablishmentRate * 100).toFixed(2)}%`,
    ]);
    const zh = ledger(dataDir, 'figures', '--scope', 'park:p-b', '--as-of', '2016-06-30', '--format', 'table', '--lang', 'zh');
    expect(zh.stdout).toMatch(/^范围 {10}park:p-b$/m);
    expect(zh.stdout).toMatch(/^分组 +会员人数 +普通职工会员 +农民工会员/m);
    expect(zh.stdout).toMatch(/^合计 /m);
  }, 60_000);

  it('given --format xlsx --out, then a workbook with numeric cells equal to the HTTP answer, rates as percentages', async () => {
    const out = join(dataDir, 'figures.xlsx');
    const run = ledger(
      dataDir,
      'figures',
      '--scope',
      'province',
      '--as-of',
      '2016-06-30',
      '--group-by',
      'park',
      '--format',
      'xlsx',
      '--out',
      out,
    );
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 0, stdout: '' });
    expect(run.stderr).toBe(`ledger figures: wrote ${out}\n`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const col = (label: string) => header.indexOf(label) + 1;
    const groups: Array<{ key: string; totals: any }> = http.figures.groups;
    const expected = [...groups.map((g) => g.totals), http.figures.totals];
    expect(sheet.rowCount).toBe(1 + expected.length);
    expected.forEach((totals, i) => {
      const row = sheet.getRow(2 + i);
      expect(row.getCell(col('Members')).value).toBe(totals.members);
      expect(row.getCell(col('Employees')).value).toBe(totals.employees);
      const rate = row.getCell(col('Membership rate'));
      expect({ value: rate.value, type: rate.type, numFmt: rate.numFmt }).toEqual({
        value: totals.membershipRate,
        type: ExcelJS.ValueType.Number,
        numFmt: '0.00%',
      });
    });
  }, 60_000);

  it('given ledger changes since the report, then the late entry with its effect, as the service answered it, in JSON, CSV and a table', () => {
    const args = ['changes', '--scope', 'province', '--as-of', '2016-06-30', '--since', reportedAt];
    const json = ledger(dataDir, ...args, '--format', 'json');
    expect({ status: json.status, stderr: json.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual(http.changes);
    expect(http.changes.entries).toEqual([
      expect.objectContaining({ type: 'MemberJoined', memberId: 'm-5', enterpriseId: 'e-b', effect: 1 }),
    ]);
    const csv = ledger(dataDir, ...args, '--format', 'csv');
    expect(csv.status).toBe(0);
    const [header, ...rows] = csvRows(csv.stdout);
    const line = header.indexOf('Line');
    const members = header.indexOf('Members');
    expect(rows.map((r) => [r[line], r[header.indexOf('Member id')], Number(r[members])])).toEqual([
      ['before', '', http.changes.before.members],
      ['change', 'm-5', 1],
      ['after', '', http.changes.after.members],
    ]);
    const table = ledger(dataDir, ...args, '--lang', 'zh');
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^范围 +province$/m);
    expect(table.stdout).toMatch(/^变更 .*m-5/m);
  }, 60_000);

  it('given bad options, then exit 2 with one line on stderr and nothing on stdout', () => {
    const f = ['figures', '--scope', 'province', '--as-of', '2016-06-30'];
    const s = ['statement', '--scope', 'park:p-a', '--from', '2016-01-01', '--to', '2016-06-30'];
    for (const [args, message] of [
      [[...f, '--format', 'pdf'], /--format must be one of table, csv, xlsx, json/],
      [[...f, '--lang', 'fr'], /--lang must be one of en, zh/],
      [[...f, '--format', 'json', '--lang', 'zh'], /--lang sets the headers of table, csv and xlsx output; --format json keeps/],
      [[...s, '--format', 'json', '--lang', 'en'], /--lang sets the headers of table, csv and xlsx output/],
      [[...f, '--format', 'xlsx'], /--format xlsx needs --out/],
      [[...f, '--group-by', 'street'], /--group-by must be one of city, park, category/],
      [[...f, '--bogus'], /Unknown option '--bogus'/],
      [['figures', '--as-of', '2016-06-30'], /--scope is required/],
      [['figures', '--scope', 'county:x', '--as-of', '2016-06-30'], /--scope must be province/],
      [['figures', '--scope', 'province', '--as-of', '2016-02-30'], /--as-of must be a real calendar day/],
      [[...f, '--known-at', '2016-07-01T09:00:00'], /--known-at must be an ISO 8601 instant with an offset/],
      [
        ['figures', '--scope', 'park:p-a', '--as-of', '2016-06-30', '--group-by', 'city'],
        /--group-by: a park scope can be grouped by category/,
      ],
      [['figures', '--scope', 'park:nowhere', '--as-of', '2016-06-30'], /Park nowhere does not exist/],
      [[...s.slice(0, 5), '--to', '2015-12-31'], /--from: from must not be after to/],
      [[...s, '--format', 'xlsx'], /--format xlsx needs --out/],
      [[...f, '--format', 'csv', '--out', '/nonexistent-dir/x.csv'], /--out: the directory \/nonexistent-dir does not exist/],
      [[...s, '--format', 'xlsx', '--out', tmpdir()], /--out: .* is a directory; name a file/],
      [['changes', '--scope', 'province', '--as-of', '2016-06-30'], /--since is required/],
      [
        ['changes', '--scope', 'province', '--as-of', '2016-06-30', '--since', '2016-07-01T09:00:00Z', '--known-at', reportedAt],
        /--known-at does not apply to changes, which run from --since to --until/,
      ],
      [
        ['changes', '--scope', 'province', '--as-of', '2016-06-30', '--since', '2016-07-01T09:00:00Z', '--until', 'yesterday'],
        /--until must be an ISO 8601 instant with an offset/,
      ],
      [
        [
          'changes',
          '--scope',
          'province',
          '--as-of',
          '2016-06-30',
          '--since',
          '2016-07-01T09:00:00Z',
          '--until',
          '2016-06-01T00:00:00Z',
        ],
        /--since: since must not be after until/,
      ],
    ] as const) {
      const run = ledger(dataDir, ...args);
      const command = args[0];
      expect({ args, status: run.status, stdout: run.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect({ args, stderr: run.stderr }).toEqual({
        args,
        stderr: expect.stringMatching(new RegExp(`^ledger ${command}: [^\\n]*\\n$`)),
      });
      expect({ args, stderr: run.stderr }).toEqual({ args, stderr: expect.stringMatching(message) });
    }
    const empty = mkdtempSync(join(tmpdir(), 'ledger-cli-empty-'));
    dirs.push(empty);
    const none = ledger(empty, ...f);
    expect({ status: none.status, stderr: none.stderr }).toEqual({
      status: 2,
      stderr: `ledger figures: no ledger in ${empty} (events.sqlite not found); set LEDGER_DATA_DIR\n`,
    });
  }, 120_000);

  it('given the read models, then the CLI leaves them untouched; without them, it answers the same from the log and writes none', () => {
    const before = readModelFiles(dataDir);
    expect(before[0]).not.toBeNull();
    const args = ['figures', '--scope', 'province', '--as-of', '2016-06-30', '--group-by', 'park', '--format', 'json'];
    // Its private copy goes to the temporary folder and is gone when it ends.
    const scratch = mkdtempSync(join(tmpdir(), 'ledger-cli-tmp-'));
    dirs.push(scratch);
    const copied = ledgerWith({ TMPDIR: scratch }, dataDir, ...args);
    expect(copied.status).toBe(0);
    expect(JSON.parse(copied.stdout)).toEqual(http.figures);
    expect(readdirSync(scratch)).toEqual([]);
    // Where no temporary folder can be made, the copy is made in memory, with the same answer.
    const inMemory = ledgerWith({ TMPDIR: join(scratch, 'missing') }, dataDir, ...args);
    expect({ status: inMemory.status, stderr: inMemory.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(inMemory.stdout)).toEqual(http.figures);
    expect(readModelFiles(dataDir)).toEqual(before);
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `read-models.sqlite${suffix}`), { force: true });
    const fromLog = ledger(dataDir, ...args);
    expect(fromLog.status).toBe(0);
    expect(JSON.parse(fromLog.stdout)).toEqual(http.figures);
    expect(readModelFiles(dataDir)).toEqual([null, null, null]);
  }, 60_000);
});
