// A seeded, deterministic synthetic province history written straight into an embedded store
// data dir (no HTTP, no person claims, no member keys): the read-side benchmark's fixture.
//   node bench/synthetic-history.mjs --data-dir /tmp/h [--members 1500000] [--seed 1] [--json]
// Shape: 11 cities, 94 parks (11 national), ~1 enterprise per 100 member ids, headcounts ~15 %
// above member counts; an opening membership (joined before 2016), then ten years
// 2016-01-01..2025-12-31 of joins, rejoins, transfers within and between parks (migrants most
// mobile), category changes, leaves, closures and union foundings.
// Knowledge time: everything effective up to 2018-01-02 is one back-dated bulk load recorded on
// 2018-01-02; from then on facts are recorded on their effective day, ~10 % 1-90 days late, and
// ~1 % are mistakes (a join, leave, transfer, category change, headcount or union founding)
// voided 1-30 days later; a member's mistake is the last fact of their timeline until its void.
// Every fact is valid under contract section 5 at the moment it is recorded: a member's facts are
// recorded in effective order, an enterprise is closed (and recorded closed) only after every
// member fact touching it is recorded and it has nobody left.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const DAY_MS = 86_400_000;
const dayOf = (iso) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const FIRST_DAY = dayOf('2016-01-01');
const LAST_DAY = dayOf('2025-12-31');
const OPENING_DAY = dayOf('2015-12-31');
const BULK_DAY = dayOf('2018-01-02');
const BULK_START_MS = BULK_DAY * DAY_MS + 3_600_000; // 09:00 in Shanghai
const OFFICE_START_MS = 30 * 60_000; // 08:30 in Shanghai
const OFFICE_SPAN_MS = 9 * 3_600_000;

const CITIES = [
  ['nanchang', '360100', 13],
  ['jingdezhen', '360200', 6],
  ['pingxiang', '360300', 5],
  ['jiujiang', '360400', 9],
  ['xinyu', '360500', 5],
  ['yingtan', '360600', 4],
  ['ganzhou', '360700', 12],
  ['jian', '360800', 8],
  ['yichun', '360900', 8],
  ['fuzhou', '361000', 6],
  ['shangrao', '361100', 7],
]; // [cityId, region code, provincial parks]: 11 national + 83 provincial = 94 parks
const CATEGORIES = ['regular', 'migrant', 'dispatched'];
const REGULAR = 0;
const MIGRANT = 1;
const DISPATCHED = 2;
const LEAVE_REASONS = ['left-employment', 'resigned', 'retired', 'deceased', 'expelled', 'moved-out-of-province'];
// Reason weights by category (regular, migrant, dispatched).
const LEAVE_WEIGHTS = [
  [35, 12, 38, 5, 1, 9],
  [55, 12, 6, 2, 1, 24],
  [60, 14, 8, 2, 1, 15],
];
const VOID_REASONS = ['recorded in error', 'duplicate entry', 'wrong member', 'wrong enterprise', 'wrong date, re-recorded'];

// Yearly rates per active member (leave, transfer, category change) and per left member (rejoin).
const LEAVE_RATE = 0.022;
const TRANSFER_RATE = 0.016;
const CATEGORY_RATE = 0.003;
const REJOIN_RATE = 0.02;
const UNION_RATE = 0.1; // per enterprise without a union
const OPENING_SHARE = 0.58; // of the member ids, joined before 2016
const NEW_ENTERPRISE_SHARE = 0.1;
const CLOSING_SHARE = 0.05;
const LATE_SHARE = 0.1;
const MISTAKE_SHARE = 0.01;
const BATCH = 5000;
const CACHE_KIB = 256 * 1024;

/** sfc32 seeded through splitmix32: fast, small, the same numbers for the same seed everywhere. */
function makeRandom(seed) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split();
  let b = split();
  let c = split();
  let d = split();
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  const random = () => u32() / 4294967296;
  return { u32, random };
}

/** Hash of a number (seeded): person hashes derived, not stored. */
function mix32(x) {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex8 = (x) => HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Swap-remove set of small integers with O(1) add, remove and uniform pick. */
class IndexSet {
  constructor(capacity) {
    this.items = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
    this.size = 0;
  }
  has(i) {
    return this.pos[i] >= 0;
  }
  add(i) {
    if (this.pos[i] >= 0) return;
    this.items[this.size] = i;
    this.pos[i] = this.size++;
  }
  remove(i) {
    const p = this.pos[i];
    if (p < 0) return;
    const last = this.items[--this.size];
    this.items[p] = last;
    this.pos[last] = p;
    this.pos[i] = -1;
  }
  pick(random) {
    return this.items[Math.floor(random() * this.size)];
  }
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const next = argv[i + 1];
    out[argv[i].slice(2)] = next !== undefined && !next.startsWith('--') ? argv[++i] : 'true';
  }
  return out;
}

/**
 * Writes the history into `<dataDir>/events.sqlite` (the file the service opens). Returns a
 * summary: counts, timing, the recordedAt range and the ids a benchmark can draw from.
 */
export async function generateHistory({ members = 1_500_000, seed = 1, dataDir, log = () => {} }) {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const N = Math.max(100, Math.floor(members));
  const { SqliteEventStore } = await import(new URL('../dist/src/event-store/embedded/sqlite-event-store.js', import.meta.url));
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'events.sqlite');
  if (existsSync(file)) throw new Error(`${file} exists: the history is written into a fresh data dir`);
  const { u32, random } = makeRandom(seed);
  const personSalt = mix32(seed ^ 0x5bd1e995);
  const rInt = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const chance = (p) => random() < p;
  /** Integer count with the expected value `x`. */
  const countOf = (x) => Math.floor(x) + (random() < x - Math.floor(x) ? 1 : 0);
  const weighted = (weights) => {
    let total = 0;
    for (const w of weights) total += w;
    let r = random() * total;
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return i;
    return weights.length - 1;
  };
  const uuid = () => {
    const a = u32();
    const b = u32();
    const c = u32();
    const d = u32();
    const h = hex8(a) + hex8(((b & 0xffff0fff) | 0x5000) >>> 0) + hex8(((c & 0x3fffffff) | 0x80000000) >>> 0) + hex8(d);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  };
  const hex64 = () => {
    let s = '';
    for (let i = 0; i < 8; i++) s += hex8(u32());
    return s;
  };
  const b64 = (chars) => {
    let s = '';
    for (let i = 0; i < chars; i++) s += B64[u32() & 63];
    return s;
  };
  /** Looks like what the name seam stores (AES-GCM, base64 parts); the read side never opens it. */
  const sealedName = () => `enc:v1:${b64(16)}:${b64(12)}:${b64(22)}==`;
  const isoDays = new Map();
  const iso = (d) => {
    let s = isoDays.get(d);
    if (s === undefined) isoDays.set(d, (s = new Date(d * DAY_MS).toISOString().slice(0, 10)));
    return s;
  };

  // Organisation.
  const parkIds = [];
  const parkCity = [];
  const parkWeight = [];
  const parkRegDay = [];
  for (const [cityId, , provincial] of CITIES) {
    parkIds.push(`${cityId}-national`);
    parkCity.push(cityId);
    parkWeight.push(3 + random() * 2);
    for (let k = 1; k <= provincial; k++) {
      parkIds.push(`${cityId}-p${String(k).padStart(2, '0')}`);
      parkCity.push(cityId);
      parkWeight.push(0.5 + random() * 1.5);
    }
  }
  const P = parkIds.length;
  for (let p = 0; p < P; p++) parkRegDay.push(rInt(dayOf('1992-01-01'), dayOf('2008-12-31')));
  const parkRegion = parkCity.map((c) => CITIES.find((x) => x[0] === c)[1]);
  const parkOpen = Array.from({ length: P }, () => null);

  const E = Math.max(20, Math.round(N / 100));
  const E0 = Math.round(E * (1 - NEW_ENTERPRISE_SHARE));
  const entPark = new Int32Array(E);
  const entRegDay = new Uint16Array(E);
  const entCloseDay = new Uint16Array(E);
  const entOpen = new Uint8Array(E);
  const entUnion = new Uint8Array(E);
  const entRec = new Uint16Array(E); // last record day of the enterprise's own facts
  const entMemberRec = new Uint16Array(E); // last record day of any member fact (or void) touching it
  const entHead = new Int32Array(E).fill(-1);
  const entCount = new Int32Array(E);
  const entRev = new Int32Array(E).fill(-1);
  const entReportDoy = new Uint16Array(E);
  const entEmployees = new Int32Array(E); // the headcount that stands (latest effective, not voided)
  const parkWeightTotal = parkWeight.reduce((s, w) => s + w, 0);
  const pickPark = () => {
    let r = random() * parkWeightTotal;
    for (let p = 0; p < P; p++) if ((r -= parkWeight[p]) < 0) return p;
    return P - 1;
  };
  for (let e = 0; e < E; e++) {
    const p = pickPark();
    entPark[e] = p;
    entRegDay[e] =
      e < E0
        ? rInt(Math.max(parkRegDay[p], dayOf('1995-01-01')), dayOf('2015-06-30'))
        : rInt(FIRST_DAY + 10, dayOf('2025-06-30'));
    entReportDoy[e] = rInt(0, 364);
  }
  // New enterprises in registration order, so that the daily loop meets them in turn.
  const newOrder = Array.from({ length: E - E0 }, (_, i) => E0 + i).sort((a, b) => entRegDay[a] - entRegDay[b]);
  const closingByDay = new Map();
  for (let k = Math.round(E * CLOSING_SHARE); k > 0; k--) {
    const e = rInt(0, E - 1);
    if (entCloseDay[e] !== 0) continue;
    const from = Math.max(entRegDay[e] + 365, FIRST_DAY + 30);
    if (from >= LAST_DAY) continue;
    entCloseDay[e] = rInt(from, LAST_DAY);
    if (!closingByDay.has(entCloseDay[e])) closingByDay.set(entCloseDay[e], []);
    closingByDay.get(entCloseDay[e]).push(e);
  }
  const reportByDoy = Array.from({ length: 365 }, () => []);
  for (let e = 0; e < E; e++) reportByDoy[entReportDoy[e]].push(e);
  const openSet = new IndexSet(E);
  const nonUnionSet = new IndexSet(E);
  for (let p = 0; p < P; p++) parkOpen[p] = new IndexSet(E);

  // Members: everything a member needs in flat typed arrays (about 60 bytes a member id). A member
  // id is active (in `active`), left and free to rejoin (in `leftPool`), or neither: not used yet
  // (>= nextMember), or closed for good (its person joined again under another id, or its only
  // fact was a voided mistake).
  const cat = new Uint8Array(N);
  const ent = new Int32Array(N).fill(-1);
  const person = new Int32Array(N);
  const lastRec = new Uint16Array(N);
  const leftDay = new Uint16Array(N);
  const memberRev = new Int32Array(N).fill(-1);
  const next = new Int32Array(N).fill(-1);
  const prev = new Int32Array(N).fill(-1);
  const active = new IndexSet(N);
  const leftPool = new IndexSet(N);
  let nextMember = 0;
  const memberId = (m) => `m${String(m).padStart(7, '0')}`;
  const enterpriseId = (e) => `e${String(e).padStart(6, '0')}`;

  const place = (m, e) => {
    ent[m] = e;
    prev[m] = -1;
    next[m] = entHead[e];
    if (entHead[e] >= 0) prev[entHead[e]] = m;
    entHead[e] = m;
    entCount[e]++;
  };
  const unplace = (m) => {
    const e = ent[m];
    if (prev[m] >= 0) next[prev[m]] = next[m];
    else entHead[e] = next[m];
    if (next[m] >= 0) prev[next[m]] = prev[m];
    next[m] = prev[m] = -1;
    ent[m] = -1;
    entCount[e]--;
  };
  const personRef = (q) => {
    let h = '';
    let x = mix32(q ^ personSalt);
    for (let i = 0; i < 8; i++) {
      x = mix32(x + i + 1);
      h += hex8(x);
    }
    const region = parkRegion[q % P];
    const tail = String(mix32(q + personSalt) % 1000).padStart(3, '0') + '0123456789X'[mix32(q) % 11];
    return { hash: h, masked: `${region}********${tail}` };
  };

  // Output: appends in recording order; the store's clock reads the instant of each append.
  const store = new SqliteEventStore(file, { now: () => new Date(clockTimes[clockIndex++]) });
  // Bulk-load settings of this connection only (the file keeps WAL; the service opens it with its
  // own): a page cache that holds the event-id and stream indexes, which a load touches all over;
  // no fsync per batch and rarer checkpoints (a fixture that a crash leaves half-written is simply
  // generated again). The store closes with a full checkpoint.
  const db = store['db'];
  db.pragma(`cache_size = -${CACHE_KIB}`);
  db.pragma('synchronous = OFF');
  db.pragma('wal_autocheckpoint = 25000');
  let clockTimes = [];
  let clockIndex = 0;
  let batch = [];
  let batchTimes = [];
  let written = 0;
  let firstRecordedMs;
  let lastRecordedMs;
  let bulkIndex = 0;
  const counts = {};
  const flush = () => {
    if (batch.length === 0) return;
    clockTimes = batchTimes;
    clockIndex = 0;
    store.appendStampedBatch(batch);
    written += batch.length;
    batch = [];
    batchTimes = [];
  };
  /** Appends one pending event at instant `ms`, with the expected revision of its stream. */
  const write = (ev, ms) => {
    let stream;
    let rev;
    if (ev.k === 2) {
      stream = `member-${memberId(ev.i)}`;
      rev = memberRev[ev.i]++;
    } else if (ev.k === 1) {
      stream = `enterprise-${enterpriseId(ev.i)}`;
      rev = entRev[ev.i]++;
    } else {
      stream = `park-${parkIds[ev.i]}`;
      rev = ev.rev;
    }
    batch.push({
      stream,
      events: [ev], // the store reads id, type, data and metadata; the routing fields ride along unread
      expectedRevision: rev < 0 ? 'no_stream' : rev,
    });
    batchTimes.push(ms);
    firstRecordedMs ??= ms;
    lastRecordedMs = ms;
    counts[ev.type] = (counts[ev.type] ?? 0) + 1;
    if (batch.length >= BATCH) flush();
  };
  const buckets = new Map();
  let bulkCorrelation = uuid();
  /** Queues an event for record day `r`: the bulk day's events go straight out, in order. */
  const emit = (ev, r) => {
    if (r === BULK_DAY) {
      if (bulkIndex % 1000 === 0) bulkCorrelation = uuid();
      ev.metadata.correlationId = bulkCorrelation;
      write(ev, BULK_START_MS + bulkIndex++);
      return;
    }
    let list = buckets.get(r);
    if (!list) buckets.set(r, (list = []));
    list.push(ev);
  };
  const flushDay = (r) => {
    const list = buckets.get(r);
    if (!list) return;
    buckets.delete(r);
    const start = r * DAY_MS + OFFICE_START_MS;
    for (let i = 0; i < list.length; i++) write(list[i], start + Math.floor(((i + 0.5) * OFFICE_SPAN_MS) / list.length));
  };

  let today = 0;
  const inBulk = () => today <= BULK_DAY;
  const meta = (actor) => {
    const m = inBulk()
      ? { commandId: uuid(), commandFingerprint: hex64(), actor: 'province-admin', correlationId: '' }
      : { commandId: undefined, commandFingerprint: hex64(), actor, correlationId: uuid() };
    if (m.commandId === undefined) {
      if (chance(0.6)) m.commandId = uuid();
      else delete m.commandId;
    }
    return m;
  };
  const clerk = (e) => `clerk-${parkIds[entPark[e]]}`;
  const lag = () => (chance(LATE_SHARE) ? 1 + Math.floor(89 * random() ** 2) : 0);
  /** The day a fact effective on `d` gets recorded, before ordering constraints. */
  const recordDay = (d) => (d <= BULK_DAY ? BULK_DAY : d + lag());
  let factsToday = 0;

  const memberEvent = (m, type, data, r, touched) => {
    if (r < lastRec[m]) r = lastRec[m];
    lastRec[m] = r;
    for (const e of touched) if (entMemberRec[e] < r) entMemberRec[e] = r;
    const ev = { k: 2, i: m, id: uuid(), type, data, metadata: meta(touched.length > 0 ? clerk(touched.at(-1)) : 'clerk') };
    emit(ev, r);
    factsToday++;
    return ev;
  };
  const enterpriseEvent = (e, type, data, r) => {
    if (r < entRec[e]) r = entRec[e];
    entRec[e] = r;
    const ev = { k: 1, i: e, id: uuid(), type, data, metadata: meta(clerk(e)) };
    emit(ev, r);
    factsToday++;
    return ev;
  };
  /** A mistaken fact voided 1-30 days after it was recorded; the simulation never applies it. */
  const voidLater = (ev, r, touchedEnterprises) => {
    const rv = r + rInt(1, 30);
    const voidEv = {
      k: ev.k,
      i: ev.i,
      id: uuid(),
      type: 'EntryVoided',
      data: { voidedEventId: ev.id, reason: VOID_REASONS[rInt(0, VOID_REASONS.length - 1)] },
      metadata: meta(ev.metadata.actor),
    };
    emit(voidEv, rv);
    if (ev.k === 2) lastRec[ev.i] = rv;
    else entRec[ev.i] = rv;
    for (const e of touchedEnterprises) if (entMemberRec[e] < rv) entMemberRec[e] = rv;
    return rv;
  };

  const openEnterprise = (e) => {
    entOpen[e] = 1;
    openSet.add(e);
    parkOpen[entPark[e]].add(e);
    if (!entUnion[e]) nonUnionSet.add(e);
  };
  const closeEnterpriseSets = (e) => {
    entOpen[e] = 0;
    openSet.remove(e);
    parkOpen[entPark[e]].remove(e);
    nonUnionSet.remove(e);
  };
  const headcountOf = (e) =>
    entCount[e] > 0 ? Math.min(1_000_000, Math.round(entCount[e] / (0.8 + random() * 0.1)) + rInt(0, 3)) : rInt(8, 80);
  const registerEnterprise = (e) => {
    const d = entRegDay[e];
    enterpriseEvent(
      e,
      'EnterpriseRegistered',
      {
        enterpriseId: enterpriseId(e),
        parkId: parkIds[entPark[e]],
        name: `企业 ${e}`,
        ownership: chance(0.86) ? 'non-public' : 'public',
        effectiveDate: iso(d),
      },
      d <= BULK_DAY ? BULK_DAY : d,
    );
    openEnterprise(e);
  };
  const reportHeadcount = (e, d, employees = headcountOf(e), r = recordDay(d)) => {
    entEmployees[e] = employees;
    return enterpriseEvent(
      e,
      'EnterpriseHeadcountReported',
      { enterpriseId: enterpriseId(e), employees, effectiveDate: iso(d) },
      r,
    );
  };
  const establishUnion = (e, d) => {
    entUnion[e] = 1;
    nonUnionSet.remove(e);
    enterpriseEvent(e, 'EnterpriseUnionEstablished', { enterpriseId: enterpriseId(e), effectiveDate: iso(d) }, recordDay(d));
  };

  /** An open enterprise for a join: mostly where members already are (sizes spread), else any. */
  const joinTarget = () => (active.size > 0 && chance(0.6) ? ent[active.pick(random)] : openSet.pick(random));
  const otherEnterprise = (m, d) => {
    const here = ent[m];
    const crossPark = chance(cat[m] === MIGRANT ? 0.55 : 0.2);
    const local = parkOpen[entPark[here]];
    if (!crossPark && local.size > 1) {
      for (;;) {
        const e = local.pick(random);
        if (e !== here) return e;
      }
    }
    for (let tries = 0; tries < 50; tries++) {
      const e = openSet.pick(random);
      if (e !== here && (entPark[e] !== entPark[here] || local.size > 1)) return e;
    }
    return -1;
  };
  const placementOf = (e) => ({ enterpriseId: enterpriseId(e), parkId: parkIds[entPark[e]] });
  const newCategory = (opening) => {
    const r = random();
    return opening ? (r < 0.37 ? REGULAR : r < 0.9 ? MIGRANT : DISPATCHED) : r < 0.3 ? REGULAR : r < 0.9 ? MIGRANT : DISPATCHED;
  };
  const joinedData = (m, c, e, d) => ({
    memberId: memberId(m),
    person: personRef(person[m]),
    name: sealedName(),
    category: CATEGORIES[c],
    enterpriseId: enterpriseId(e),
    parkId: parkIds[entPark[e]],
    effectiveDate: iso(d),
  });
  const joinMember = (m, e, d, c, r) => {
    cat[m] = c;
    active.add(m);
    place(m, e);
    return memberEvent(m, 'MemberJoined', joinedData(m, c, e, d), r, [e]);
  };
  const transfer = (m, to, d, r = recordDay(d)) => {
    const from = ent[m];
    const data = { memberId: memberId(m), from: placementOf(from), to: placementOf(to), effectiveDate: iso(d) };
    unplace(m);
    place(m, to);
    return memberEvent(m, 'MemberTransferred', data, r, [from, to]);
  };
  const leave = (m, reason, d, r = recordDay(d)) => {
    const e = ent[m];
    unplace(m);
    active.remove(m);
    leftDay[m] = d;
    leftPool.add(m);
    return memberEvent(m, 'MemberLeft', { memberId: memberId(m), reason, effectiveDate: iso(d) }, r, [e]);
  };
  const otherCategory = (c) => (c === REGULAR ? (chance(0.7) ? DISPATCHED : MIGRANT) : chance(0.85) ? REGULAR : 3 - c);
  const pickActive = (weights) => {
    for (;;) {
      const m = active.pick(random);
      if (random() < weights[cat[m]]) return m;
    }
  };
  const pickLeft = (d) => {
    for (let tries = 0; tries < 20; tries++) {
      const m = leftPool.pick(random);
      if (leftDay[m] < d) return m;
    }
    return -1;
  };

  let lastProgress = 0;
  const progress = (force = false) => {
    const t = elapsed();
    if (!force && t - lastProgress < 2) return;
    lastProgress = t;
    log(
      `synthetic history: ${iso(today)}, ${written + batch.length} events, ${active.size} active members, ${nextMember}/${N} member ids, ${t.toFixed(1)} s`,
    );
  };

  // The opening state, all in the bulk load.
  today = BULK_DAY - 1;
  for (let p = 0; p < P; p++) {
    const pid = parkIds[p];
    const base = { k: 0, i: p };
    emit(
      {
        ...base,
        rev: -1,
        id: uuid(),
        type: 'ParkRegistered',
        data: {
          parkId: pid,
          name: `${parkCity[p]} 工业园区 ${p}`,
          cityId: parkCity[p],
          level: pid.endsWith('-national') ? 'national' : 'provincial',
          effectiveDate: iso(parkRegDay[p]),
        },
        metadata: meta('province-admin'),
      },
      BULK_DAY,
    );
    // Nine park unions are founded in 2016-2017; all 94 parks have one by 2018.
    const unionDay = p % 10 === 3 ? rInt(FIRST_DAY, dayOf('2017-12-31')) : rInt(parkRegDay[p], OPENING_DAY);
    emit(
      {
        ...base,
        rev: 0,
        id: uuid(),
        type: 'ParkUnionEstablished',
        data: { parkId: pid, effectiveDate: iso(unionDay) },
        metadata: meta('province-admin'),
      },
      BULK_DAY,
    );
  }
  const opening = Array.from({ length: E0 }, (_, e) => e).sort((a, b) => entRegDay[a] - entRegDay[b]);
  for (const e of opening) {
    registerEnterprise(e);
    if (chance(0.74)) establishUnion(e, rInt(entRegDay[e], OPENING_DAY));
  }
  // Opening members: enterprise sizes spread (log-normal weights), join dates before 2016.
  const weights = new Float64Array(E0);
  let acc = 0;
  for (let e = 0; e < E0; e++) {
    const g = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    acc += Math.exp(1.1 * g);
    weights[e] = acc;
  }
  const openingMembers = Math.round(N * OPENING_SHARE);
  for (let k = 0; k < openingMembers; k++) {
    const x = random() * acc;
    let lo = 0;
    let hi = E0 - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (weights[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    const m = nextMember++;
    person[m] = m;
    joinMember(m, lo, rInt(Math.max(entRegDay[lo], dayOf('2008-01-01')), OPENING_DAY), newCategory(true), BULK_DAY);
    if ((k & 0xffff) === 0) progress();
  }
  for (const e of opening) reportHeadcount(e, OPENING_DAY);

  // Ten years, day by day.
  let newIndex = 0;
  for (today = FIRST_DAY; today <= LAST_DAY; today++) {
    const d = today;
    factsToday = 0;
    while (newIndex < newOrder.length && entRegDay[newOrder[newIndex]] <= d) {
      const e = newOrder[newIndex++];
      registerEnterprise(e);
      reportHeadcount(e, d, rInt(20, 300));
    }
    for (const e of closingByDay.get(d) ?? []) {
      if (!entOpen[e] || entRegDay[e] >= d) continue;
      closeEnterpriseSets(e);
      const here = [];
      for (let m = entHead[e]; m >= 0; m = next[m]) here.push(m);
      for (const m of here) {
        const to = chance(0.7) ? otherEnterprise(m, d) : -1;
        if (to >= 0) transfer(m, to, d);
        else leave(m, 'left-employment', d);
      }
      let r = recordDay(d);
      if (r < entMemberRec[e]) r = entMemberRec[e];
      enterpriseEvent(e, 'EnterpriseClosed', { enterpriseId: enterpriseId(e), effectiveDate: iso(d) }, r);
    }
    const month = Number(iso(d).slice(5, 7));
    const season = month === 2 || month === 3 ? 1.6 : month === 1 || month === 12 ? 0.6 : 0.95;
    const joins = countOf(((N - nextMember) / (LAST_DAY - d + 1)) * season * 0.985);
    for (let k = 0; k < joins && nextMember < N; k++) {
      const m = nextMember++;
      const reused = leftPool.size > 0 && chance(0.05) ? pickLeft(d) : -1;
      let r = recordDay(d);
      if (reused >= 0) {
        // The same person joins again under a new member id: the old id is closed for good.
        leftPool.remove(reused);
        person[m] = person[reused];
        if (r < lastRec[reused]) r = lastRec[reused];
      } else person[m] = m;
      joinMember(m, joinTarget(), d, newCategory(false), r);
    }
    const rejoins = countOf((leftPool.size * REJOIN_RATE) / 365);
    for (let k = 0; k < rejoins; k++) {
      const m = pickLeft(d);
      if (m < 0) break;
      leftPool.remove(m);
      joinMember(m, joinTarget(), d, chance(0.7) ? cat[m] : newCategory(false), recordDay(d));
    }
    const leaves = countOf((active.size * LEAVE_RATE) / 365);
    for (let k = 0; k < leaves; k++) {
      const m = pickActive([0.75, 1, 1]);
      const reason = LEAVE_REASONS[weighted(LEAVE_WEIGHTS[cat[m]])];
      leave(m, reason, d);
    }
    const transfers = countOf((active.size * TRANSFER_RATE) / 365);
    for (let k = 0; k < transfers; k++) {
      const m = pickActive([0.2, 1, 0.5]);
      const to = otherEnterprise(m, d);
      if (to >= 0) transfer(m, to, d);
    }
    const changes = countOf((active.size * CATEGORY_RATE) / 365);
    for (let k = 0; k < changes; k++) {
      const m = pickActive([0.3, 1, 1]);
      const to = otherCategory(cat[m]);
      const data = { memberId: memberId(m), from: CATEGORIES[cat[m]], to: CATEGORIES[to], effectiveDate: iso(d) };
      cat[m] = to;
      memberEvent(m, 'MemberCategoryChanged', data, recordDay(d), [ent[m]]);
    }
    const unions = countOf((nonUnionSet.size * UNION_RATE) / 365);
    for (let k = 0; k < unions && nonUnionSet.size > 0; k++) establishUnion(nonUnionSet.pick(random), d);
    for (const e of reportByDoy[(d - FIRST_DAY) % 365]) if (entOpen[e] && entRegDay[e] < d) reportHeadcount(e, d);

    // Mistakes, recorded on their day and voided later (never in the back-dated bulk load).
    if (d > BULK_DAY) {
      const mistakes = countOf(factsToday * MISTAKE_SHARE);
      for (let k = 0; k < mistakes; k++) {
        const kind = weighted([30, 20, 20, 10, 15, 5]);
        if (kind === 0 && nextMember < N) {
          const m = nextMember++;
          person[m] = m;
          const e = openSet.pick(random);
          const data = joinedData(m, newCategory(false), e, d);
          const ev = memberEvent(m, 'MemberJoined', data, d, [e]);
          voidLater(ev, lastRec[m], [e]);
        } else if (kind <= 3 && active.size > 0) {
          const m = active.pick(random);
          const e = ent[m];
          let ev;
          let touched = [e];
          if (kind === 1 || kind === 0) {
            ev = memberEvent(m, 'MemberLeft', { memberId: memberId(m), reason: 'resigned', effectiveDate: iso(d) }, d, [e]);
          } else if (kind === 2) {
            const to = otherEnterprise(m, d);
            if (to < 0) continue;
            touched = [e, to];
            const data = { memberId: memberId(m), from: placementOf(e), to: placementOf(to), effectiveDate: iso(d) };
            ev = memberEvent(m, 'MemberTransferred', data, d, touched);
          } else {
            const data = {
              memberId: memberId(m),
              from: CATEGORIES[cat[m]],
              to: CATEGORIES[otherCategory(cat[m])],
              effectiveDate: iso(d),
            };
            ev = memberEvent(m, 'MemberCategoryChanged', data, d, [e]);
          }
          voidLater(ev, lastRec[m], touched);
        } else if (kind === 4 && openSet.size > 0) {
          // Not on a day the enterprise reports anyway: two reports of one day would tie.
          const e = openSet.pick(random);
          if (entRegDay[e] === d || entReportDoy[e] === (d - FIRST_DAY) % 365) continue;
          const ev = reportHeadcount(e, d, headcountOf(e) + rInt(1, 50) * (chance(0.5) ? 10 : 1));
          const rv = voidLater(ev, entRec[e], []);
          reportHeadcount(e, d, headcountOf(e), rv);
        } else if (kind === 5 && nonUnionSet.size > 0) {
          const e = nonUnionSet.pick(random);
          const ev = enterpriseEvent(
            e,
            'EnterpriseUnionEstablished',
            { enterpriseId: enterpriseId(e), effectiveDate: iso(d) },
            d,
          );
          voidLater(ev, entRec[e], []);
        }
      }
      flushDay(d);
    }
    progress();
  }
  // Late facts and voids still due after the last effective day.
  const dueDays = [...buckets.keys()].sort((a, b) => a - b);
  for (const r of dueDays) flushDay(r);
  flush();
  await store.close();
  progress(true);
  // The province's figures on the last day as known at the end: what GET /figures must answer.
  const byCategory = { regular: 0, migrant: 0, dispatched: 0 };
  for (let k = 0; k < active.size; k++) byCategory[CATEGORIES[cat[active.items[k]]]]++;
  let employees = 0;
  let withUnion = 0;
  for (let k = 0; k < openSet.size; k++) {
    employees += entEmployees[openSet.items[k]];
    withUnion += entUnion[openSet.items[k]];
  }
  const finalFigures = {
    asOf: iso(LAST_DAY),
    members: active.size,
    byCategory,
    employees,
    enterprises: openSet.size,
    enterprisesWithUnion: withUnion,
    parks: P,
    parksWithUnion: P,
  };
  return {
    events: written,
    seconds: Number(elapsed().toFixed(2)),
    members: N,
    memberIdsUsed: nextMember,
    memberIdFormat: 'm%07d',
    enterprises: E,
    parks: P,
    parkIds,
    cityIds: CITIES.map((c) => c[0]),
    firstRecordedAt: new Date(firstRecordedMs).toISOString(),
    lastRecordedAt: new Date(lastRecordedMs).toISOString(),
    firstEffectiveDate: iso(FIRST_DAY),
    lastEffectiveDate: iso(LAST_DAY),
    counts,
    finalFigures,
    file,
  };
}

const invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
const YOUNG_GENERATION = '--max-semi-space-size=64';
if (invokedDirectly && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  // Every event and its JSON die young: a larger young generation halves the time spent in GC.
  const run = spawnSync(process.execPath, [YOUNG_GENERATION, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
} else if (invokedDirectly) {
  const args = parseArgs(process.argv.slice(2));
  if (!args['data-dir']) {
    process.stderr.write('usage: node bench/synthetic-history.mjs --data-dir <dir> [--members N] [--seed S] [--json]\n');
    process.exit(2);
  }
  const summary = await generateHistory({
    members: Number(args.members ?? 1_500_000),
    seed: Number(args.seed ?? 1),
    dataDir: resolve(args['data-dir']),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stderr.write(
    `synthetic history: ${summary.events} events for ${summary.members} members in ${summary.seconds} s ` +
      `(${Math.round(summary.events / summary.seconds)} events/s, peak RSS ${peakRssMiB} MiB), ` +
      `recorded ${summary.firstRecordedAt} .. ${summary.lastRecordedAt}\n`,
  );
  if (args.json === 'true') process.stdout.write(`${JSON.stringify({ ...summary, peakRssMiB })}\n`);
}
