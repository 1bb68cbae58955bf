import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { residentId } from '../support/ledger-app.js';
import { call, killAll, startProcess } from './ledger-process.js';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const withCheckX = (birth: string) => {
  for (let n = 0; n < 1000; n++) if (residentId(n, birth).endsWith('X')) return residentId(n, birth);
  throw new Error('no resident ID with check character X');
};

/** Process tests start node (about a second each on two cores): more than jest's default 5 s. */
const PROCESS_TEST_MS = 30_000;

describe('personal data at rest and in the output', () => {
  let dataDir: string;

  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-pii-'))));
  afterAll(async () => {
    await killAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'given members joined with known resident IDs and refusals that echo input, when the process has stopped, then no data file and no line of output holds a full resident ID number',
    async () => {
      const withX = withCheckX('19660315');
      const plain = residentId(11, '19820704');
      const refusedOnly = residentId(12, '19991231');
      const badCheck = plain.slice(0, 17) + (plain[17] === '7' ? '8' : '7');
      const secrets = [withX, plain, refusedOnly, badCheck];
      expect(withX).toMatch(/X$/);

      const proc = await startProcess(dataDir);
      const post = (path: string, body: unknown) => call(proc, 'POST', path, body);
      const join = (memberId: string, personId: string, extra: object = {}) =>
        post('/members', {
          memberId,
          personId,
          name: '赵六',
          category: 'migrant',
          enterpriseId: 'e1',
          effectiveDate: '2016-01-01',
          ...extra,
        });

      const bodies: string[] = [];
      const expectStatus = async (pending: Promise<{ status: number; text: string }>, status: number) => {
        const res = await pending;
        bodies.push(res.text);
        expect({ status: res.status, text: res.text }).toEqual({ status, text: expect.any(String) });
        return res;
      };
      await expectStatus(
        post('/parks', { parkId: 'p1', name: 'Park', cityId: 'c1', level: 'national', effectiveDate: '2012-01-01' }),
        201,
      );
      await expectStatus(
        post('/enterprises', { enterpriseId: 'e1', parkId: 'p1', name: 'E1', ownership: 'public', effectiveDate: '2012-01-01' }),
        201,
      );
      await expectStatus(join('m-x', withX.toLowerCase(), { commandId: 'join-m-x' }), 201);
      await expectStatus(join('m-x', withX, { commandId: 'join-m-x' }), 200);
      await expectStatus(join('m-plain', plain), 201);
      const duplicate = await expectStatus(join('m-dup', withX.toLowerCase()), 409);
      expect(JSON.parse(duplicate.text)).toMatchObject({
        code: 'PERSON_ALREADY_MEMBER',
        details: { memberId: 'm-x', parkId: 'p1' },
      });
      await expectStatus(join('m-dup', withX), 409);
      await expectStatus(join('m-plain', refusedOnly), 409);
      await expectStatus(join('m-bad', badCheck), 400);
      await expectStatus(join('m-bad', withX, { effectiveDate: '2099-01-01' }), 400);
      await expectStatus(join('m-bad', refusedOnly, { colour: 'red' }), 400);
      await expectStatus(post('/members', `{"memberId":"m-bad","personId":"${refusedOnly}",`), 400);
      await expectStatus(join('m-bad', refusedOnly, { name: 'x'.repeat(70_000) }), 413);
      await expectStatus(call(proc, 'GET', '/members/m-x'), 200);
      await expectStatus(call(proc, 'GET', '/members/m-x/history'), 200);
      await expectStatus(call(proc, 'GET', `/members/m-x?knownAt=${withX}`), 400);
      expect(bodies.join('\n')).toContain(`${withX.slice(0, 6)}********${withX.slice(14)}`);

      // Killed, not closed: the write-ahead log keeps what it holds, and is read too.
      expect(await proc.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

      const files = filesUnder(dataDir);
      expect(files.map((f) => f.slice(dataDir.length + 1))).toEqual(
        expect.arrayContaining(['events.sqlite', 'read-models.sqlite']),
      );
      const haystacks = [
        ...files.map((file) => ({ where: file, text: readFileSync(file).toString('latin1') })),
        { where: 'process output', text: proc.output() },
        { where: 'response bodies', text: bodies.join('\n') },
      ];
      expect(proc.output().length).toBeGreaterThan(0);
      // The raw bytes do hold the facts in clear (so the absence below means something): member ids and the mask.
      const atRest = haystacks
        .slice(0, files.length)
        .map((h) => h.text)
        .join('\n');
      expect(atRest).toContain('m-plain');
      expect(atRest).toContain(`${plain.slice(0, 6)}********${plain.slice(14)}`);
      const found = haystacks.flatMap(({ where, text }) =>
        secrets
          .flatMap((id) => [id.toUpperCase(), id.toLowerCase()])
          .filter((id) => text.includes(id))
          .map((id) => ({ where, id })),
      );
      expect(found).toEqual([]);
      // Names are sealed with each member's key: the name is in the responses, never in a file or a log line.
      expect(bodies.join('\n')).toContain('赵六');
      const nameBytes = Buffer.from('赵六', 'utf8').toString('latin1');
      const names = haystacks.slice(0, files.length + 1).filter(({ text }) => text.includes(nameBytes) || text.includes('赵六'));
      expect(names.map((h) => h.where)).toEqual([]);
    },
    PROCESS_TEST_MS,
  );
});
