import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/ledger-config.js';
import { type EventStore, type RecordedEvent } from '../../src/event-store/event-store.port.js';
import { type ImportCommand } from '../../src/imports/import-commands.js';
import { linesOf } from '../../src/imports/import-lines.js';
import { csvRecords, type ImportRecord, ImportRefused, ndjsonRecords } from '../../src/imports/import-records.js';
import { validateLine, type ValidLine } from '../../src/imports/import-validation.js';
import { type ImportAnswer, derivedCommandId, DERIVED_COMMAND_ID_PREFIX, LedgerImport } from '../../src/imports/ledger-import.js';
import { openEventStore, openMemberKeys } from '../../src/event-store/event-store-at.js';
import {
  answerWrite,
  type BatchPort,
  PortBatchWriter,
  StoreBatchWriter,
  type WriteRequest,
} from '../../src/imports/batch-writer.js';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import { memberStream } from '../../src/membership/member.events.js';
import { PersonClaims } from '../../src/membership/person-claims.js';
import { type MemberKeys } from '../../src/personal-data/member-keys.port.js';
import { PersonIdentity } from '../../src/personal-data/person-identity.js';
import { type ProvinceSummary, syntheticProvince } from '../../src/synthetic-province/synthetic-province.js';
import { residentId, startLedger, TestClock } from '../support/ledger-app.js';
import { expectGeneratedFigures } from '../support/generated-figures.js';

/*
 * The import engine over the real embedded store and key file in a temp dir, wired as
 * `ledger import` wires it; the figures are then read through the real service on that dir.
 */

const CALLER = {
  principal: { sub: 'import-test', role: 'provincial-admin' as const },
  actor: 'import-test',
  correlationId: 'import-test-1',
};

interface Ledger {
  readonly dir: string;
  readonly store: EventStore;
  readonly keys: MemberKeys;
  readonly identity: PersonIdentity;
  readonly engine: LedgerImport;
  readonly close: () => Promise<void>;
}

const dirs: string[] = [];

/**
 * `throughPort`: batches are written as `ledger import` writes them, by other connections to the
 * same files at the far end of a message channel, while the engine decides the next batch.
 */
async function openLedger(dir = mkdtempSync(join(tmpdir(), 'ledger-import-')), { throughPort = false } = {}): Promise<Ledger> {
  if (!dirs.includes(dir)) dirs.push(dir);
  const clock = new TestClock();
  const config = loadConfig({ LEDGER_DATA_DIR: dir });
  const store = await openEventStore(config, clock);
  const keys = await openMemberKeys(config, clock);
  const identity = new PersonIdentity(config.personHashKey);
  let writer: PortBatchWriter | undefined;
  let closeWriter = async () => {};
  if (throughPort) {
    const writeStore = await openEventStore(config, clock);
    const writeKeys = await openMemberKeys(config, clock);
    const batches = new StoreBatchWriter(writeStore, writeKeys);
    const { port1, port2 } = new MessageChannel();
    port2.on('message', (request: WriteRequest) => answerWrite(request, batches, (reply) => port2.postMessage(reply)));
    writer = new PortBatchWriter(port1 as BatchPort);
    closeWriter = async () => {
      writer!.close();
      port1.close();
      port2.close();
      await writeStore.close();
      await writeKeys.close();
    };
  }
  const engine = new LedgerImport({ store, keys, identity, claims: new PersonClaims(store), clock, writer });
  return {
    dir,
    store,
    keys,
    identity,
    engine,
    close: async () => {
      await closeWriter();
      await store.close();
      await keys.close();
    },
  };
}

/**
 * The events of a log as another ledger would hold them for the same commands: each data dir
 * has its own keys, so sealed names, person hashes, derived commandIds (and so event ids)
 * differ. Everything else is the same.
 */
const comparable = (events: RecordedEvent[]) =>
  events.map(({ streamName, revision, type, data }) => {
    const { name: _name, nameDigest: _digest, person, eventId: _claimed, ...rest } = data as Record<string, unknown>;
    const masked = (person as { masked?: string } | undefined)?.masked;
    return { stream: streamName.startsWith('person-') ? 'person' : streamName, revision, type, data: rest, masked };
  });

/** The text as a stream hands it over: in chunks of `chunk` bytes (lines cut anywhere). */
async function* bytesOf(text: string, chunk = 64 * 1024): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
}

const ndjson = (text: string): AsyncIterable<ImportRecord> => ndjsonRecords(linesOf(bytesOf(text)));
const csv = (text: string): AsyncIterable<ImportRecord> => csvRecords(linesOf(bytesOf(text)));
const ndjsonOf = (commands: ReadonlyArray<object>) => commands.map((c) => `${JSON.stringify(c)}\n`).join('');

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 5000 });
    if (page.length === 0) return events;
    events.push(...page);
    after = page[page.length - 1].position;
  }
}

afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('LedgerImport over the embedded store', () => {
  describe('a generated province of 2,000 member ids', () => {
    const commands: ImportCommand[] = [];
    let summary: ProvinceSummary;
    let text: string;
    let ledger: Ledger;
    let first: ImportAnswer;

    beforeAll(async () => {
      const iterator = syntheticProvince({ members: 2000, seed: 11, years: 10, endDate: '2026-06-30' }).commands();
      let next = iterator.next();
      for (; !next.done; next = iterator.next()) commands.push(next.value);
      summary = next.value;
      text = ndjsonOf(commands);
      ledger = await openLedger();
      first = await ledger.engine.run(ndjson(text), { caller: CALLER, batchLines: 500 });
    }, 120_000);
    afterAll(() => ledger.close());

    it('given an empty store, when the file is imported, then every line is accepted and the log holds their events', async () => {
      expect(summary.lines).toBe(commands.length);
      expect(commands.length).toBeGreaterThan(2000);
      expect(first).toEqual({
        accepted: commands.length,
        duplicates: 0,
        rejected: 0,
        errors: [],
        errorsOmitted: 0,
        position: expect.stringMatching(/^[1-9]\d*$/),
        recordedAt: expect.any(String),
      });
      const events = await allEvents(ledger.store);
      expect(String(events.at(-1)!.position)).toBe(first.position);
      // Each line's events carry its derived commandId; joins add a person claim.
      const commandIds = new Set(events.map((e) => e.metadata.commandId));
      expect(commandIds.size).toBe(commands.length);
      expect([...commandIds].every((id) => id?.startsWith(DERIVED_COMMAND_ID_PREFIX))).toBe(true);
      expect(events.filter((e) => e.type === 'MemberJoined')).toHaveLength(summary.counts.join);
      expect(events.filter((e) => e.type === 'PersonMembershipClaimed')).toHaveLength(summary.counts.join);
    });

    it('given the same file again, then nothing new is recorded and every line is a duplicate', async () => {
      const headBefore = await ledger.store.headPosition();
      const again = await ledger.engine.run(ndjson(text), { caller: CALLER, batchLines: 700 });
      expect(again).toEqual({
        accepted: 0,
        duplicates: commands.length,
        rejected: 0,
        errors: [],
        errorsOmitted: 0,
        position: first.position,
        recordedAt: null,
      });
      expect(await ledger.store.headPosition()).toBe(headBefore);
      // A fresh engine (a later run of the CLI) finds them too.
      const later = await openLedger(ledger.dir);
      try {
        const third = await later.engine.run(ndjson(text), { caller: CALLER });
        expect({ accepted: third.accepted, duplicates: third.duplicates, rejected: third.rejected }).toEqual({
          accepted: 0,
          duplicates: commands.length,
          rejected: 0,
        });
      } finally {
        await later.close();
      }
    }, 60_000);

    it('given the same file written through a message port while the next batch is decided (as ledger import writes it), then the log holds the same events in the same order', async () => {
      const piped = await openLedger(undefined, { throughPort: true });
      try {
        const answer = await piped.engine.run(ndjson(text), { caller: CALLER, batchLines: 500 });
        expect({ accepted: answer.accepted, duplicates: answer.duplicates, rejected: answer.rejected }).toEqual({
          accepted: commands.length,
          duplicates: 0,
          rejected: 0,
        });
        expect(answer.position).toBe(first.position);
        expect(comparable(await allEvents(piped.store))).toEqual(comparable(await allEvents(ledger.store)));
        const again = await piped.engine.run(ndjson(text), { caller: CALLER, batchLines: 300 });
        expect({ accepted: again.accepted, duplicates: again.duplicates }).toEqual({ accepted: 0, duplicates: commands.length });
      } finally {
        await piped.close();
      }
    }, 60_000);

    it('given the imported data dir, when the service starts on it, then the province figures are the ones the generator expects', async () => {
      await ledger.close();
      const service = await startLedger({ dataDir: ledger.dir });
      try {
        const e = summary.expected;
        const res = await service.as().get(`/figures?scope=province&asOf=${e.asOf}`);
        expect(res.status).toBe(200);
        expect(res.body.position).toBe(first.position);
        expectGeneratedFigures(res.body.totals, e);
        expect(e.members).toBeGreaterThan(1000);
        // A member's name was sealed under its key and reads back.
        const join = commands.find((c): c is Extract<ImportCommand, { command: 'join' }> => c.command === 'join')!;
        const member = await service.as().get(`/members/${join.memberId}`);
        expect({ status: member.status, name: member.body.name }).toEqual({ status: 200, name: join.name });
      } finally {
        await service.stop();
      }
      ledger = await openLedger(ledger.dir);
    }, 120_000);
  });

  describe('a province imported in two files, the second onto the first', () => {
    // The second import starts on a store that is not empty: what it decides against (member
    // timelines, persons' claims, enterprises' placements) is read from the store, then packed.
    let commands: ImportCommand[];
    let split: Ledger;
    let whole: Ledger;
    let second: ImportAnswer;
    let joined: Extract<ImportCommand, { command: 'join' }>;

    beforeAll(async () => {
      commands = [...syntheticProvince({ members: 1500, seed: 5, years: 8, endDate: '2026-06-30' }).commands()];
      const half = Math.floor(commands.length / 2);
      // A member of the first half whom no later line moves or removes: still active at the end.
      const moved = new Set(commands.flatMap((c) => (c.command === 'leave' || c.command === 'transfer' ? [c.memberId] : [])));
      joined = commands
        .slice(0, half)
        .find((c): c is Extract<ImportCommand, { command: 'join' }> => c.command === 'join' && !moved.has(c.memberId))!;
      const park = commands.find((c) => c.command === 'registerPark')!;
      const newcomer = [
        // An enterprise and a member that only the second import places.
        {
          command: 'registerEnterprise',
          enterpriseId: 'e-new',
          parkId: park.parkId,
          name: '新厂',
          ownership: 'non-public',
          effectiveDate: '2026-01-05',
        },
        { ...joined, memberId: 'm-new', personId: residentId(990_001), enterpriseId: 'e-new', effectiveDate: '2026-02-01' },
      ];
      const refusedLater = [
        // The same person under another member id while still a member.
        { ...joined, memberId: 'm-again', effectiveDate: '2026-06-30' },
        // Enterprises closed while their members are still there.
        { command: 'closeEnterprise', enterpriseId: joined.enterpriseId, effectiveDate: '2026-06-30' },
        { command: 'closeEnterprise', enterpriseId: 'e-new', effectiveDate: '2026-06-30' },
      ];
      split = await openLedger();
      await split.engine.run(ndjson(ndjsonOf(commands.slice(0, half))), { caller: CALLER, batchLines: 300 });
      await split.close();
      split = await openLedger(split.dir);
      second = await split.engine.run(ndjson(ndjsonOf([...commands.slice(half), ...newcomer, ...refusedLater])), {
        caller: CALLER,
        batchLines: 300,
      });
      whole = await openLedger();
      await whole.engine.run(ndjson(ndjsonOf([...commands, ...newcomer])), { caller: CALLER, batchLines: 300 });
    }, 120_000);
    afterAll(async () => {
      await split.close();
      await whole.close();
    });

    it('given the second half imported onto the first, then its lines are accepted, and a rejoin and closures that members placed by either import forbid are refused', () => {
      const half = Math.floor(commands.length / 2);
      expect({ accepted: second.accepted, duplicates: second.duplicates, rejected: second.rejected }).toEqual({
        accepted: commands.length - half + 2,
        duplicates: 0,
        rejected: 3,
      });
      const last = commands.length - half + 2;
      const parkOfJoined = commands.find((c) => c.command === 'registerEnterprise' && c.enterpriseId === joined.enterpriseId);
      expect(second.errors).toEqual([
        {
          line: last + 1,
          code: 'PERSON_ALREADY_MEMBER',
          message: expect.stringContaining(joined.memberId),
          details: { memberId: joined.memberId, parkId: (parkOfJoined as { parkId: string }).parkId },
        },
        {
          line: last + 2,
          code: 'ENTERPRISE_HAS_ACTIVE_MEMBERS',
          message: expect.stringContaining(joined.enterpriseId),
          // The first 20 of them, as the API lists them.
          details: { memberIds: expect.arrayContaining([expect.stringMatching(/^m\d+$/)]) },
        },
        {
          line: last + 3,
          code: 'ENTERPRISE_HAS_ACTIVE_MEMBERS',
          message: expect.stringContaining('e-new'),
          details: { memberIds: ['m-new'] },
        },
      ]);
      expect((second.errors[1].details as { memberIds: string[] }).memberIds).toHaveLength(20);
    });

    it('given the same province imported in one file, then both logs hold the same events in the same order', async () => {
      const fromSplit = comparable(await allEvents(split.store));
      expect(fromSplit.length).toBeGreaterThan(3000);
      expect(fromSplit).toEqual(comparable(await allEvents(whole.store)));
    });
  });

  describe('a file with bad lines', () => {
    let ledger: Ledger;
    beforeAll(async () => {
      ledger = await openLedger();
    });
    afterAll(() => ledger.close());

    const park = {
      command: 'registerPark',
      parkId: 'p-1',
      name: '高新区',
      cityId: 'nanchang',
      level: 'national',
      effectiveDate: '2015-03-01',
    };
    const enterprise = {
      command: 'registerEnterprise',
      enterpriseId: 'e-1',
      parkId: 'p-1',
      name: '某电子有限公司',
      ownership: 'non-public',
      effectiveDate: '2015-04-01',
    };
    const join = (memberId: string, n: number, enterpriseId = 'e-1', effectiveDate = '2016-03-15') => ({
      command: 'join',
      memberId,
      personId: residentId(n),
      name: '张三',
      category: 'migrant',
      enterpriseId,
      effectiveDate,
    });

    it('given broken JSON, a join into an unknown enterprise, a leave of a member not active and a repeated line, then exactly those are reported and the rest recorded', async () => {
      const lines = [
        JSON.stringify(park), // 1
        JSON.stringify(enterprise), // 2
        '{"command":"join","memberId":"m-9",', // 3 broken JSON
        JSON.stringify(join('m-1', 1)), // 4
        '', // 5 blank: skipped
        JSON.stringify(join('m-2', 2, 'e-404')), // 6 NOT_FOUND
        JSON.stringify({ command: 'leave', memberId: 'm-1', reason: 'resigned', effectiveDate: '2017-01-01' }), // 7
        JSON.stringify({ command: 'leave', memberId: 'm-1', reason: 'retired', effectiveDate: '2017-06-01' }), // 8 MEMBER_NOT_ACTIVE
        JSON.stringify(join('m-1', 1)), // 9 the same line as 4: a duplicate
        JSON.stringify({ command: 'reportHeadcount', enterpriseId: 'e-1', employees: -1, effectiveDate: '2016-01-01' }), // 10
        JSON.stringify(join('m-3', 3)), // 11
        JSON.stringify({ ...join('m-4', 4), effectiveDate: '2027-01-01' }), // 12 after today
      ];
      const errors: Array<{ line: number; code: string }> = [];
      const answer = await ledger.engine.run(ndjson(lines.join('\n')), {
        caller: CALLER,
        onError: (e) => errors.push({ line: e.line, code: e.code }),
      });
      const expectedErrors = [
        { line: 3, code: 'INVALID_JSON' },
        { line: 6, code: 'NOT_FOUND' },
        { line: 8, code: 'MEMBER_NOT_ACTIVE' },
        { line: 10, code: 'VALIDATION_FAILED' },
        { line: 12, code: 'VALIDATION_FAILED' },
      ];
      expect(answer).toMatchObject({ accepted: 5, duplicates: 1, rejected: 5, errorsOmitted: 0 });
      expect(answer.errors.map(({ line, code }) => ({ line, code }))).toEqual(expectedErrors);
      expect(errors).toEqual(expectedErrors);
      expect(answer.errors.every((e) => e.message.length > 0)).toBe(true);
      expect(answer.errors[1].message).toMatch(/e-404/);

      const events = await allEvents(ledger.store);
      expect(events.filter((e) => e.type !== 'PersonMembershipClaimed').map((e) => [e.type, e.streamName])).toEqual([
        ['ParkRegistered', 'park-p-1'],
        ['EnterpriseRegistered', 'enterprise-e-1'],
        ['MemberJoined', memberStream('m-1')],
        ['MemberLeft', memberStream('m-1')],
        ['MemberJoined', memberStream('m-3')],
      ]);
      expect(await ledger.store.readStream(memberStream('m-2'))).toEqual([]);
      expect(await ledger.store.readStream(memberStream('m-4'))).toEqual([]);
      expect(answer.position).toBe(String(events.at(-1)!.position));
    });

    it.each([
      ['in this thread', false],
      ['through a message port while the next batch is decided, as ledger import writes them', true],
    ])(
      'given another writer that, between two batches, records a leave of a member and takes a commandId a later line carries, when the import goes on (batches written %s), then the batch is decided again against the store: those lines refused, every other line recorded once',
      async (_how, throughPort) => {
        const own = await openLedger(undefined, { throughPort });
        // The other writer: a second connection to the same log file, as the service or a second import would hold.
        const other = new SqliteEventStore(`${own.dir}/events.sqlite`, new TestClock());
        const lines = [
          park, // batch 1
          enterprise,
          join('m-1', 1),
          join('m-2', 2),
          { command: 'changeCategory', memberId: 'm-1', category: 'regular', effectiveDate: '2017-01-01' }, // batch 2: m-1 left meanwhile
          { command: 'leave', memberId: 'm-2', reason: 'retired', effectiveDate: '2017-02-01', commandId: 'cmd-taken' }, // its commandId taken
          join('m-3', 3),
          { command: 'leave', memberId: 'm-2', reason: 'resigned', effectiveDate: '2017-03-01' },
          join('m-4', 4), // batch 3
        ];
        let batches = 0;
        try {
          const answer = await own.engine.run(ndjson(ndjsonOf(lines)), {
            caller: CALLER,
            batchLines: 4,
            onProgress: () => {
              if (++batches !== 1) return;
              other.appendStampedBatch([
                {
                  stream: memberStream('m-1'),
                  expectedRevision: 0,
                  events: [
                    {
                      id: randomUUID(),
                      type: 'MemberLeft',
                      data: { memberId: 'm-1', reason: 'resigned', effectiveDate: '2016-12-01' },
                      metadata: { actor: 'clerk-7', correlationId: 'other-writer' },
                    },
                  ],
                },
              ]);
              // A claim of the commandId by another command, committed at once (as another process would).
              const raw = new Database(`${own.dir}/events.sqlite`);
              raw
                .prepare('INSERT INTO command_ids (command_id, stream, fingerprint) VALUES (?, ?, ?)')
                .run('cmd-taken', 'enterprise-e-1', 'another command');
              raw.close();
            },
          });
          expect({ accepted: answer.accepted, duplicates: answer.duplicates, rejected: answer.rejected }).toEqual({
            accepted: 7,
            duplicates: 0,
            rejected: 2,
          });
          expect(answer.errors.map(({ line, code }) => ({ line, code }))).toEqual([
            { line: 5, code: 'MEMBER_NOT_ACTIVE' },
            { line: 6, code: 'COMMAND_ID_REUSED' },
          ]);
          const facts = (await allEvents(own.store)).filter((e) => e.type !== 'PersonMembershipClaimed');
          expect(facts.map((e) => [e.type, e.streamName, e.metadata.correlationId])).toEqual([
            ['ParkRegistered', 'park-p-1', CALLER.correlationId],
            ['EnterpriseRegistered', 'enterprise-e-1', CALLER.correlationId],
            ['MemberJoined', memberStream('m-1'), CALLER.correlationId],
            ['MemberJoined', memberStream('m-2'), CALLER.correlationId],
            ['MemberLeft', memberStream('m-1'), 'other-writer'],
            ['MemberJoined', memberStream('m-3'), CALLER.correlationId],
            ['MemberLeft', memberStream('m-2'), CALLER.correlationId],
            ['MemberJoined', memberStream('m-4'), CALLER.correlationId],
          ]);
          // Run again: every line it recorded is a duplicate, the refused ones are refused again.
          const again = await own.engine.run(ndjson(ndjsonOf(lines)), { caller: CALLER, batchLines: 4 });
          expect({ accepted: again.accepted, duplicates: again.duplicates, rejected: again.rejected }).toEqual({
            accepted: 0,
            duplicates: 7,
            rejected: 2,
          });
        } finally {
          await other.close();
          await own.close();
        }
      },
    );

    it.each([
      ['in this thread', false],
      ['through a message port while the next batch is decided', true],
    ])(
      'given back-dated leaves that a recorded transfer forbids, when the transfer is in the same batch, an earlier batch (written %s) or an earlier import, then each TIMELINE_CONFLICT names the transfer by its stored event id',
      async (_how, throughPort) => {
        const own = await openLedger(undefined, { throughPort });
        const leave = (effectiveDate: string) => ({ command: 'leave', memberId: 'm-1', reason: 'resigned', effectiveDate });
        try {
          const first = await own.engine.run(
            ndjson(
              ndjsonOf([
                park, // batch 1
                enterprise,
                { ...enterprise, enterpriseId: 'e-2' },
                join('m-1', 1), // batch 2
                { command: 'transfer', memberId: 'm-1', toEnterpriseId: 'e-2', effectiveDate: '2017-06-01' },
                leave('2017-01-01'), // the transfer in this batch
                leave('2017-02-01'), // batch 3: the transfer in the batch before
              ]),
            ),
            { caller: CALLER, batchLines: 3 },
          );
          const second = await own.engine.run(ndjson(ndjsonOf([leave('2017-03-01')])), { caller: CALLER });

          const stored = await own.store.readStream(memberStream('m-1'));
          const transfer = stored.find((e) => e.type === 'MemberTransferred')!;
          const conflict = (line: number) => ({
            line,
            code: 'TIMELINE_CONFLICT',
            message: expect.stringMatching(/^a later fact would become invalid: /),
            details: { conflictingEventId: transfer.id, reason: 'MEMBER_NOT_ACTIVE' },
          });
          expect(first).toMatchObject({ accepted: 5, rejected: 2, errors: [conflict(6), conflict(7)] });
          expect(second).toMatchObject({ accepted: 0, rejected: 1, errors: [conflict(1)] });
          expect(stored.map((e) => e.type)).toEqual(['MemberJoined', 'MemberTransferred']);
        } finally {
          await own.close();
        }
      },
    );

    it('given more errors than maxErrors, then the first are listed and the rest counted', async () => {
      const bad = Array.from({ length: 7 }, (_, i) => `{"broken": ${i}`).join('\n');
      const answer = await ledger.engine.run(ndjson(bad), { caller: CALLER, maxErrors: 3 });
      expect(answer).toMatchObject({ accepted: 0, duplicates: 0, rejected: 7, errorsOmitted: 4 });
      expect(answer.errors.map((e) => e.line)).toEqual([1, 2, 3]);
    });

    it('given a file of blank lines only, then the import is refused as empty', async () => {
      const refused = await ledger.engine.run(ndjson('\n\n  \n'), { caller: CALLER }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ImportRefused);
      expect((refused as ImportRefused).code).toBe('EMPTY_IMPORT');
    });
  });

  describe('the same commands as CSV and as NDJSON', () => {
    const person = residentId(42);
    const csvText =
      '\ufeff操作,园区编号,企业编号,名称,设区市编号,园区级别,企业性质,职工人数,会员编号,身份证号,会员类别,生效日期\r\n' +
      '登记园区,p-9,,"九江, 经开区",jiujiang,省级,,,,,,2014-01-01\r\n' +
      '登记企业,p-9,e-9,"某""制造""公司",,,公有制,,,,,2014-02-01\r\n' +
      '申报职工人数,,e-9,,,,,120,,,,2014-03-01\r\n' +
      `入会,,e-9,王五,,,,,m-9,${person},农民工,2014-04-01\r\n`;
    const sameAsNdjson = [
      {
        command: 'registerPark',
        parkId: 'p-9',
        name: '九江, 经开区',
        cityId: 'jiujiang',
        level: 'provincial',
        effectiveDate: '2014-01-01',
      },
      {
        effectiveDate: '2014-02-01',
        ownership: 'public',
        name: '某"制造"公司',
        enterpriseId: 'e-9',
        parkId: 'p-9',
        command: 'registerEnterprise',
      },
      { command: 'reportHeadcount', enterpriseId: 'e-9', employees: 120, effectiveDate: '2014-03-01' },
      {
        command: 'join',
        memberId: 'm-9',
        personId: person,
        name: '王五',
        category: 'migrant',
        enterpriseId: 'e-9',
        effectiveDate: '2014-04-01',
      },
    ];

    it('given the CSV imported, when the NDJSON of the same commands (keys in another order) is imported, then every line is a duplicate', async () => {
      const ledger = await openLedger();
      try {
        const fromCsv = await ledger.engine.run(csv(csvText), { caller: CALLER });
        expect(fromCsv).toMatchObject({ accepted: 4, duplicates: 0, rejected: 0, errors: [] });
        const fromNdjson = await ledger.engine.run(ndjson(ndjsonOf(sameAsNdjson)), { caller: CALLER });
        expect(fromNdjson).toMatchObject({ accepted: 0, duplicates: 4, rejected: 0, errors: [] });

        // The commandIds recorded are the ones derived from either form.
        const ids = sameAsNdjson.map((fields) => derivedCommandId(ledger.identity, validateLine(fields) as ValidLine));
        const events = (await allEvents(ledger.store)).filter((e) => e.type !== 'PersonMembershipClaimed');
        expect(events.map((e) => e.metadata.commandId)).toEqual(ids);
        // Keyed: the resident ID cannot be found in the id, and another key derives another id.
        expect(ids[3]).not.toContain(person);
        const other = new PersonIdentity(Buffer.alloc(32, 1));
        expect(derivedCommandId(other, validateLine(sameAsNdjson[3]) as ValidLine)).not.toBe(ids[3]);
      } finally {
        await ledger.close();
      }
    });

    it('given the same commands posted to POST /imports as CSV and then as NDJSON, then the second answer is all duplicates', async () => {
      const service = await startLedger();
      try {
        const first = await service.as().post('/imports').set('Content-Type', 'text/csv; charset=utf-8').send(csvText);
        expect({ status: first.status, body: first.body }).toMatchObject({
          status: 200,
          body: { accepted: 4, duplicates: 0, rejected: 0, errors: [] },
        });
        const second = await service
          .as()
          .post('/imports')
          .set('Content-Type', 'application/x-ndjson')
          .send(ndjsonOf(sameAsNdjson));
        expect({ status: second.status, body: second.body }).toMatchObject({
          status: 200,
          body: { accepted: 0, duplicates: 4, rejected: 0, errors: [], position: first.body.position },
        });
        const member = await service.as().get('/members/m-9');
        expect({ status: member.status, name: member.body.name }).toEqual({ status: 200, name: '王五' });
      } finally {
        await service.close();
      }
    });
  });
});
