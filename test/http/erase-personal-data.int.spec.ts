import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MEMBER_KEYS, type MemberKeys } from '../../src/personal-data/member-keys.port.js';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient, masked } from './ledger-http.js';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const ERASED = '欧阳娜娜';
const KEPT = 'Zhang Wuji';
const LEFT = '令狐冲';

describe('erasing a member’s personal data (POST /members/:memberId/erase)', () => {
  let ledger: LedgerApp;
  let api: LedgerClient;
  let erasedKey: Buffer;
  let keptKey: Buffer;
  const erasedId = residentId(201, '19880808');
  const keptId = residentId(202, '19770707');
  const leftId = residentId(203, '19660606');
  /** The member's view without the fields an erasure may change (its name, the stream revision). */
  const standing = async (memberId: string, query: Record<string, string> = {}) => {
    const res = await api.member(memberId, query);
    expect(res.status).toBe(200);
    const { name: _name, revision: _revision, ...rest } = res.body;
    return rest;
  };

  beforeAll(async () => {
    ledger = await startLedger();
    api = new LedgerClient(ledger);
    expectAnswer(await api.registerPark('pE'));
    expectAnswer(await api.registerEnterprise('eE', 'pE'));
    expectAnswer(await api.join('m-erased', erasedId, 'eE', '2016-01-01', { name: ERASED }));
    expectAnswer(await api.join('m-kept', keptId, 'eE', '2016-02-01', { name: KEPT, category: 'regular' }));
    expectAnswer(await api.join('m-left', leftId, 'eE', '2016-03-01', { name: LEFT }));
    expectAnswer(await api.leave('m-left', '2018-03-31', 'retired'));
  });
  afterAll(() => ledger.close());

  it('given members joined with their names, when they are read, then the names come back, and the log holds them only encrypted', async () => {
    expect((await api.member('m-erased')).body.name).toBe(ERASED);
    expect((await api.member('m-kept')).body.name).toBe(KEPT);
    const keys = ledger.app.get<MemberKeys>(MEMBER_KEYS);
    const [a, b] = [await keys.get('m-erased'), await keys.get('m-kept')];
    expect([Buffer.isBuffer(a) && a.length, Buffer.isBuffer(b) && b.length]).toEqual([32, 32]);
    erasedKey = Buffer.from(a as Buffer);
    keptKey = Buffer.from(b as Buffer);
  });

  it('given an active member, when a provincial admin erases their personal data with a reason, then 201 and the name reads [erased] in GET and history; the masked ID, standing and counts stay', async () => {
    const before = await standing('m-erased');
    const beforeAsOf = await standing('m-erased', { asOf: '2016-06-30' });
    const beforeHistory = await api.history('m-erased');
    expect(beforeHistory.body.entries[0].data.name).toBe(ERASED);

    const res = await api.post('/members/m-erased/erase', {
      reason: 'the member asked for erasure',
      commandId: 'erase-m-erased',
    });
    expectAnswer(res, 201);
    expect(res.body.streamRevision).toBe(1);

    const got = await api.member('m-erased');
    expect(got.body).toMatchObject({ name: '[erased]', status: 'active', person: { masked: masked(erasedId) }, revision: 1 });
    expect(await standing('m-erased')).toEqual(before);
    expect(await standing('m-erased', { asOf: '2016-06-30' })).toEqual(beforeAsOf);
    expect((await api.member('m-erased', { knownAt: '2026-01-01T00:00:00Z' })).status).toBe(404);

    const history = await api.history('m-erased');
    expect(history.status).toBe(200);
    expect(history.body.entries).toHaveLength(2);
    expect(history.body.entries[0]).toMatchObject({
      type: 'MemberJoined',
      effectiveDate: '2016-01-01',
      data: { memberId: 'm-erased', name: '[erased]', person: { masked: masked(erasedId) }, enterpriseId: 'eE', parkId: 'pE' },
    });
    expect(history.body.entries[1]).toMatchObject({
      eventId: res.body.eventId,
      type: 'MemberPersonalDataErased',
      effectiveDate: null,
      recordedAt: res.body.recordedAt,
      actor: expect.any(String),
      data: { memberId: 'm-erased', reason: 'the member asked for erasure' },
    });
    expect(history.text).not.toContain(ERASED);

    // Same commandId again: the original answer, 200.
    const again = await api.post('/members/m-erased/erase', {
      reason: 'the member asked for erasure',
      commandId: 'erase-m-erased',
    });
    expectAnswer(again, 200);
    expect(again.body.eventId).toBe(res.body.eventId);
  });

  it('given the erase answered, when the key files are read while the app still runs (as a crash would leave them), then the erased key is in none of them', () => {
    const keyFiles = filesUnder(ledger.dataDir).filter((f) =>
      f.slice(ledger.dataDir.length + 1).startsWith('member-keys.sqlite'),
    );
    expect(keyFiles.length).toBeGreaterThan(0);
    for (const file of keyFiles) expect({ file, found: readFileSync(file).includes(erasedKey) }).toEqual({ file, found: false });
  });

  it('given an erased member still active at the enterprise, when the enterprise is closed, then it is still refused: the member still counts', async () => {
    expectRefusal(await api.post('/enterprises/eE/close', { effectiveDate: '2026-01-01' }), 409, 'ENTERPRISE_HAS_ACTIVE_MEMBERS');
  });

  it('given one member erased, when the others are read, then their names are intact', async () => {
    expect((await api.member('m-kept')).body).toMatchObject({ name: KEPT, status: 'active', category: 'regular' });
    expect((await api.history('m-kept')).body.entries[0].data.name).toBe(KEPT);
    expect((await api.member('m-left')).body).toMatchObject({ name: LEFT, status: 'left' });
  });

  it('given a member who left, when erased, then the name reads [erased] in the left view, the history and as of an earlier date', async () => {
    expectAnswer(await api.post('/members/m-left/erase', { reason: 'deceased; the family asked for erasure' }), 201);
    expect((await api.member('m-left')).body).toMatchObject({ name: '[erased]', status: 'left', leftOn: '2018-03-31' });
    expect((await api.member('m-left', { asOf: '2017-01-01' })).body).toMatchObject({ name: '[erased]', status: 'active' });
    const history = await api.history('m-left');
    expect(history.body.entries.map((e: { type: string }) => e.type)).toEqual([
      'MemberJoined',
      'MemberLeft',
      'MemberPersonalDataErased',
    ]);
    expect(history.body.entries[0].data.name).toBe('[erased]');
  });

  it('given a signed-in park clerk or city officer, when they ask to erase, then 403 and nothing is erased (provincial admins only)', async () => {
    const clerk = new LedgerClient(ledger, { sub: 'clerk-pE', role: 'park-clerk', parkId: 'pE' });
    const officer = new LedgerClient(ledger, { sub: 'officer-nc', role: 'city-officer', cityId: 'nanchang' });
    expectRefusal(await clerk.post('/members/m-kept/erase', { reason: 'not allowed' }), 403, 'FORBIDDEN');
    expectRefusal(await officer.post('/members/m-kept/erase', { reason: 'not allowed' }), 403, 'FORBIDDEN');
    expect((await api.member('m-kept')).body.name).toBe(KEPT);
  });

  it('given an erased member, when erased again, then 409 ALREADY_ERASED', async () => {
    expectRefusal(await api.post('/members/m-erased/erase', { reason: 'once more' }), 409, 'ALREADY_ERASED');
  });

  it('given an erased member, when a join is sent on the same memberId, then 409 MEMBER_ERASED (no new key, no new name)', async () => {
    expectRefusal(await api.join('m-left', leftId, 'eE', '2020-01-01', { name: LEFT }), 409, 'MEMBER_ERASED');
  });

  it('given no such member, when erased, then 404 NOT_FOUND', async () => {
    expectRefusal(await api.post('/members/m-nobody/erase', { reason: 'no such member' }), 404, 'NOT_FOUND');
  });

  it('given a member, when the reason is missing, blank or too long, then 400 VALIDATION_FAILED and nothing is erased', async () => {
    expectRefusal(await api.post('/members/m-kept/erase', {}), 400, 'VALIDATION_FAILED');
    expectRefusal(await api.post('/members/m-kept/erase', { reason: '  ' }), 400, 'VALIDATION_FAILED');
    expectRefusal(await api.post('/members/m-kept/erase', { reason: 'x'.repeat(501) }), 400, 'VALIDATION_FAILED');
    expect((await api.member('m-kept')).body.name).toBe(KEPT);
  });

  it('given the app stopped, when every file in the data dir is read byte by byte, then no name is there and the erased key is gone; after a restart the erasures hold', async () => {
    const dataDir = ledger.dataDir;
    await ledger.stop();
    const files = filesUnder(dataDir);
    const names = files.map((f) => f.slice(dataDir.length + 1));
    expect(names).toEqual(expect.arrayContaining(['events.sqlite', 'member-keys.sqlite', 'read-models.sqlite']));
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const name of [ERASED, KEPT, LEFT])
        expect({ file, name, found: bytes.includes(Buffer.from(name, 'utf8')) }).toEqual({ file, name, found: false });
    }
    const keyFiles = files.filter((f) => f.slice(dataDir.length + 1).startsWith('member-keys.sqlite'));
    const inKeyFiles = (key: Buffer) => keyFiles.some((f) => readFileSync(f).includes(key));
    expect(inKeyFiles(erasedKey)).toBe(false);
    expect(inKeyFiles(keptKey)).toBe(true); // the search does find a key that is still there
    expect(ledger.logs()).not.toContain(ERASED);
    expect(ledger.logs()).not.toContain(KEPT);
    expect(api.seen.join('\n')).not.toContain(erasedId);

    ledger = await startLedger({ dataDir, clock: ledger.clock });
    api = new LedgerClient(ledger);
    expect((await api.member('m-erased')).body).toMatchObject({
      name: '[erased]',
      status: 'active',
      person: { masked: masked(erasedId) },
    });
    expect((await api.history('m-erased')).body.entries[0].data.name).toBe('[erased]');
    expect((await api.member('m-kept')).body.name).toBe(KEPT);
    expect((await api.member('m-left')).body.name).toBe('[erased]');
  });
});
