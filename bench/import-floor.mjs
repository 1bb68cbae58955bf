// The least work an import of join lines must do on this machine, with none of the ledger's own
// code: what bounds issue 5's "≥ 100 k commands/s end to end" whatever the import's design.
// Per join line (86 % of a province file), in one thread, each step timed on its own:
//   parse      JSON.parse of the line
//   person     the keyed hash of the resident ID (contract §2: a keyed hash, never the number)
//   commandId  the id derived from the line's content (contract §9), keyed (the line holds the ID)
//   name       the name sealed (AES-256-GCM) and digested (HMAC) under the member's key: the
//              ledger's erasure design (README, Personal data), not the contract's
//   ids        SHA-256 for the fingerprint and for the two event ids (idempotent retries)
//   json       the two events' data and metadata as the JSON text the log stores
//   write      the rows in SQLite with the log's schema, WAL, every commit synced, 2,000 lines a
//              transaction: two events (the member's, the person's claim), a commandId, a key
// Bounds printed: one core deciding while the other writes (the import's shape today), and the
// whole of it split perfectly over both cores.
// Appends its table to BENCHMARKS.md (unless --smoke).
//   npm run bench -- --only import-floor [--members 100000] [--file province.ndjson] [--smoke]
import { benchArgs, commit, machine } from './bench-kit.mjs';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHmac, createSecretKey, hash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = benchArgs();
const smoke = args.smoke === 'true';
const members = Number(args.members ?? (smoke ? 5000 : 100000));
const dir = mkdtempSync(join(tmpdir(), 'import-floor-'));
/** Lines made and written a chunk at a time; a transaction holds a batch, as the import's do. */
const CHUNK = 100_000;
const BATCH = 2000;

try {
  const file = args.file ?? join(dir, 'province.ndjson');
  if (!args.file)
    execFileSync(process.execPath, ['bin/ledger.js', 'generate', '--members', String(members), '--out', file, '--json'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"command":"join"'));
  const n = lines.length;

  const personKey = createSecretKey(randomBytes(32));
  const recordedAt = new Date().toISOString();

  // The log's schema as src/event-store/embedded/sqlite-event-store.ts creates it; the keys as sqlite-member-keys.ts.
  const open = (name) => {
    const db = new Database(join(dir, name));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('cache_size = -262144');
    return db;
  };
  const log = open('events.sqlite');
  log.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY, event_id TEXT NOT NULL, stream TEXT NOT NULL,
      revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream, revision));
    CREATE TABLE command_ids (command_id TEXT PRIMARY KEY, stream TEXT NOT NULL, fingerprint TEXT NOT NULL) WITHOUT ROWID;`);
  const keyFile = open('member-keys.sqlite');
  keyFile.exec('CREATE TABLE member_keys (member_id TEXT PRIMARY KEY, data_key BLOB, erased_at TEXT) WITHOUT ROWID');
  const insertEvent = log.prepare(
    'INSERT INTO events (event_id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertClaim = log.prepare('INSERT INTO command_ids (command_id, stream, fingerprint) VALUES (?, ?, ?)');
  // A rejoin appends to the member's stream and the person's again, and keeps the member's key.
  const insertKey = keyFile.prepare('INSERT OR IGNORE INTO member_keys (member_id, data_key) VALUES (?, ?)');
  const revisions = new Map();
  const next = (stream) => {
    const r = revisions.get(stream) ?? 0;
    revisions.set(stream, r + 1);
    return r;
  };
  const uuid = (h) => h.slice(0, 32);

  // Nanoseconds per step over all lines; lines go a chunk at a time, so a province fits in memory.
  const spent = { parse: 0, person: 0, commandId: 0, name: 0, ids: 0, json: 0, write: 0 };
  for (let first = 0; first < n; first += CHUNK) {
    const chunk = lines.slice(first, first + CHUNK);
    const m = chunk.length;
    // Random bytes drawn in bulk, as the import's pool draws them (src/personal-data/random-pool.ts).
    const keys = Array.from({ length: m }, () => randomBytes(32));
    const ivs = randomBytes(12 * m);
    /** Runs a step over the chunk's lines, timing it alone; keeps what it makes for the next steps. */
    const step = (name, fn) => {
      const out = new Array(m);
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < m; i++) out[i] = fn(i);
      spent[name] += Number(process.hrtime.bigint() - t0);
      return out;
    };

    const parsed = step('parse', (i) => JSON.parse(chunk[i]));
    const persons = step('person', (i) => createHmac('sha256', personKey).update(parsed[i].personId).digest('hex'));
    const commandIds = step(
      'commandId',
      (i) => `import-${createHmac('sha256', personKey).update(chunk[i]).digest('hex').slice(0, 48)}`,
    );
    const names = step('name', (i) => {
      const iv = ivs.subarray(12 * i, 12 * i + 12);
      const cipher = createCipheriv('aes-256-gcm', keys[i], iv);
      cipher.setAAD(Buffer.from(parsed[i].memberId));
      const sealed = Buffer.concat([cipher.update(parsed[i].name, 'utf8'), cipher.final()]);
      const digest = createHmac('sha256', keys[i]).update(parsed[i].name).digest('hex');
      return {
        sealed: `enc:v1:${iv.toString('base64')}:${sealed.toString('base64')}:${cipher.getAuthTag().toString('base64')}`,
        digest,
      };
    });
    const ids = step('ids', (i) => ({
      fingerprint: hash('sha256', `${chunk[i]}${names[i].digest}${persons[i]}`),
      member: hash('sha256', `member-${parsed[i].memberId}\u0000no_stream\u0000${commandIds[i]}\u00000`),
      claim: hash('sha256', `person-${persons[i]}\u0000no_stream\u0000${commandIds[i]}\u00000`),
    }));
    const rows = step('json', (i) => {
      const p = parsed[i];
      const metadata = JSON.stringify({
        commandId: commandIds[i],
        commandFingerprint: ids[i].fingerprint,
        actor: 'ledger import (floor)',
        correlationId: 'import-floor',
        recordedAt,
      });
      const member = JSON.stringify({
        memberId: p.memberId,
        person: { hash: persons[i], masked: `${p.personId.slice(0, 6)}********${p.personId.slice(-4)}` },
        name: names[i].sealed,
        category: p.category,
        enterpriseId: p.enterpriseId,
        parkId: 'park',
        effectiveDate: p.effectiveDate,
      });
      const claim = JSON.stringify({ memberId: p.memberId, eventId: ids[i].member, memberExpectedRevision: 'no_stream' });
      return { member, claim, metadata };
    });

    const streams = parsed.map((p, i) => {
      const member = `member-${p.memberId}`;
      const person = `person-${persons[i]}`;
      return { member, person, memberRevision: next(member), personRevision: next(person) };
    });
    const writeLines = log.transaction((from, to) => {
      for (let i = from; i < to; i++) {
        const s = streams[i];
        insertClaim.run(commandIds[i], s.member, ids[i].fingerprint);
        insertEvent.run(
          uuid(ids[i].claim),
          s.person,
          s.personRevision,
          'PersonMembershipClaimed',
          rows[i].claim,
          rows[i].metadata,
        );
        insertEvent.run(uuid(ids[i].member), s.member, s.memberRevision, 'MemberJoined', rows[i].member, rows[i].metadata);
      }
    });
    const writeKeys = keyFile.transaction((from, to) => {
      for (let i = from; i < to; i++) insertKey.run(parsed[i].memberId, keys[i]);
    });
    const t0 = process.hrtime.bigint();
    for (let from = 0; from < m; from += BATCH) {
      const to = Math.min(m, from + BATCH);
      writeKeys(from, to);
      writeLines(from, to);
    }
    spent.write += Number(process.hrtime.bigint() - t0);
  }
  const timings = Object.fromEntries(Object.entries(spent).map(([k, ns]) => [k, ns / 1e3 / n]));
  log.close();
  keyFile.close();

  const decide = timings.parse + timings.person + timings.commandId + timings.name + timings.ids + timings.json;
  const pipelined = 1e6 / Math.max(decide, timings.write);
  const split = 2e6 / (decide + timings.write);
  const withoutNames = 2e6 / (decide - timings.name + timings.write);
  const report = [
    `## The floor of an import of join lines (issue 5) — ${new Date().toISOString().slice(0, 10)}, commit ${commit()}`,
    '',
    `Machine: ${machine()}. Command: \`npm run bench -- --only import-floor --members ${members}\` (${n.toLocaleString('en')} join lines, none of the ledger's code).`,
    '',
    '| step | µs a line |',
    '| --- | ---: |',
    ...Object.entries(timings).map(([k, v]) => `| ${k} | ${v.toFixed(2)} |`),
    `| all but write (one core) | ${decide.toFixed(2)} |`,
    '',
    `Bounds: one core deciding while the other writes, ${Math.round(pipelined).toLocaleString('en')} lines/s; ` +
      `everything split perfectly over both cores, ${Math.round(split).toLocaleString('en')} lines/s ` +
      `(${Math.round(withoutNames).toLocaleString('en')} lines/s without sealing names). Target: 100,000 lines/s.`,
  ].join('\n');
  process.stdout.write(`${report}\n`);
  if (smoke) process.stdout.write('import floor smoke: ok (nothing written)\n');
  else appendFileSync('BENCHMARKS.md', `\n${report}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
