// The least work a rebuild of the figures must do on this machine, with none of the ledger's code:
// what bounds issue 3's "full rebuild ≥ 300 k events/s from the embedded store" whatever the
// projection. Every event of the log is read from SQLite (its data and its recording instant,
// which every figure needs) and its data parsed, and nothing else is done with it: no
// projection, no writes. Timed three ways over the same log:
//   scan          one thread reads every row
//   scan + parse  one thread reads every row and parses its data
//   two threads   the log split in two halves by position, one thread each, reading and parsing
// and then the one step of a rebuild that cannot start before the log's last event is read: the
// members-by-enterprise roster's table written from its rows (one per join and transfer), as
// `ledger rebuild` does (staged, then sorted into the table with SQLite's helper thread), and
// from rows already in the table's order (what no sort could beat).
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

/** The roster's rows of the log: who joined or moved to which enterprise (not timed). */
function rosterRows(file) {
  const db = new Database(file, { readonly: true });
  const rows = db
    .prepare(
      `SELECT data ->> '$.enterpriseId', data ->> '$.memberId' FROM events WHERE type = 'MemberJoined'
       UNION ALL SELECT data ->> '$.to.enterpriseId', data ->> '$.memberId' FROM events WHERE type = 'MemberTransferred'`,
    )
    .raw(true)
    .all();
  db.close();
  return rows;
}

const ROSTER = `(enterprise_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (enterprise_id, member_id)) WITHOUT ROWID`;

/** Seconds to write the roster's table from `rows`: staged then sorted in, and from rows already sorted. */
function rosterTail(rows, dir) {
  const db = new Database(join(dir, 'roster.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('temp.cache_size = -4096');
  db.exec(`CREATE TABLE sorted_in ${ROSTER}; CREATE TABLE presorted_in ${ROSTER};
    CREATE TEMP TABLE staged (enterprise_id TEXT NOT NULL, member_id TEXT NOT NULL)`);
  const insert = db.prepare('INSERT INTO temp.staged VALUES (?, ?)');
  db.transaction(() => rows.forEach(([e, m]) => insert.run(e, m)))();
  db.exec('CREATE TEMP TABLE in_order AS SELECT * FROM temp.staged ORDER BY enterprise_id, member_id');
  db.pragma('threads = 1');
  const seconds = (sql) => {
    const t0 = process.hrtime.bigint();
    db.transaction(() => db.exec(sql))();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const sorted = seconds('INSERT OR IGNORE INTO sorted_in SELECT * FROM temp.staged ORDER BY enterprise_id, member_id');
  const presorted = seconds('INSERT OR IGNORE INTO presorted_in SELECT * FROM temp.in_order');
  db.close();
  return { sorted, presorted };
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
    const roster = rosterRows(file);
    const scratch = mkdtempSync(join(tmpdir(), 'rebuild-floor-roster-'));
    let tail;
    try {
      tail = rosterTail(roster, scratch);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const rosterRow = (way, s) => `| ${way} | ${roster.length.toLocaleString('en')} rows | ${s.toFixed(2)} | — | — |`;
    const two = rows[2][1].seconds;
    const budget = head / 300_000;
    const left = budget - two - tail.presorted;
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
      rosterRow(`the roster's table, staged rows sorted in (after the log's last event)`, tail.sorted),
      rosterRow(`the roster's table, rows already in its order`, tail.presorted),
      '',
      `Target: 300,000 events/s for the whole rebuild, projection and writes included: ` +
        `${budget.toFixed(2)} s for these ${head.toLocaleString('en')} events. Reading and parsing on both cores, ` +
        `then the roster's table at the least (already sorted), take ${(two + tail.presorted).toFixed(2)} s of it; ` +
        `${left > 0 ? `what is left, ${left.toFixed(2)} s of two cores, is ${((2 * left * 1e6) / head).toFixed(2)} µs an event` : 'nothing is left'} ` +
        `for projecting every event, writing the segments, sorting the roster's rows and the transfer requests' list.`,
    ].join('\n');
    process.stdout.write(`${report}\n`);
    if (smoke) process.stdout.write('rebuild floor smoke: ok (nothing written)\n');
    else appendFileSync('BENCHMARKS.md', `\n${report}\n`);
  } finally {
    if (made) rmSync(made, { recursive: true, force: true });
  }
}
