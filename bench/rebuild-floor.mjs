// The least work a rebuild of the figures must do on this machine, with none of the ledger's code:
// what bounds issue 3's "full rebuild ≥ 300 k events/s from the embedded store" whatever the
// projection. Every event of the log is read from SQLite (its data and its recording instant,
// which every figure needs) and its data parsed, and nothing else is done with it: no
// projection, no writes. Timed three ways over the same log:
//   scan          one thread reads every row
//   scan + parse  one thread reads every row and parses its data
//   two threads   the log split in two halves by position, one thread each, reading and parsing
// Appends its table to BENCHMARKS.md (unless --smoke).
//   npm run bench -- --only rebuild-floor --data-dir <dir of a log> [--smoke]
//   (a log: node bench/synthetic-history.mjs --data-dir <dir> --members 1500000)
import { benchArgs, commit, machine } from './bench-kit.mjs';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const SQL = `SELECT data, json_extract(metadata, '$.recordedAt') FROM events WHERE position > ? AND position <= ?`;

/** Reads (and parses) the events in (after, upTo]; answers how many it read. */
function read(file, after, upTo, parse) {
  const db = new Database(file, { readonly: true });
  db.pragma('cache_size = -65536');
  const rows = db.prepare(SQL).raw(true);
  let n = 0;
  for (const [data] of rows.iterate(after, upTo)) {
    if (parse) JSON.parse(data);
    n++;
  }
  db.close();
  return n;
}

if (!isMainThread) {
  const { file, after, upTo } = workerData;
  parentPort.postMessage(read(file, after, upTo, true));
} else {
  const args = benchArgs();
  const smoke = args.smoke === 'true';
  const made = args['data-dir'] === undefined ? mkdtempSync(join(tmpdir(), 'rebuild-floor-')) : undefined;
  try {
    const dataDir = args['data-dir'] ?? made;
    if (made)
      execFileSync(
        process.execPath,
        ['bench/synthetic-history.mjs', '--data-dir', made, '--members', smoke ? '3000' : '200000'],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
    const file = join(dataDir, 'events.sqlite');
    const head = new Database(file, { readonly: true }).prepare('SELECT MAX(position) AS p FROM events').get().p;
    const timed = async (run) => {
      const t0 = process.hrtime.bigint();
      const n = await run();
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      return { n, seconds, rate: n / seconds };
    };
    const half = Math.floor(head / 2);
    const inWorker = (after, upTo) =>
      new Promise((resolve, reject) => {
        const w = new Worker(new URL(import.meta.url), { workerData: { file, after, upTo } });
        w.once('message', resolve);
        w.once('error', reject);
      });
    // The page cache warmed first, so each way reads the log from memory, as a second rebuild does.
    read(file, 0, head, false);
    const rows = [
      ['scan, one thread', await timed(() => read(file, 0, head, false))],
      ['scan + parse, one thread', await timed(() => read(file, 0, head, true))],
      [
        'scan + parse, two threads (half the log each)',
        await timed(async () => (await Promise.all([inWorker(0, half), inWorker(half, head)])).reduce((a, b) => a + b)),
      ],
    ];
    const report = [
      `## The floor of a rebuild (issue 3) — ${new Date().toISOString().slice(0, 10)}, commit ${commit()}`,
      '',
      `Machine: ${machine()}. Command: \`npm run bench -- --only rebuild-floor${args['data-dir'] ? ' --data-dir <log>' : ''}\` ` +
        `(${head.toLocaleString('en')} events; every row's data and recording instant read, none of the ledger's code).`,
      '',
      '| way | events | seconds | events/s | µs an event (one core) |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows.map(
        ([way, r]) =>
          `| ${way} | ${r.n.toLocaleString('en')} | ${r.seconds.toFixed(2)} | ${Math.round(r.rate).toLocaleString('en')} | ` +
          `${way.includes('two') ? '—' : ((r.seconds * 1e6) / r.n).toFixed(2)} |`,
      ),
      '',
      `Target: 300,000 events/s for the whole rebuild, projection and writes included.`,
    ].join('\n');
    process.stdout.write(`${report}\n`);
    if (smoke) process.stdout.write('rebuild floor smoke: ok (nothing written)\n');
    else appendFileSync('BENCHMARKS.md', `\n${report}\n`);
  } finally {
    if (made) rmSync(made, { recursive: true, force: true });
  }
}
