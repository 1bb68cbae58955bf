// Single-command HTTP latency and throughput of the built service on the embedded store.
// Starts `node dist/src/main.js` on a temp dir, drives it over loopback with keep-alive
// connections, prints a table and appends it to BENCHMARKS.md (unless --smoke).
//   npm run bench                      full run
//   npm run bench -- --smoke           small sizes, nothing written (CI)
//   npm run bench -- --joins 5000 --connections 50
import { benchArgs, freePort, serverMsOf } from './bench-kit.mjs';
import { spawn, execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

const args = benchArgs();
const smoke = args.smoke === 'true';
const sequential = Number(args.sequential ?? (smoke ? 100 : 1000));
const joins = Number(args.joins ?? (smoke ? 500 : 5000));
const connections = Number(args.connections ?? (smoke ? 10 : 50));

const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
let port;
function post(path, body) {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            serverMs: serverMsOf(res),
            text,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function residentId(n) {
  const birth = new Date(Date.UTC(1970, 0, 1) + (n % 12000) * 86400000).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `3601${String(Math.floor(n / 12000) % 100).padStart(2, '0')}${birth}${String(n % 1000).padStart(3, '0')}`;
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
function summarise(name, samples, seconds, count) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const bad = samples.filter((s) => s.status !== 201);
  if (bad.length > 0) throw new Error(`${name}: ${bad.length} requests failed, first: ${bad[0].status} ${bad[0].text}`);
  if (samples.some((s) => s.serverMs === undefined)) throw new Error(`${name}: an answer came without Server-Timing: app;dur=…`);
  const serverMs = samples.map((s) => s.serverMs).sort((a, b) => a - b);
  return {
    name,
    count,
    perSecond: Math.round(count / seconds),
    p50: pct(ms, 50),
    p95: pct(ms, 95),
    p99: pct(ms, 99),
    max: ms.at(-1),
    serverP50: pct(serverMs, 50),
    serverP99: pct(serverMs, 99),
  };
}

async function run(name, count, concurrency, makeRequest) {
  const samples = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        samples.push(await makeRequest(i));
      }
    }),
  );
  return summarise(name, samples, Number(process.hrtime.bigint() - started) / 1e9, count);
}

if (!existsSync('dist/src/main.js')) execSync('npm run build', { stdio: 'inherit' });
// The bench signs its own admin token and lifts the per-user rate limit: it measures commands.
const signingKey = randomBytes(32);
const { Tokens } = await import('../dist/src/auth/tokens.js');
const authorization = `Bearer ${new Tokens(signingKey).issue({ sub: 'bench', role: 'provincial-admin' }, '2h')}`;
port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
const server = spawn(process.execPath, ['dist/src/main.js'], {
  env: {
    ...process.env,
    PORT: String(port),
    LEDGER_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LEDGER_TOKEN_SIGNING_KEY: signingKey.toString('base64'),
    LEDGER_RATE_LIMIT_PER_MINUTE: '100000000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((r) =>
      http.get({ host: '127.0.0.1', port, path: '/health' }, (res) => r(res.statusCode === 200)).on('error', () => r(false)),
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const enterprises = 50;
  await post('/parks', { parkId: 'p1', name: 'Bench park', cityId: 'c1', level: 'national', effectiveDate: '2015-01-01' });
  for (let e = 0; e < enterprises; e++)
    await post('/enterprises', {
      enterpriseId: `e${e}`,
      parkId: 'p1',
      name: `E${e}`,
      ownership: 'non-public',
      effectiveDate: '2015-01-02',
    });
  const join = (offset) => (i) =>
    post('/members', {
      memberId: `m${offset + i}`,
      personId: residentId(offset + i),
      name: '测试',
      category: 'migrant',
      enterpriseId: `e${(offset + i) % enterprises}`,
      effectiveDate: '2016-01-01',
    });
  const results = [];
  results.push(await run('join, 1 connection', sequential, 1, join(0)));
  results.push(await run(`join, ${connections} connections`, joins, connections, join(sequential)));
  results.push(
    await run(`transfer, ${connections} connections`, joins, connections, (i) =>
      post(`/members/m${sequential + i}/transfer`, {
        toEnterpriseId: `e${(sequential + i + 1) % enterprises}`,
        effectiveDate: '2016-06-01',
      }),
    ),
  );
  results.push(
    await run(`headcount, ${connections} connections`, joins, connections, (i) =>
      post(`/enterprises/e${i % enterprises}/headcount`, { employees: 100 + (i % 50), effectiveDate: '2016-06-30' }),
    ),
  );
  const rssKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]);
  const header =
    '| phase | requests | commands/s | p50 ms | p95 ms | p99 ms | max ms | service p50 ms | service p99 ms |\n' +
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.count} | ${r.perSecond} | ${r.p50.toFixed(2)} | ${r.p95.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.max.toFixed(2)} | ` +
      `${r.serverP50.toFixed(2)} | ${r.serverP99.toFixed(2)} |`,
  );
  let commit = 'uncommitted';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {}
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const report = [
    `## HTTP commands on the embedded store — ${new Date().toISOString().slice(0, 10)}, commit ${commit}`,
    '',
    `Machine: ${machine}. Server peak RSS: ${(rssKiB / 1024).toFixed(0)} MiB. Loopback, keep-alive, SQLite WAL, every commit synced (fdatasync) before it is answered.`,
    `Command: \`npm run bench -- --sequential ${sequential} --joins ${joins} --connections ${connections}\``,
    '',
    header,
    ...rows,
    '',
    "p50…max: the round trip at the benchmark client, which shares the two cores with the service. service: the service's own time " +
      'of the same answers, from its `Server-Timing: app;dur` header (request in to answer written, its commit synced); ' +
      'with many connections, the rest is time spent queued before the service reads the request.',
    '',
  ].join('\n');
  console.log(report);
  if (!smoke) appendFileSync('BENCHMARKS.md', '\n' + report);
  console.log(smoke ? 'bench smoke: ok (nothing written)' : 'appended to BENCHMARKS.md');
} finally {
  server.kill('SIGTERM');
  agent.destroy();
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
