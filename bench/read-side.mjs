// Read side at province scale: for each size, a synthetic history (bench/synthetic-history.mjs)
// in a fresh data dir, the projections rebuilt by `ledger rebuild`, then the built service
// answering figure queries sequentially over one keep-alive connection. Prints a report and
// appends it to BENCHMARKS.md (unless --smoke); exits non-zero when anything errors (a missed
// target is reported, not an error).
//   npm run bench                                   (after the HTTP command bench)
//   node bench/read-side.mjs --sizes 150000,500000,1500000 [--figures 2000] [--others 500] [--seed 1]
//   node bench/read-side.mjs --smoke                one tiny size, few queries, nothing written
//   --keep keeps the data dirs; --data-root puts them somewhere else than the temp dir;
//   --dry-run prints the report without appending it; --naive N sets how many figures are also
//   answered by replaying the whole log (default 3; 0 for none), beside the naive rebuild
//   (bench/naive-read-side.mjs), once the service has stopped.
import { execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchArgs, commit, freePort, kib, machine, makeRandom, mib, serverMsOf, sleep } from './bench-kit.mjs';

const args = benchArgs();
const smoke = args.smoke === 'true';
const sizes = (args.sizes ?? (smoke ? '3000' : '150000,500000,1500000')).split(',').map((s) => Number(s.replaceAll('_', '')));
const seed = Number(args.seed ?? 1);
const figureSamples = Number(args.figures ?? (smoke ? 100 : 2000));
const figureWarmup = Number(args.warmup ?? (smoke ? 20 : 200));
const otherSamples = Number(args.others ?? (smoke ? 20 : 500));
const otherWarmup = Math.min(50, Math.ceil(otherSamples / 10));
const naiveSamples = Number(args.naive ?? (smoke ? 2 : 3));
const keep = args.keep === 'true';
const write = !smoke && args['dry-run'] !== 'true';
const dataRoot = args['data-root'] ?? tmpdir();
if (sizes.some((n) => !Number.isInteger(n) || n < 100)) throw new Error(`--sizes must be integers >= 100, got ${args.sizes}`);

const TARGET_P99_MS = 5;
const TARGET_REBUILD_EVENTS_PER_S = 300_000;
const TARGET_REBUILD_RSS_MIB = 512;
const log = (line) => process.stderr.write(`read-side bench: ${line}\n`);
const errors = [];

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** Runs a node child to its end: stdout collected, stderr passed through, VmHWM sampled every 100 ms. */
function runChild(argv, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let hwm = 0;
    const sample = () => {
      const k = kib(child.pid, 'VmHWM');
      if (k !== undefined && k > hwm) hwm = k;
    };
    const timer = setInterval(sample, 100);
    child.stdout.on('data', (c) => (stdout += c));
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout, seconds: Number(process.hrtime.bigint() - started) / 1e9, peakRssMiB: mib(hwm) });
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

function get(agent, port, path, authorization) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: authorization ? { authorization } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, serverMs: serverMsOf(res), text }),
      );
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`GET ${path}: no answer in 60 s`)));
    req.on('error', reject);
  });
}

/**
 * Sequential requests over one connection: warm-up first, then the measured ones. Timed twice:
 * at this client (the round trip, the headline figure) and by the service itself (Server-Timing),
 * so a tail that comes from sharing the cores with this client shows as the gap between them.
 */
async function measure(name, agent, port, authorization, warmup, count, makePath, check) {
  const ms = [];
  const serverMs = [];
  for (let i = 0; i < warmup + count; i++) {
    const path = makePath();
    const r = await get(agent, port, path, authorization);
    if (r.status !== 200) throw new Error(`${name}: GET ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
    if (r.serverMs === undefined) throw new Error(`${name}: GET ${path} answered without Server-Timing: app;dur=…`);
    if (check) check(JSON.parse(r.text), path);
    if (i >= warmup) {
      ms.push(r.ms);
      serverMs.push(r.serverMs);
    }
  }
  ms.sort((a, b) => a - b);
  serverMs.sort((a, b) => a - b);
  return {
    name,
    count,
    p50: pct(ms, 50),
    p95: pct(ms, 95),
    p99: pct(ms, 99),
    max: ms.at(-1),
    server: { p50: pct(serverMs, 50), p99: pct(serverMs, 99), max: serverMs.at(-1) },
  };
}

/**
 * A bare node:http server (another process, as the service is) answering a fixed text, measured as
 * `measure` measures the service: what the loopback, the scheduler and this client cost on their own.
 */
async function measureFloor(answerFile, warmup, count) {
  const code = `const http = require('node:http'); const body = require('node:fs').readFileSync(process.argv[1]);
    const server = http.createServer((req, res) => { const t = process.hrtime.bigint();
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('server-timing', 'app;dur=' + (Number(process.hrtime.bigint() - t) / 1e6).toFixed(2)); res.end(body); });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', code, answerFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      child.stdout.once('data', (c) => resolve(Number(String(c).trim())));
      child.once('exit', (code) => reject(new Error(`the floor server exited (${code}) before listening`)));
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      return await measure(
        'the floor: a bare node:http server answering that same text',
        agent,
        port,
        undefined,
        warmup,
        count,
        () => '/',
      );
    } finally {
      agent.destroy();
    }
  } finally {
    child.kill();
  }
}

async function waitForHealth(port, server, deadlineMs) {
  const started = Date.now();
  let last;
  while (Date.now() - started < deadlineMs) {
    if (server.exitCode !== null) throw new Error(`the service exited with code ${server.exitCode} while starting`);
    try {
      const r = await get(undefined, port, '/health');
      last = r.text;
      if (r.status === 200) {
        // Wait for every projection lag the health check reports to reach 0: queries then measure answers, not catch-up.
        const lags = [];
        const walk = (o) => {
          for (const [k, v] of Object.entries(o ?? {}))
            if (typeof v === 'number' && /lag$/i.test(k)) lags.push(v);
            else if (v && typeof v === 'object') walk(v);
        };
        walk(JSON.parse(r.text).info);
        if (lags.every((l) => l === 0)) return (Date.now() - started) / 1000;
      }
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the service was not healthy and caught up within ${deadlineMs / 1000} s; last /health: ${last}`);
}

async function runSize(members, signingKey, personHashKey, authorization) {
  const result = { members };
  const dataDir = mkdtempSync(join(dataRoot, `ledger-read-bench-${members}-`));
  const env = {
    LEDGER_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LEDGER_TOKEN_SIGNING_KEY: signingKey.toString('base64'),
    LEDGER_PERSON_HASH_KEY: personHashKey.toString('base64'),
    LEDGER_RATE_LIMIT_PER_MINUTE: '1000000000',
  };
  let server;
  try {
    log(`${members} members: generating the history in ${dataDir}`);
    const gen = await runChild(
      [
        '--max-semi-space-size=64',
        'bench/synthetic-history.mjs',
        '--members',
        String(members),
        '--seed',
        String(seed),
        '--data-dir',
        dataDir,
        '--json',
      ],
      {},
    );
    const history = lastJsonLine(gen.stdout);
    if (gen.code !== 0 || !history) throw new Error(`synthetic history failed (exit ${gen.code ?? gen.signal})`);
    Object.assign(result, {
      events: history.events,
      generationSeconds: gen.seconds,
      generationPeakRssMiB: history.peakRssMiB ?? gen.peakRssMiB,
    });

    log(`${members} members: node bin/ledger.js rebuild --json`);
    const rebuild = await runChild(['bin/ledger.js', 'rebuild', '--json'], env);
    const answer = lastJsonLine(rebuild.stdout);
    if (rebuild.code !== 0 || !answer || typeof answer.eventsPerSecond !== 'number')
      throw new Error(`ledger rebuild failed (exit ${rebuild.code ?? rebuild.signal}): ${rebuild.stdout.slice(-300)}`);
    if (answer.events !== history.events)
      errors.push(`${members} members: rebuild read ${answer.events} events, the history has ${history.events}`);
    Object.assign(result, {
      rebuildEvents: answer.events,
      rebuildSeconds: answer.seconds,
      rebuildEventsPerSecond: answer.eventsPerSecond,
      rebuildPeakRssMiB: answer.peakRssMiB,
      rebuildPeakRssSampledMiB: rebuild.peakRssMiB,
      rebuildWallSeconds: rebuild.seconds,
    });

    const port = await freePort();
    log(`${members} members: starting the service on port ${port}`);
    server = spawn(process.execPath, ['dist/src/main.js'], {
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    result.startSeconds = await waitForHealth(port, server, 15 * 60_000);

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const random = makeRandom(seed * 7919 + members);
      const firstDay = Date.parse(`${history.firstEffectiveDate}T00:00:00Z`);
      const days = Math.round((Date.parse(`${history.lastEffectiveDate}T00:00:00Z`) - firstDay) / 86_400_000) + 1;
      const asOf = () => new Date(firstDay + Math.floor(random() * days) * 86_400_000).toISOString().slice(0, 10);
      const known0 = Date.parse(history.firstRecordedAt);
      const knownSpan = Date.parse(history.lastRecordedAt) - known0;
      const knownAt = () => new Date(known0 + Math.floor(random() * (knownSpan + 1))).toISOString();
      const park = () => history.parkIds[Math.floor(random() * history.parkIds.length)];
      const member = () => `m${String(Math.floor(random() * history.memberIdsUsed)).padStart(7, '0')}`;
      const q = (params) => new URLSearchParams(params).toString();
      const hasTotals = (body, path) => {
        if (typeof body?.totals?.members !== 'number')
          throw new Error(`GET ${path}: no totals.members in ${JSON.stringify(body).slice(0, 200)}`);
      };

      // What the province looks like on the last day as known now must be what the generator made.
      const final = history.finalFigures;
      const check = await get(agent, port, `/figures?${q({ scope: 'province', asOf: final.asOf })}`, authorization);
      if (check.status !== 200)
        throw new Error(`GET /figures (consistency check) answered ${check.status}: ${check.text.slice(0, 300)}`);
      const totals = JSON.parse(check.text).totals ?? {};
      const wrong = ['members', 'employees', 'enterprises', 'enterprisesWithUnion', 'parks', 'parksWithUnion']
        .filter((k) => totals[k] !== final[k])
        .concat(
          Object.keys(final.byCategory)
            .filter((c) => totals.byCategory?.[c] !== final.byCategory[c])
            .map((c) => `byCategory.${c}`),
        );
      result.consistency = wrong.length === 0 ? final : undefined;
      if (wrong.length > 0)
        errors.push(
          `${members} members: province figures as of ${final.asOf} differ from the generated history in ${wrong.join(', ')}: ` +
            `expected ${JSON.stringify(final)}, got ${JSON.stringify(totals)}`,
        );

      const kinds = [];
      log(`${members} members: figures province by park at random asOf × knownAt (${figureWarmup} + ${figureSamples})`);
      kinds.push(
        await measure(
          'figures province by park, random asOf × knownAt',
          agent,
          port,
          authorization,
          figureWarmup,
          figureSamples,
          () => `/figures?${q({ scope: 'province', groupBy: 'park', asOf: asOf(), knownAt: knownAt() })}`,
          (body, path) => {
            hasTotals(body, path);
            if (!Array.isArray(body.groups)) throw new Error(`GET ${path}: no groups`);
          },
        ),
      );
      log(`${members} members: the other query kinds (${otherWarmup} + ${otherSamples} each)`);
      kinds.push(
        await measure(
          'figures park:<id>, random asOf × knownAt',
          agent,
          port,
          authorization,
          otherWarmup,
          otherSamples,
          () => `/figures?${q({ scope: `park:${park()}`, asOf: asOf(), knownAt: knownAt() })}`,
          hasTotals,
        ),
      );
      kinds.push(
        await measure(
          'figures province by park, knownAt omitted',
          agent,
          port,
          authorization,
          otherWarmup,
          otherSamples,
          () => `/figures?${q({ scope: 'province', groupBy: 'park', asOf: asOf() })}`,
          hasTotals,
        ),
      );
      kinds.push(
        await measure('statement province, one calendar year', agent, port, authorization, otherWarmup, otherSamples, () => {
          const year = 2016 + Math.floor(random() * 10);
          return `/statement?${q({ scope: 'province', from: `${year}-01-01`, to: `${year}-12-31` })}`;
        }),
      );
      kinds.push(
        await measure(
          'member history',
          agent,
          port,
          authorization,
          otherWarmup,
          otherSamples,
          () => `/members/${member()}/history`,
        ),
      );
      // This machine's floor: the same client and the same answer from a bare node:http server that does nothing else.
      const sample = await get(
        agent,
        port,
        `/figures?${q({ scope: 'province', groupBy: 'park', asOf: asOf(), knownAt: knownAt() })}`,
        authorization,
      );
      const answerFile = join(dataDir, 'floor-answer.json');
      writeFileSync(answerFile, sample.text);
      log(
        `${members} members: the floor, a bare node:http server answering the same ${sample.text.length} bytes (${figureWarmup} + ${figureSamples})`,
      );
      kinds.push(await measureFloor(answerFile, figureWarmup, figureSamples));
      result.kinds = kinds;
      // The naive baselines' questions, with the service's answers to check the replays against.
      const naive = [];
      for (let i = 0; i < naiveSamples; i++) {
        const question = { asOf: asOf(), knownAt: knownAt() };
        const r = await get(agent, port, `/figures?${q({ scope: 'province', groupBy: 'park', ...question })}`, authorization);
        if (r.status !== 200) throw new Error(`GET /figures for the naive baseline answered ${r.status}`);
        naive.push({ ...question, members: JSON.parse(r.text).totals.members });
      }
      result.naiveQuestions = naive;
      result.serviceRssMiB = mib(kib(server.pid, 'VmRSS'));
      result.servicePeakRssMiB = mib(kib(server.pid, 'VmHWM'));
      // Events a projection could not apply are an error of the read side, whatever the latency.
      const health = await get(agent, port, '/health');
      const parked = JSON.parse(health.text).info?.projections?.parkedEvents;
      if (typeof parked === 'number' && parked > 0) errors.push(`${members} members: /health reports ${parked} parked events`);
    } finally {
      agent.destroy();
    }
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode === null ? server.once('exit', r) : r()));
    if (result.naiveQuestions.length > 0 || naiveSamples === 0) {
      log(`${members} members: naive baselines: the live path's rebuild, and ${naiveSamples} figures by replaying the log`);
      const questions = join(dataDir, 'naive-questions.json');
      writeFileSync(questions, JSON.stringify(result.naiveQuestions));
      const run = await runChild(['bench/naive-read-side.mjs', '--data-dir', dataDir, '--queries', questions], {});
      const naive = lastJsonLine(run.stdout);
      if (run.code !== 0 || !naive) throw new Error(`the naive baselines failed (exit ${run.code ?? run.signal})`);
      result.naive = { ...naive, peakRssSampledMiB: run.peakRssMiB };
      for (const [i, r] of naive.replays.entries())
        if (r.members !== r.expected)
          errors.push(
            `${members} members: replaying the log for question ${i + 1} gave ${r.members} members, the service ${r.expected}`,
          );
    }
  } catch (error) {
    errors.push(`${members} members: ${error.message}`);
    log(`${members} members: FAILED: ${error.message}`);
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    if (keep) log(`kept ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}

const fmt = (x, digits = 2) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x.toFixed(digits));
const int = (x) => (x === undefined ? '—' : Math.round(x).toLocaleString('en-US'));
const verdict = (ok) => (ok === undefined ? '—' : ok ? 'pass' : 'FAIL');

function targetsOf(r) {
  const fig = r.kinds?.[0];
  const rss = r.rebuildPeakRssMiB ?? r.rebuildPeakRssSampledMiB;
  return [
    [
      'p99 figures province by park, any asOf × knownAt ≤ 5 ms',
      fig ? `${fmt(fig.p99)} ms` : '—',
      fig ? fig.p99 <= TARGET_P99_MS : undefined,
    ],
    [
      "… the same queries, the service's own time (Server-Timing), ≤ 5 ms",
      fig?.server ? `${fmt(fig.server.p99)} ms` : '—',
      fig?.server ? fig.server.p99 <= TARGET_P99_MS : undefined,
    ],
    [
      'rebuild ≥ 300k events/s',
      r.rebuildEventsPerSecond === undefined ? '—' : `${int(r.rebuildEventsPerSecond)} events/s`,
      r.rebuildEventsPerSecond === undefined ? undefined : r.rebuildEventsPerSecond >= TARGET_REBUILD_EVENTS_PER_S,
    ],
    [
      'rebuild peak RSS ≤ 512 MiB',
      rss === undefined ? '—' : `${rss} MiB`,
      rss === undefined ? undefined : rss <= TARGET_REBUILD_RSS_MIB,
    ],
  ];
}

function sectionOf(r) {
  const lines = [`### ${int(r.members)} members`, ''];
  lines.push(
    `History: ${int(r.events)} events, generated in ${fmt(r.generationSeconds, 1)} s (generator peak RSS ${r.generationPeakRssMiB ?? '—'} MiB). ` +
      `Rebuild: ${int(r.rebuildEvents)} events in ${fmt(r.rebuildSeconds, 1)} s = ${int(r.rebuildEventsPerSecond)} events/s, ` +
      `peak RSS ${r.rebuildPeakRssMiB ?? '—'} MiB as the CLI reports it, ${r.rebuildPeakRssSampledMiB ?? '—'} MiB sampled (VmHWM). ` +
      `Service: healthy and caught up ${fmt(r.startSeconds, 1)} s after start, RSS ${r.serviceRssMiB ?? '—'} MiB after the queries (peak ${r.servicePeakRssMiB ?? '—'} MiB).`,
    '',
  );
  if (r.consistency) {
    const c = r.consistency;
    lines.push(
      `Check: \`GET /figures?scope=province&asOf=${c.asOf}\` equals the generator's own count (${int(c.members)} members, ` +
        `${int(c.employees)} employees, ${int(c.enterprises)} enterprises of which ${int(c.enterprisesWithUnion)} with a union).`,
      '',
    );
  }
  if (r.kinds) {
    lines.push(
      '| query (sequential, one keep-alive connection) | samples | p50 ms | p95 ms | p99 ms | max ms | service p50 ms | service p99 ms | service max ms |',
    );
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const k of r.kinds)
      lines.push(
        `| ${k.name} | ${k.count} | ${fmt(k.p50)} | ${fmt(k.p95)} | ${fmt(k.p99)} | ${fmt(k.max)} | ` +
          `${fmt(k.server?.p50)} | ${fmt(k.server?.p99)} | ${fmt(k.server?.max)} |`,
      );
    lines.push(
      '',
      'p50…max: the round trip at the benchmark client, which shares the two cores with the service. ' +
        "service: the service's own time of the same answers, from its `Server-Timing: app;dur` header (request in to answer's head written). " +
        'the floor: the same client against a bare node:http server in another process answering a province-by-park text, ' +
        'what the loopback, the scheduler and the client cost on their own.',
    );
    lines.push('');
  }
  if (r.naive) {
    const n = r.naive;
    const rebuildRate = n.rebuild.events / n.rebuild.seconds;
    const replay = n.replays.map((x) => x.seconds).sort((a, b) => a - b);
    const fig = r.kinds?.[0];
    const replayP50 = pct(replay, 50);
    lines.push(
      `Naive baselines, in the same run, with the service stopped (\`bench/naive-read-side.mjs\`, peak RSS ${n.peakRssMiB} MiB):`,
      `- rebuild the way the service follows the log (one thread, a transaction per 2,000 events): ${int(n.rebuild.events)} events in ` +
        `${fmt(n.rebuild.seconds, 1)} s = ${int(rebuildRate)} events/s; \`ledger rebuild\` ran at × ${fmt(r.rebuildEventsPerSecond / rebuildRate)} that rate.`,
      `- a province-by-park figure answered by replaying the whole log into a fresh index (the service's own, summary nodes built as it fills): ${replay.length} questions, ` +
        `${replay.map((x) => `${fmt(x, 1)} s`).join(', ')}; the service's p50 above (${fig ? `${fmt(fig.p50)} ms` : '—'}) is ` +
        `× ${fig ? int((replayP50 * 1000) / fig.p50) : '—'} faster than their median. Each replayed answer ` +
        `${n.replays.every((x) => x.members === x.expected) ? 'equals' : 'DIFFERS FROM'} the service's.`,
      '',
    );
  }
  lines.push('| target | measured | result |', '| --- | ---: | --- |');
  for (const [name, measured, ok] of targetsOf(r)) lines.push(`| ${name} | ${measured} | ${verdict(ok)} |`);
  lines.push('');
  return lines.join('\n');
}

if (!existsSync('dist/src/main.js')) execSync('npm run build', { stdio: 'inherit' });
const signingKey = randomBytes(32);
const personHashKey = randomBytes(32);
const { Tokens } = await import('../dist/src/auth/tokens.js');
const authorization = `Bearer ${new Tokens(signingKey).issue({ sub: 'read-bench', role: 'auditor' }, '12h')}`;
const loadAtStart = loadavg()[0];
const results = [];
for (const members of sizes) results.push(await runSize(members, signingKey, personHashKey, authorization));

const measured = results.filter((r) => r.kinds);
const flat =
  measured.length >= 2
    ? `p99 of the province-by-park figure goes from ${fmt(measured[0].kinds[0].p99)} ms at ${int(measured[0].members)} members to ` +
      `${fmt(measured.at(-1).kinds[0].p99)} ms at ${int(measured.at(-1).members)} (× ${fmt(measured.at(-1).kinds[0].p99 / measured[0].kinds[0].p99)}).`
    : '';
const report = [
  `## Read side: figures, rebuild — ${new Date().toISOString().slice(0, 10)}, commit ${commit()}`,
  '',
  `Machine: ${machine()}; 1-minute load average ${loadAtStart.toFixed(2)} when the run began, ${loadavg()[0].toFixed(2)} at its end ` +
    `(above 1 means other work shared the cores and the figures are upper bounds). Synthetic province (bench/synthetic-history.mjs, seed ${seed}): 11 cities, 94 parks, ~1 enterprise per 100 member ids, ` +
    `ten years 2016–2025 of facts, the first two recorded as one back-dated load on 2018-01-02, ~10 % recorded late, ~1 % voided. ` +
    `Queries draw asOf uniformly from 2016-01-01..2025-12-31 and knownAt uniformly between the first and last recordedAt.`,
  `Command: \`npm run bench -- ${smoke ? '--smoke' : `--sizes ${sizes.join(',')}`}${args.seed ? ` --seed ${seed}` : ''}\``,
  '',
  ...results.map(sectionOf),
  ...(flat ? [flat, ''] : []),
  ...(errors.length > 0 ? ['Errors:', ...errors.map((e) => `- ${e}`), ''] : []),
].join('\n');
console.log(report);
if (write && measured.length > 0) {
  appendFileSync('BENCHMARKS.md', '\n' + report);
  console.log('appended to BENCHMARKS.md');
}
if (errors.length > 0) {
  for (const e of errors) log(`error: ${e}`);
  process.exit(1);
}
console.log(write ? 'read-side bench: ok' : `read-side bench${smoke ? ' smoke' : ''}: ok (nothing written)`);
