import Database from 'better-sqlite3';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PackedEvents } from '../../projections/figures/packed-events.js';
import { transferRequests } from '../../projections/transfer-requests/transfer-requests.projection.js';
import { openEventStoreAt } from '../../src/event-store/event-store-at.js';
import { rebuildFigures } from '../../src/read-models/figures/figure-builder.js';
import { ProjectionRunner } from '../../src/read-models/projection-runner.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { startProcess, tokenFor } from './ledger-process.js';

const CLI = join(process.cwd(), 'bin', 'ledger.js');
const GENERATOR = join(process.cwd(), 'bench', 'synthetic-history.mjs');

/** The serving figures build, canonically: its places and its rows in log order, hashed, plus what is left over. */
function dumpFigures(dataDir: string) {
  const db = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true });
  try {
    const builds = db
      .prepare(`SELECT build, status, checkpoint FROM projection_builds WHERE projection = 'figures'`)
      .all() as Array<{
      build: string;
      status: string;
      checkpoint: string;
    }>;
    const current = builds.find((b) => b.status === 'current')!;
    const hash = createHash('sha256');
    // Segments hold the events of a page of the log each: hashed event by event, in log order.
    const rows = (
      db.prepare(`SELECT payload FROM figures_${current.build}_segments ORDER BY last_position`).all() as Array<{
        payload: Buffer;
      }>
    ).flatMap(({ payload }) => {
      const events = PackedEvents.fromBytes(payload);
      return Array.from({ length: events.length }, (_, e) => [events.position(e), events.recordedMs(e), events.deltasOf(e)]);
    });
    for (const row of rows) hash.update(JSON.stringify(row));
    for (const row of db.prepare(`SELECT kind, id, parent FROM figures_${current.build}_places ORDER BY kind, id`).raw().all())
      hash.update(JSON.stringify(row));
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'figures_%'`).all() as Array<{ name: string }>
    )
      .map((t) => t.name.replace(current.build, '<current>'))
      .sort();
    return {
      builds: builds.map((b) => b.status),
      checkpoint: current.checkpoint,
      rows: rows.length,
      hash: hash.digest('hex'),
      tables,
    };
  } finally {
    db.close();
  }
}

/** Roster rows (in key order) as compared here: how many, their hash, and the checkpoint they reach. */
const rosterDigest = (rows: unknown[], checkpoint: string | undefined) => ({
  rows: rows.length,
  hash: createHash('sha256').update(JSON.stringify(rows)).digest('hex'),
  checkpoint,
});

/** The members-by-enterprise table, hashed in key order, with its checkpoint. */
function dumpRoster(dataDir: string) {
  const db = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT enterprise_id, member_id FROM members_by_enterprise ORDER BY 1, 2').raw().all();
    const checkpoint = db.prepare(`SELECT position FROM checkpoints WHERE projection = 'members-by-enterprise'`).get() as
      { position: string } | undefined;
    return rosterDigest(rows, checkpoint?.position);
  } finally {
    db.close();
  }
}

/** The oracle: every (enterprise, member) a join or a transfer in the log placed, read from the log with SQL, and its head. */
function rosterFromLog(dataDir: string) {
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT DISTINCT e, m FROM (
           SELECT json_extract(data, '$.enterpriseId') AS e, json_extract(data, '$.memberId') AS m FROM events WHERE type = 'MemberJoined'
           UNION ALL
           SELECT json_extract(data, '$.to.enterpriseId'), json_extract(data, '$.memberId') FROM events WHERE type = 'MemberTransferred')
         ORDER BY 1, 2`,
      )
      .raw()
      .all();
    const head = db.prepare('SELECT MAX(position) AS head FROM events').get() as { head: number };
    return rosterDigest(rows, String(head.head));
  } finally {
    db.close();
  }
}

/** The transfer requests' list as stored, in key order. */
function dumpTransferList(dataDir: string) {
  const db = new Database(join(dataDir, 'read-models.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT * FROM transfer_request_facts ORDER BY transfer_id, position').all();
  } finally {
    db.close();
  }
}

/**
 * Transfer requests recorded on top of the synthetic history (which has none): requested, some
 * rejected or cancelled, on streams that fall in every share of a rebuild.
 */
async function recordTransferRequests(dataDir: string, count: number): Promise<void> {
  const store = openEventStoreAt(join(dataDir, 'events.sqlite'), systemClock);
  const meta = { actor: 'clerk-e2e', correlationId: 'e2e-transfers' };
  try {
    for (let t = 0; t < count; t++) {
      const transferId = `e2e-t${t}`;
      const events = [
        {
          id: `${transferId}-requested`,
          type: 'TransferRequested',
          data: {
            transferId,
            memberId: `m${String(t).padStart(7, '0')}`,
            from: { parkId: 'nanchang-p01', enterpriseId: `e${String(t).padStart(6, '0')}` },
            to: { parkId: 'jiujiang-p02', enterpriseId: `e${String(t + 1).padStart(6, '0')}` },
            openedBy: 'origin',
            effectiveDate: '2025-06-01',
          } as object,
          metadata: meta,
        },
      ];
      // None accepted: a service started on the history would carry an accepted one out (a member event more).
      const outcomes = [
        ['TransferRejected', { transferId, reason: 'no place' }],
        ['TransferCancelled', { transferId, reason: 'withdrawn' }],
      ] as const;
      const outcome = outcomes[t % 3];
      if (outcome) events.push({ id: `${transferId}-${outcome[0]}`, type: outcome[0], data: outcome[1], metadata: meta });
      await store.appendToStream(`transfer-${transferId}`, events, { expectedRevision: 'no_stream' });
    }
  } finally {
    await store.close();
  }
}

/** The list as the service builds it: by following the log from the start, in a read-model file of its own. */
async function transferListByFollowing(dataDir: string) {
  const copy = mkdtempSync(join(tmpdir(), 'ledger-rebuild-follow-'));
  try {
    cpSync(join(dataDir, 'events.sqlite'), join(copy, 'events.sqlite'));
    const store = openEventStoreAt(join(copy, 'events.sqlite'), systemClock);
    const db = openReadModelDb(join(copy, 'read-models.sqlite'));
    try {
      await new ProjectionRunner(db, store, transferRequests).catchUp();
    } finally {
      db.close();
      await store.close();
    }
    return dumpTransferList(copy);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** `ledger rebuild` as a child process, killed with SIGKILL once it has written its first progress line. */
async function killRebuildMidway(dataDir: string): Promise<string> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'rebuild'], { env: { ...process.env, LEDGER_DATA_DIR: dataDir } });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (/figures, roster, transfers \[/.test(err)) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`rebuild ended before it could be killed:\n${err}`)));
  });
  await new Promise((resolve) => child.once('exit', resolve));
  return err;
}

describe('kill -9 during a rebuild, then restart: the read model equals a clean rebuild', () => {
  const dirs: string[] = [];
  let history: string;
  let clean: ReturnType<typeof dumpFigures>;
  let cleanRoster: ReturnType<typeof dumpRoster>;
  let cleanCopy: string;

  beforeAll(async () => {
    // Given a synthetic history of 30,000 members (about 45,000 events), with transfer requests
    // recorded on top, and a clean rebuild of a copy of it
    history = mkdtempSync(join(tmpdir(), 'ledger-rebuild-'));
    dirs.push(history);
    execFileSync(process.execPath, [GENERATOR, '--data-dir', history, '--members', '30000'], { stdio: 'ignore' });
    await recordTransferRequests(history, 40);
    const copy = mkdtempSync(join(tmpdir(), 'ledger-rebuild-clean-'));
    dirs.push(copy);
    cpSync(history, copy, { recursive: true });
    execFileSync(process.execPath, [CLI, 'rebuild'], { env: { ...process.env, LEDGER_DATA_DIR: copy }, stdio: 'ignore' });
    clean = dumpFigures(copy);
    cleanRoster = dumpRoster(copy);
    cleanCopy = copy;
  }, 120_000);
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('given the CLI rebuild, when its members-by-enterprise table is read, then it holds every placement of a join or transfer in the log, checkpointed at the head', () => {
    expect(cleanRoster).toEqual(rosterFromLog(history));
    expect(cleanRoster.rows).toBeGreaterThan(30_000);
  });

  it('given the CLI rebuild, then the transfer requests list, read by its worker threads with the figures, equals the list built by following the log, and reaches the head', async () => {
    const db = new Database(join(cleanCopy, 'read-models.sqlite'), { readonly: true });
    try {
      expect(db.prepare(`SELECT position FROM checkpoints WHERE projection = 'transfer-requests'`).get()).toEqual({
        position: rosterFromLog(history).checkpoint,
      });
    } finally {
      db.close();
    }
    const rebuilt = dumpTransferList(cleanCopy);
    expect(rebuilt).toEqual(await transferListByFollowing(history));
    // 40 requests, and the 27 that were rejected or cancelled.
    expect(rebuilt).toHaveLength(67);
  });

  it('given the same history, when rebuilt by the CLI in worker threads and here in one thread, then the two builds are identical', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'ledger-rebuild-one-thread-'));
    dirs.push(copy);
    cpSync(history, copy, { recursive: true });
    const store = openEventStoreAt(join(copy, 'events.sqlite'), systemClock);
    const db = openReadModelDb(join(copy, 'read-models.sqlite'));
    try {
      await rebuildFigures(db, store, () => new Date().toISOString(), { threads: false });
    } finally {
      db.close();
      await store.close();
    }
    expect(dumpFigures(copy)).toEqual(clean);
    expect(clean.rows).toBeGreaterThan(40_000);
  }, 120_000);

  it('given the first build killed midway, when the service starts, then it builds again and serves exactly the clean build', async () => {
    const progress = await killRebuildMidway(history);
    expect(progress).toMatch(/figures, roster, transfers \[#*\.+\]/);
    const service = await startProcess(history);
    try {
      const res = await fetch(`${service.baseUrl}/figures?scope=province&asOf=2025-12-31`, {
        headers: { Authorization: `Bearer ${tokenFor()}` },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { totals: { members: number } }).totals.members).toBeGreaterThan(20_000);
    } finally {
      await service.stop('SIGTERM');
    }
    expect(dumpFigures(history)).toEqual(clean);
  }, 120_000);

  it('given a rebuild killed midway beside a serving build, when rebuilt again, then the old build served untouched and the new one equals the clean build', async () => {
    const before = dumpFigures(history);
    await killRebuildMidway(history);
    // The killed build is left unfinished beside the serving one, which is untouched.
    const afterKill = dumpFigures(history);
    expect(afterKill.builds.sort()).toEqual(['building', 'current']);
    expect({ ...afterKill, builds: [], tables: [] }).toEqual({ ...before, builds: [], tables: [] });
    expect(dumpRoster(history)).toEqual(cleanRoster);
    execFileSync(process.execPath, [CLI, 'rebuild'], { env: { ...process.env, LEDGER_DATA_DIR: history }, stdio: 'ignore' });
    expect(dumpFigures(history)).toEqual(clean);
    expect(dumpRoster(history)).toEqual(cleanRoster);
  }, 120_000);

  it('given a worker heap too small for the history, when rebuilt, then it stops with exit 1 and a message naming --heap-mib, and the serving build stays', () => {
    const before = dumpFigures(history);
    const run = spawnSync(process.execPath, [CLI, 'rebuild', '--heap-mib', '8'], {
      env: { ...process.env, LEDGER_DATA_DIR: history },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /ledger rebuild: rebuild share \d of \d ran out of its 8 MiB heap: run it again with a larger --heap-mib/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const after = dumpFigures(history);
    expect({ ...after, builds: [], tables: [] }).toEqual({ ...before, builds: [], tables: [] });
    expect(dumpRoster(history)).toEqual(cleanRoster);
  }, 120_000);
});
