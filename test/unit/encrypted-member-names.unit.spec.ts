import { decideErasePersonalData } from '../../src/membership/erase-personal-data/erase-personal-data.decide.js';
import { type MemberEvent, type MemberJoined, memberStream } from '../../src/membership/member.events.js';
import { foldHistory, type MemberHistory, standingAsOf } from '../../src/membership/member.timeline.js';
import { EncryptedMemberNames, ERASED_NAME, UNREADABLE_NAME } from '../../src/personal-data/encrypted-member-names.js';
import { InMemoryMemberKeys } from '../../src/personal-data/in-memory-member-keys.js';
import { DomainError } from '../../src/shared/domain-error.js';
import { type Given, scenarios } from './given-when-then.js';

const NAME = '欧阳娜娜';

describe('encrypted member names (AES-256-GCM under a per-member key)', () => {
  let keys: InMemoryMemberKeys;
  let names: EncryptedMemberNames;

  beforeEach(() => {
    keys = new InMemoryMemberKeys();
    names = new EncryptedMemberNames(keys);
  });

  it('given a sealed name, when it is revealed for the same member, then the name comes back', async () => {
    const sealed = await names.seal('m-1', NAME);
    expect(await names.reveal('m-1', sealed)).toBe(NAME);
    expect(await names.reveal('m-1', await names.seal('m-1', 'Zhang Wuji'))).toBe('Zhang Wuji');
  });

  it('given a name, when it is sealed, then the text is enc:v1:<iv>:<ciphertext>:<tag> and holds no trace of the name', async () => {
    const sealed = await names.seal('m-1', NAME);
    expect(sealed).toMatch(/^enc:v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    const [iv, , tag] = sealed
      .slice('enc:v1:'.length)
      .split(':')
      .map((p) => Buffer.from(p, 'base64'));
    expect([iv.length, tag.length]).toEqual([12, 16]);
    expect(sealed).not.toContain(NAME);
    expect(Buffer.from(sealed, 'latin1').includes(Buffer.from(NAME, 'utf8'))).toBe(false);
    expect(sealed).not.toContain(Buffer.from(NAME, 'utf8').toString('base64'));
  });

  it('given the same name sealed twice, when compared, then the sealed texts differ (a fresh IV each time)', async () => {
    expect(await names.seal('m-1', NAME)).not.toBe(await names.seal('m-1', NAME));
  });

  it('given a sealed name copied onto another member, when revealed there, then it reads [unreadable] and nothing throws', async () => {
    const sealed = await names.seal('m-1', NAME);
    await names.seal('m-2', 'Zhang Wuji'); // m-2 has a key of its own
    expect(await names.reveal('m-2', sealed)).toBe(UNREADABLE_NAME);
    expect(await names.reveal('m-3', sealed)).toBe(UNREADABLE_NAME); // no key at all
  });

  it('given a sealed name whose ciphertext or tag was altered, when revealed, then it reads [unreadable]', async () => {
    const sealed = await names.seal('m-1', NAME);
    const [iv, ct, tag] = sealed.slice('enc:v1:'.length).split(':');
    const flipped = Buffer.from(ct, 'base64');
    flipped[0] ^= 1;
    expect(await names.reveal('m-1', `enc:v1:${iv}:${flipped.toString('base64')}:${tag}`)).toBe(UNREADABLE_NAME);
    expect(await names.reveal('m-1', `enc:v1:${iv}:${ct}:${Buffer.alloc(16).toString('base64')}`)).toBe(UNREADABLE_NAME);
    expect(await names.reveal('m-1', 'enc:v1:garbage')).toBe(UNREADABLE_NAME);
  });

  it('given the member key was erased, when the name is revealed, then it reads [erased], and other members are untouched', async () => {
    const sealed = await names.seal('m-1', NAME);
    const other = await names.seal('m-2', 'Zhang Wuji');
    await keys.erase('m-1');
    expect(await names.reveal('m-1', sealed)).toBe(ERASED_NAME);
    expect(await names.reveal('m-2', other)).toBe('Zhang Wuji');
    expect(await keys.get('m-1')).toBe('erased');
  });

  it('given the member key was erased, when a new name is sealed for that member, then it is refused with MEMBER_ERASED', async () => {
    await names.seal('m-1', NAME);
    await keys.erase('m-1');
    await expect(names.seal('m-1', NAME)).rejects.toMatchObject({ code: 'MEMBER_ERASED' });
    await expect(names.seal('m-1', NAME)).rejects.toBeInstanceOf(DomainError);
  });

  it('given a name recorded before encryption (plain text), when revealed, then it is shown as it is', async () => {
    expect(await names.reveal('m-old', '张三')).toBe('张三');
  });
});

describe('erasing personal data (decider and fold)', () => {
  const memberId = 'm-1';
  const given = scenarios<MemberEvent, MemberHistory>(memberStream(memberId), (events) => foldHistory(memberId, events));
  const joined: Given<MemberJoined> = {
    type: 'MemberJoined',
    data: {
      memberId,
      person: { hash: 'hash-a', masked: '110105********002X' },
      name: 'enc:v1:x:y:z',
      category: 'migrant',
      enterpriseId: 'eA',
      parkId: 'p1',
      effectiveDate: '2016-01-01',
    },
  };
  const erased: Given<MemberEvent> = { type: 'MemberPersonalDataErased', data: { memberId, reason: 'asked by the member' } };

  it('given a member, when erased with a reason, then MemberPersonalDataErased is recorded', () => {
    given(joined)
      .when((h) => decideErasePersonalData({ memberId, reason: 'asked by the member' }, h))
      .then([{ type: 'MemberPersonalDataErased', data: { memberId, reason: 'asked by the member' } }]);
  });

  it('given no member, when erased, then NOT_FOUND', () => {
    given()
      .when((h) => decideErasePersonalData({ memberId, reason: 'asked' }, h))
      .thenRefusedWith('NOT_FOUND');
  });

  it('given an erased member, when erased again, then ALREADY_ERASED', () => {
    given(joined, erased)
      .when((h) => decideErasePersonalData({ memberId, reason: 'again' }, h))
      .thenRefusedWith('ALREADY_ERASED');
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['501 characters long', 'x'.repeat(501)],
  ])('given a member, when the reason is %s, then VALIDATION_FAILED', (_, reason) => {
    given(joined)
      .when((h) => decideErasePersonalData({ memberId, reason }, h))
      .thenRefusedWith('VALIDATION_FAILED');
  });

  it('given an erased member, when folded, then the history carries the erasure mark and the standing is unchanged', () => {
    const before = given(joined).state;
    const after = given(joined, erased).state;
    expect(after.erased).toEqual({ reason: 'asked by the member', actor: 'clerk-1', recordedAt: expect.any(String) });
    expect(after.facts).toHaveLength(1);
    expect(standingAsOf(after, '2026-01-01')).toEqual(standingAsOf(before, '2026-01-01'));
  });
});

describe('name digests for command fingerprints', () => {
  it('given a member key, when a name is digested, then the digest is stable for that member, differs for another, and holds no name', async () => {
    const names = new EncryptedMemberNames(new InMemoryMemberKeys());
    const once = await names.digest('m-1', '欧阳娜娜');
    expect(await names.digest('m-1', '欧阳娜娜')).toBe(once);
    expect(await names.digest('m-2', '欧阳娜娜')).not.toBe(once);
    expect(once).toMatch(/^[0-9a-f]{64}$/);
  });

  it('given the member was erased, when a name is digested, then it is refused: nothing can test a guess any more', async () => {
    const keys = new InMemoryMemberKeys();
    const names = new EncryptedMemberNames(keys);
    await names.digest('m-1', 'Zhang Wuji');
    await keys.erase('m-1');
    await expect(names.digest('m-1', 'Zhang Wuji')).rejects.toMatchObject({ code: 'MEMBER_ERASED' });
  });
});
