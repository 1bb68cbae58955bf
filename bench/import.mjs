// Bulk import of a synthetic province, in six phases, each timed with the peak RSS of the process doing the work:
//   1. `ledger generate` writes the province file;
//   2. `ledger import` of the whole file into a fresh data dir (end-to-end and reported lines/s);
//   3. the same file imported again: every line a duplicate;
//   4. kill -9 of an import at a random point (the process start-up, then 20–80 % of phase 2's import
//      time as the CLI reports it), run again to the end:
//      the events and the province figures must be identical to phase 2's (--no-kill skips it);
//   5. the service started on phase 2's dir: time until its projections caught up; then `ledger rebuild`;
//   6. the naive baseline: the first --naive-lines lines sent as single-command POSTs (sequential,
//      keep-alive), and the same lines through `ledger import`, against the bulk import's rate.
// Phase 5 runs before phase 4: phase 4 needs the figures of phase 2's dir, and the first service
// started on that dir is the one whose catch-up from zero phase 5 measures (it serves them too).
// The report lists the phases in their numbered order.
// Prints a report and appends it to BENCHMARKS.md (unless --smoke or --dry-run); exits non-zero when
// anything errors (a missed target is reported, not an error).
//   npm run bench                                   (after the HTTP command and read-side benches)
//   node bench/import.mjs [--members 1500000] [--naive-lines 5000] [--seed 42] [--no-kill]
//   node bench/import.mjs --smoke                   3,000 members, 300 naive lines, nothing written
//   --keep keeps the file and data dirs; --data-root puts them somewhere else than the temp dir;
//   --dry-run prints the report without appending it.
import { execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { benchArgs, commit, freePort, kib, machine, makeRandom, mib, sleep } from './bench-kit.mjs';

const args = benchArgs();
const smoke = args.smoke === 'true';
const members = Number(String(args.members ?? (smoke ? 3000 : 1_500_000)).replaceAll('_', ''));
const naiveLines = Number(String(args['naive-lines'] ?? (smoke ? 300 : 5000)).replaceAll('_', ''));
const seed = args.seed === undefined ? undefined : Number(args.seed);
const kill = args['no-kill'] !== 'true';
const keep = args.keep === 'true';
const write = !smoke && args['dry-run'] !== 'true';
const dataRoot = args['data-root'] ?? tmpdir();
if (!Number.isInteger(members) || members < 100) throw new Error(`--members must be an integer >= 100, got ${args.members}`);
if (!Number.isInteger(naiveLines) || naiveLines < 1)
  throw new Error(`--naive-lines must be an integer >= 1, got ${args['naive-lines']}`);
if (seed !== undefined && (!Number.isInteger(seed) || seed < 0))
  throw new Error(`--seed must be a whole number, got ${args.seed}`);

const TARGET_LINES_PER_S = 100_000;
const TARGET_RSS_MIB = 1024;
const log = (line) => process.stderr.write(`import bench: ${line}\n`);
const errors = [];

/**
 * Runs a node child to its end (or until SIGKILLed after `killAfterMs`): stdout collected, stderr
 * passed through, VmHWM sampled every 100 ms. `seconds` is process start to exit.
 */
function runChild(argv, env, killAfterMs) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let hwm = 0;
    let killedAtSeconds;
    const sample = () => {
      const k = kib(child.pid, 'VmHWM');
      if (k !== undefined && k > hwm) hwm = k;
    };
    const timer = setInterval(sample, 100);
    const killer =
      killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            sample();
            killedAtSeconds = Number(process.hrtime.bigint() - started) / 1e9;
            child.kill('SIGKILL');
          }, killAfterMs);
    child.stdout.on('data', (c) => (stdout += c));
    child.on('error', (e) => {
      clearInterval(timer);
      clearTimeout(killer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      clearTimeout(killer);
      resolve({
        code,
        signal,
        stdout,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        peakRssMiB: mib(hwm),
        killedAtSeconds,
      });
    });
  });
}
const lastJsonLine = (text) => {
  const line = text.trim().split('\n').filter(Boolean).at(-1);
  try {
    return line ? JSON.parse(line) : undefined;
  } catch {
    return undefined;
  }
};

function request(agent, port, method, path, { authorization, body } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const headers = {};
    if (authorization) headers.authorization = authorization;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const req = http.request({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, text }));
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${path}: no answer in 60 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The projection lags /health reports (undefined while it does not answer 200). */
async function lagsOf(port) {
  try {
    const r = await request(undefined, port, 'GET', '/health');
    if (r.status !== 200) return { answered: true, text: r.text };
    return { answered: true, text: r.text, lags: JSON.parse(r.text).info?.projections ?? {} };
  } catch {
    return { answered: false };
  }
}

/**
 * Starts `node dist/src/main.js` on `dataDir` and polls /health until `caughtUp(lags)`: the seconds
 * from the spawn until it first answered and until it was caught up.
 */
async function startService(dataDir, env, caughtUp, deadlineMs) {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const server = spawn(process.execPath, ['dist/src/main.js'], {
    env: { ...process.env, ...env, LEDGER_DATA_DIR: dataDir, PORT: String(port), LEDGER_RATE_LIMIT_PER_MINUTE: '1000000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const service = { server, port, answeredSeconds: undefined, caughtUpSeconds: undefined };
  let last;
  try {
    while (elapsed() * 1000 < deadlineMs) {
      if (server.exitCode !== null || server.signalCode !== null)
        throw new Error(`the service exited (${server.exitCode ?? server.signalCode}) while starting`);
      const h = await lagsOf(port);
      if (h.answered && service.answeredSeconds === undefined) service.answeredSeconds = elapsed();
      last = h.text ?? last;
      if (h.lags && caughtUp(h.lags)) {
        service.caughtUpSeconds = elapsed();
        return service;
      }
      await sleep(100);
    }
    throw new Error(`the service had not caught up within ${deadlineMs / 1000} s; last /health: ${last}`);
  } catch (error) {
    await stopService(service);
    throw error;
  }
}
const figuresCaughtUp = (l) => l.figuresLag === 0 && l.membersByEnterpriseLag === 0;
const allCaughtUp = (l) =>
  Object.entries(l)
    .filter(([k]) => /lag$/i.test(k))
    .every(([, v]) => v === 0);

async function waitFor(service, predicate, deadlineMs) {
  const started = Date.now();
  for (;;) {
    const h = await lagsOf(service.port);
    if (h.lags && predicate(h.lags)) return;
    if (Date.now() - started > deadlineMs) throw new Error(`the service did not catch up; last /health: ${h.text}`);
    await sleep(100);
  }
}

async function stopService(service) {
  const { server } = service;
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  server.kill('SIGTERM');
  await exited;
}

/** The events recorded in a data dir's embedded store (opened read-only). */
function countEvents(dataDir) {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT COUNT(*) AS n FROM events').get().n;
  } finally {
    db.close();
  }
}

/** JSON with the keys of every object sorted: two answers compared by content, not by key order. */
const canonical = (value) =>
  JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );

/** GET /figures?scope=province&asOf=… once every projection caught up: the totals. */
async function provinceTotals(service, asOf) {
  await waitFor(service, allCaughtUp, 15 * 60_000);
  const path = `/figures?${new URLSearchParams({ scope: 'province', asOf })}`;
  const r = await request(undefined, service.port, 'GET', path, { authorization });
  if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
  const totals = JSON.parse(r.text).totals;
  if (!totals || typeof totals.members !== 'number') throw new Error(`GET ${path}: no totals in ${r.text.slice(0, 300)}`);
  return totals;
}

/** `ledger import <file> --json` into `dataDir`: the child's result and the CLI's answer. */
async function importFile(file, dataDir, killAfterMs) {
  mkdirSync(dataDir, { recursive: true });
  const run = await runChild(['bin/ledger.js', 'import', file, '--json'], { ...cliEnv, LEDGER_DATA_DIR: dataDir }, killAfterMs);
  return { ...run, answer: lastJsonLine(run.stdout) };
}

/** Checks an import's answer: `expect` gives the accepted and duplicate counts it must have. */
function checkImport(name, run, expect) {
  const a = run.answer;
  if (run.code !== 0 || !a || typeof a.accepted !== 'number')
    throw new Error(`${name}: ledger import failed (exit ${run.code ?? run.signal}): ${run.stdout.slice(-300)}`);
  const problems = [];
  if (a.rejected !== 0)
    problems.push(
      `${a.rejected} lines rejected (first: ${a.errors
        ?.slice(0, 3)
        .map((e) => `line ${e.line} ${e.code}`)
        .join(', ')})`,
    );
  for (const key of ['accepted', 'duplicates'])
    if (expect[key] !== undefined && a[key] !== expect[key]) problems.push(`${key} ${a[key]}, expected ${expect[key]}`);
  if (expect.total !== undefined && a.accepted + a.duplicates !== expect.total)
    problems.push(`accepted + duplicates = ${a.accepted + a.duplicates}, expected ${expect.total}`);
  if (problems.length > 0) throw new Error(`${name}: ${problems.join('; ')}`);
}

/** The first `n` lines of a file, as text and as the commands they hold. */
async function firstLines(file, n) {
  const lines = [];
  const input = createReadStream(file, { encoding: 'utf8' });
  const reader = createInterface({ input, crlfDelay: Infinity });
  for await (const line of reader) {
    if (line.trim() === '') continue;
    lines.push(line);
    if (lines.length >= n) break;
  }
  reader.close();
  input.destroy();
  return lines;
}

/** Runs one phase; an exception is recorded as an error of that phase and the bench goes on. */
async function phase(name, body) {
  try {
    return await body();
  } catch (error) {
    errors.push(`${name}: ${error.message}`);
    log(`${name}: FAILED: ${error.message}`);
    return undefined;
  }
}

if (!existsSync('dist/src/main.js')) execSync('npm run build', { stdio: 'inherit' });
const signingKey = randomBytes(32);
const personHashKey = randomBytes(32);
const { Tokens } = await import('../dist/src/auth/tokens.js');
const { restRequestOf } = await import('../dist/src/imports/import-commands.js');
const authorization = `Bearer ${new Tokens(signingKey).issue({ sub: 'import-bench', role: 'provincial-admin' }, '12h')}`;
// The same keys for every child: each data dir could be read by any of them.
const cliEnv = {
  LOG_LEVEL: 'warn',
  LEDGER_TOKEN_SIGNING_KEY: signingKey.toString('base64'),
  LEDGER_PERSON_HASH_KEY: personHashKey.toString('base64'),
};
const loadAtStart = loadavg()[0];
const workDir = mkdtempSync(join(dataRoot, `ledger-import-bench-${members}-`));
const file = join(workDir, 'province.ndjson');
const dirs = {
  bulk: join(workDir, 'bulk'),
  killed: join(workDir, 'killed'),
  naiveHttp: join(workDir, 'naive-http'),
  naiveCli: join(workDir, 'naive-cli'),
};
const r = {};
const services = [];
try {
  // 1. The province file.
  r.generate = await phase('1. generate', async () => {
    log(`1. ledger generate --members ${members} → ${file}`);
    const run = await runChild(
      [
        'bin/ledger.js',
        'generate',
        '--members',
        String(members),
        '--out',
        file,
        '--json',
        ...(seed === undefined ? [] : ['--seed', String(seed)]),
      ],
      {},
    );
    const summary = lastJsonLine(run.stdout);
    if (run.code !== 0 || !summary || typeof summary.lines !== 'number')
      throw new Error(`ledger generate failed (exit ${run.code ?? run.signal}): ${run.stdout.slice(-300)}`);
    return { ...run, summary };
  });
  const lines = r.generate?.summary.lines;
  const expected = r.generate?.summary.expected;

  // 2. The whole file into a fresh dir.
  if (r.generate)
    r.bulk = await phase('2. import', async () => {
      log(`2. ledger import ${lines.toLocaleString('en')} lines into ${dirs.bulk}`);
      const run = await importFile(file, dirs.bulk);
      checkImport('2. import', run, { accepted: lines, duplicates: 0 });
      return { ...run, events: countEvents(dirs.bulk) };
    });

  // 3. The same file again: nothing new.
  if (r.bulk)
    r.again = await phase('3. import again', async () => {
      log('3. the same file again into the same dir');
      const run = await importFile(file, dirs.bulk);
      checkImport('3. import again', run, { accepted: 0, duplicates: lines });
      const events = countEvents(dirs.bulk);
      if (events !== r.bulk.events) throw new Error(`3. import again: the store went from ${r.bulk.events} to ${events} events`);
      return run;
    });

  // 5. (before 4: the service meets phase 2's dir first) Catch-up from zero, then the rebuild.
  if (r.bulk)
    r.catchUp = await phase('5. catch-up', async () => {
      log(`5. the service on ${dirs.bulk}: catching up ${r.bulk.events.toLocaleString('en')} events`);
      const service = await startService(dirs.bulk, cliEnv, figuresCaughtUp, 60 * 60_000);
      services.push(service);
      try {
        const peakRssMiB = mib(kib(service.server.pid, 'VmHWM'));
        const totals = await provinceTotals(service, expected.asOf);
        return { ...service, server: undefined, peakRssMiB, totals };
      } finally {
        await stopService(service);
      }
    });
  if (r.catchUp) {
    const wrong = Object.keys(expected)
      .filter((k) => k !== 'asOf')
      .filter((k) => canonical(r.catchUp.totals[k]) !== canonical(expected[k]));
    if (wrong.length > 0)
      errors.push(
        `5. catch-up: province figures as of ${expected.asOf} differ from the generator's expected ones in ${wrong.join(', ')}: ` +
          `expected ${JSON.stringify(expected)}, got ${JSON.stringify(r.catchUp.totals)}`,
      );
  }
  if (r.bulk)
    r.rebuild = await phase('5. rebuild', async () => {
      log('5. ledger rebuild --json');
      const run = await runChild(['bin/ledger.js', 'rebuild', '--json'], { ...cliEnv, LEDGER_DATA_DIR: dirs.bulk });
      const answer = lastJsonLine(run.stdout);
      if (run.code !== 0 || !answer || typeof answer.eventsPerSecond !== 'number')
        throw new Error(`ledger rebuild failed (exit ${run.code ?? run.signal}): ${run.stdout.slice(-300)}`);
      return { ...run, answer };
    });

  // 4. kill -9 part-way, then run again to the end: the same events and figures as phase 2.
  if (r.bulk && kill)
    r.kill = await phase('4. kill -9 and resume', async () => {
      const share = 0.2 + 0.6 * makeRandom((r.generate.summary.options?.seed ?? seed ?? 42) * 7919 + members)();
      // Phase 2's duration is its import proper (the CLI's own seconds), after the process start-up
      // (end to end minus that): at small sizes the start-up is most of the run, and a kill there cuts nothing.
      const startUp = Math.max(0, r.bulk.seconds - r.bulk.answer.seconds);
      const killAfterMs = Math.round((startUp + share * r.bulk.answer.seconds) * 1000);
      log(`4. ledger import into ${dirs.killed}, SIGKILL after ${(killAfterMs / 1000).toFixed(2)} s`);
      const killed = await importFile(file, dirs.killed, killAfterMs);
      let eventsAtKill;
      try {
        eventsAtKill = countEvents(dirs.killed);
      } catch {
        eventsAtKill = 0; // killed before the store was created
      }
      const wasKilled = killed.signal === 'SIGKILL';
      if (!wasKilled) checkImport('4. the import to be killed (it ended first)', killed, { accepted: lines });
      log('4. the same import again, to the end');
      const resumed = await importFile(file, dirs.killed);
      checkImport('4. resumed import', resumed, { total: lines });
      const events = countEvents(dirs.killed);
      const problems = [];
      if (events !== r.bulk.events) problems.push(`${events} events in the store, phase 2 recorded ${r.bulk.events}`);
      let totals;
      if (r.catchUp) {
        const service = await startService(dirs.killed, cliEnv, allCaughtUp, 60 * 60_000);
        services.push(service);
        try {
          totals = await provinceTotals(service, expected.asOf);
        } finally {
          await stopService(service);
        }
        if (canonical(totals) !== canonical(r.catchUp.totals))
          problems.push(
            `province totals as of ${expected.asOf} ${JSON.stringify(totals)}, phase 2's dir ${JSON.stringify(r.catchUp.totals)}`,
          );
      } else problems.push("phase 2's figures are missing (phase 5 failed): the figures were not compared");
      if (problems.length > 0) throw new Error(`4. kill -9 and resume: not identical: ${problems.join('; ')}`);
      return { share, killAfterMs, wasKilled, killed, eventsAtKill, resumed, events, totals };
    });

  // 6. The naive baseline: one request per command, and the same lines through the CLI.
  if (r.generate)
    r.naive = await phase('6. naive', async () => {
      const prefix = await firstLines(file, naiveLines);
      const commands = prefix.map((l) => JSON.parse(l));
      const mix = {};
      for (const c of commands) mix[c.command] = (mix[c.command] ?? 0) + 1;
      mkdirSync(dirs.naiveHttp, { recursive: true });
      log(`6. the first ${prefix.length} lines, one POST each, on a service on ${dirs.naiveHttp}`);
      const service = await startService(dirs.naiveHttp, cliEnv, allCaughtUp, 5 * 60_000);
      services.push(service);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      let http_;
      try {
        const started = process.hrtime.bigint();
        for (const [i, command] of commands.entries()) {
          const { path, body } = restRequestOf(command);
          const res = await request(agent, service.port, 'POST', path, { authorization, body });
          if (res.status !== 201)
            throw new Error(`line ${i + 1}: POST ${path} answered ${res.status}: ${res.text.slice(0, 300)}`);
        }
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        http_ = { seconds, perSecond: commands.length / seconds, peakRssMiB: mib(kib(service.server.pid, 'VmHWM')) };
      } finally {
        agent.destroy();
        await stopService(service);
      }
      const prefixFile = join(workDir, `first-${prefix.length}.ndjson`);
      writeFileSync(prefixFile, prefix.join('\n') + '\n');
      log(`6. the same ${prefix.length} lines through ledger import into ${dirs.naiveCli}`);
      const cli = await importFile(prefixFile, dirs.naiveCli);
      checkImport('6. CLI import of the first lines', cli, { accepted: prefix.length, duplicates: 0 });
      return { lines: prefix.length, mix, http: http_, cli };
    });
} finally {
  for (const s of services) await stopService(s);
  if (keep) log(`kept ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}

const fmt = (x, digits = 2) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x.toFixed(digits));
const int = (x) => (x === undefined || x === null || Number.isNaN(x) ? '—' : Math.round(x).toLocaleString('en-US'));
const rss = (x) => (x === undefined ? '—' : `${int(x)} MiB`);
const cliRss = (run) => run?.answer?.peakRssMiB ?? run?.peakRssMiB;
const e2eRate = (n, run) => n / run.seconds;
const verdict = (checks) => {
  const failed = checks.filter(([, ok]) => ok === false).map(([what]) => what);
  if (checks.every(([, ok]) => ok === undefined)) return '—';
  return failed.length === 0 ? 'pass' : `FAIL (${failed.join(', ')})`;
};
const lines = r.generate?.summary.lines;
const rows = [];
if (r.generate) {
  const s = r.generate.summary;
  rows.push([
    '1. generate the province file',
    `${int(s.lines)} lines`,
    fmt(r.generate.seconds, 1),
    `${int(s.lines / r.generate.seconds)} lines/s`,
    rss(s.peakRssMiB ?? r.generate.peakRssMiB),
    '—',
    '—',
  ]);
}
if (r.bulk) {
  const rate = e2eRate(lines, r.bulk);
  const peak = cliRss(r.bulk);
  rows.push([
    '2. import into a fresh dir',
    `${int(lines)} lines`,
    `${fmt(r.bulk.seconds, 1)} (${fmt(r.bulk.answer.seconds, 1)} reported)`,
    `${int(rate)} lines/s (${int(r.bulk.answer.linesPerSecond)} reported)`,
    rss(peak),
    `≥ ${int(TARGET_LINES_PER_S)} lines/s end to end, ≤ ${int(TARGET_RSS_MIB)} MiB`,
    verdict([
      ['rate', rate >= TARGET_LINES_PER_S],
      ['RSS', peak === undefined ? undefined : peak <= TARGET_RSS_MIB],
    ]),
  ]);
}
if (r.again) {
  const peak = cliRss(r.again);
  rows.push([
    '3. import the same file again (all duplicates)',
    `${int(lines)} lines`,
    `${fmt(r.again.seconds, 1)} (${fmt(r.again.answer.seconds, 1)} reported)`,
    `${int(e2eRate(lines, r.again))} lines/s (${int(r.again.answer.linesPerSecond)} reported)`,
    rss(peak),
    `≤ ${int(TARGET_RSS_MIB)} MiB`,
    verdict([['RSS', peak === undefined ? undefined : peak <= TARGET_RSS_MIB]]),
  ]);
}
if (r.kill) {
  const k = r.kill;
  rows.push([
    k.wasKilled
      ? `4. kill -9 at ${fmt(k.killed.killedAtSeconds, 2)} s (start-up + ${fmt(k.share * 100, 0)} % of phase 2's import), ${int(k.eventsAtKill)} events recorded by then; run again to the end`
      : `4. kill -9 planned at ${fmt(k.killAfterMs / 1000, 2)} s, but the import ended first (${fmt(k.killed.seconds, 2)} s); run again`,
    `${int(lines)} lines (${int(k.resumed.answer.accepted)} accepted, ${int(k.resumed.answer.duplicates)} duplicates)`,
    `${fmt(k.resumed.seconds, 1)} (${fmt(k.resumed.answer.seconds, 1)} reported)`,
    `${int(e2eRate(lines, k.resumed))} lines/s (${int(k.resumed.answer.linesPerSecond)} reported)`,
    rss(cliRss(k.resumed)),
    'events and province figures identical to phase 2',
    `identical (${int(k.events)} events)`,
  ]);
} else if (kill && r.bulk)
  rows.push(['4. kill -9 and resume', '—', '—', '—', '—', 'events and province figures identical to phase 2', 'FAIL']);
if (r.catchUp) {
  const events = r.bulk.events;
  rows.push([
    `5. service catch-up from zero (figures, members-by-enterprise; answering /health after ${fmt(r.catchUp.answeredSeconds, 1)} s)`,
    `${int(events)} events (the store's, person claims included)`,
    fmt(r.catchUp.caughtUpSeconds, 1),
    `${int(events / r.catchUp.caughtUpSeconds)} events/s`,
    rss(r.catchUp.peakRssMiB),
    '—',
    '—',
  ]);
}
if (r.rebuild) {
  const a = r.rebuild.answer;
  rows.push([
    '5. ledger rebuild',
    `${int(a.events)} events (as the CLI counts them)`,
    `${fmt(r.rebuild.seconds, 1)} (${fmt(a.seconds, 1)} reported)`,
    `${int(a.eventsPerSecond)} events/s (reported)`,
    rss(a.peakRssMiB ?? r.rebuild.peakRssMiB),
    '—',
    '—',
  ]);
}
if (r.naive) {
  const n = r.naive;
  rows.push([
    `6. naive: the first ${int(n.lines)} lines, one POST each (sequential, keep-alive)`,
    `${int(n.lines)} commands`,
    fmt(n.http.seconds, 1),
    `${int(n.http.perSecond)} commands/s`,
    rss(n.http.peakRssMiB),
    '—',
    '—',
  ]);
  rows.push([
    `6. the same ${int(n.lines)} lines through ledger import, fresh dir`,
    `${int(n.lines)} lines`,
    `${fmt(n.cli.seconds, 1)} (${fmt(n.cli.answer.seconds, 1)} reported)`,
    `${int(e2eRate(n.lines, n.cli))} lines/s (${int(n.cli.answer.linesPerSecond)} reported)`,
    rss(cliRss(n.cli)),
    '—',
    '—',
  ]);
}

const notes = [];
if (r.generate) {
  const s = r.generate.summary;
  const e = s.expected;
  notes.push(
    `File: \`ledger generate --members ${int(members)}${s.options?.seed !== undefined ? ` --seed ${s.options.seed}` : ''}\`: ` +
      `${int(s.lines)} lines, ${fmt(s.bytes / 2 ** 20, 1)} MiB (${Object.entries(s.counts ?? {})
        .map(([c, n]) => `${c} ${int(n)}`)
        .join(', ')}); ` +
      `expected as of ${e.asOf}: ${int(e.members)} members, ${int(e.employees)} employees, ${int(e.enterprises)} enterprises.`,
  );
}
if (r.bulk && r.naive) {
  const bulk = e2eRate(lines, r.bulk);
  notes.push(
    `Bulk against naive: the full-file import (phase 2, end to end) records ${int(bulk)} lines/s, ` +
      `× ${fmt(bulk / r.naive.http.perSecond, 1)} the single-command API's ${int(r.naive.http.perSecond)} commands/s ` +
      `(the naive prefix: ${Object.entries(r.naive.mix)
        .map(([c, n]) => `${c} ${int(n)}`)
        .join(', ')}).`,
  );
}
if (r.kill) {
  const k = r.kill;
  notes.push(
    `kill -9 check: ${k.wasKilled ? `SIGKILL at ${fmt(k.killed.killedAtSeconds, 2)} s with ${int(k.eventsAtKill)} events recorded` : 'the import ended before the kill (nothing was cut)'}; ` +
      `the run again accepted ${int(k.resumed.answer.accepted)} and found ${int(k.resumed.answer.duplicates)} duplicates; ` +
      `${int(k.events)} events in both stores, \`GET /figures?scope=province&asOf=${r.generate.summary.expected.asOf}\` totals identical ` +
      `(${int(k.totals.members)} members, ${int(k.totals.employees)} employees) and equal to the generator's expected figures.`,
  );
} else if (!kill) notes.push('kill -9 check skipped (--no-kill).');
const report = [
  `## Bulk import of a synthetic province — ${new Date().toISOString().slice(0, 10)}, commit ${commit()}`,
  '',
  `Machine: ${machine()}; 1-minute load average ${loadAtStart.toFixed(2)} when the run began, ${loadavg()[0].toFixed(2)} at its end ` +
    `(above 1 means other work shared the cores and the figures are upper bounds). Embedded store (SQLite WAL, every commit synced before it is answered). ` +
    `Seconds are process start to exit (the CLI's own figure in brackets); peak RSS is the CLI's own maxRSS, VmHWM for the service.`,
  `Command: \`npm run bench -- --only import --members ${members} --naive-lines ${naiveLines}${seed !== undefined ? ` --seed ${seed}` : ''}${kill ? '' : ' --no-kill'}\``,
  '',
  ...notes.flatMap((n) => [n, '']),
  '| phase | lines / events | seconds | rate | peak RSS | target | met? |',
  '| --- | ---: | ---: | ---: | ---: | --- | --- |',
  ...rows.map((row) => `| ${row.join(' | ')} |`),
  '',
  ...(errors.length > 0 ? ['Errors:', ...errors.map((e) => `- ${e}`), ''] : []),
].join('\n');
console.log(report);
if (write && r.bulk) {
  appendFileSync('BENCHMARKS.md', '\n' + report);
  console.log('appended to BENCHMARKS.md');
}
if (errors.length > 0) {
  for (const e of errors) log(`error: ${e}`);
  process.exit(1);
}
console.log(write ? 'import bench: ok' : `import bench${smoke ? ' smoke' : ''}: ok (nothing written)`);
