import { jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import request from 'supertest';
import { type LedgerApp, residentId, startLedger } from '../support/ledger-app.js';
import { expectAnswer, expectRefusal, LedgerClient } from './ledger-http.js';

/*
 * Bearer tokens at the HTTP edge: HS256 JWTs, issuer and audience `membership-ledger`, with the
 * role and exactly its scope (contract section 10, README "Sign-in, roles and keys"). Tokens here
 * are made by hand with jsonwebtoken and the service's key, not by the service's own Tokens class,
 * so the checks hold against what a client could send. jsonwebtoken checks `exp` against the real
 * clock, not the app's TestClock, so expiry is crafted from Date.now().
 */

const KEY = randomBytes(32);
const OTHER_KEY = randomBytes(32);
const CLAIMS = { iss: 'membership-ledger', aud: 'membership-ledger' };
const nowSeconds = () => Math.floor(Date.now() / 1000);
const b64url = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Signs claims as the service would, but by hand: HS256, the service's key, an hour to live. */
const sign = (claims: object, options: jwt.SignOptions = {}, key: jwt.Secret = KEY) =>
  jwt.sign({ ...CLAIMS, exp: nowSeconds() + 3600, ...claims }, key, { algorithm: 'HS256', ...options });

const PARK = { parkId: 'p-token', name: 'Token park', cityId: 'c1', level: 'provincial', effectiveDate: '2012-01-01' };

describe('bearer tokens', () => {
  let ledger: LedgerApp;
  let api: LedgerClient;

  beforeAll(async () => {
    ledger = await startLedger({ env: { LEDGER_TOKEN_SIGNING_KEY: KEY.toString('base64') } });
    api = new LedgerClient(ledger);
  });
  afterAll(() => ledger.close());

  /** A write attempt with this Authorization header (or none). */
  const attempt = (authorization?: string) => {
    const req = request(ledger.http).post('/parks');
    return (authorization === undefined ? req : req.set('Authorization', authorization)).send({
      ...PARK,
      parkId: `p-${randomBytes(4).toString('hex')}`,
    });
  };

  const aValid = () => sign({ sub: 'someone', role: 'provincial-admin' });

  const BAD: Array<[string, () => string | undefined]> = [
    ['no Authorization header', () => undefined],
    ['Basic credentials', () => `Basic ${Buffer.from('admin:secret').toString('base64')}`],
    ['the Bearer scheme without a token', () => 'Bearer '],
    ['a Bearer token that is not a JWT', () => 'Bearer not-a-token'],
    ['a Bearer token of two parts', () => `Bearer ${aValid().split('.').slice(0, 2).join('.')}`],
    ['a Bearer token of garbage parts', () => 'Bearer aGVsbG8.d29ybGQ.c2lnbg'],
    ['a valid token followed by junk', () => `Bearer ${aValid()} junk`],
    ['a valid token without the Bearer scheme', () => aValid()],
    [
      '`alg: none` with an empty signature',
      () =>
        `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...CLAIMS, sub: 'mallory', role: 'provincial-admin', exp: nowSeconds() + 3600 })}.`,
    ],
    ['HS256 signed with another key', () => `Bearer ${sign({ sub: 'mallory', role: 'provincial-admin' }, {}, OTHER_KEY)}`],
    [
      'HS512 signed with the right key',
      () => `Bearer ${sign({ sub: 'mallory', role: 'provincial-admin' }, { algorithm: 'HS512' })}`,
    ],
    [
      'RS256 signed with a key pair of its own',
      () => {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return `Bearer ${sign({ sub: 'mallory', role: 'provincial-admin' }, { algorithm: 'RS256' }, privateKey)}`;
      },
    ],
    [
      'an RS256 header over an HS256 signature',
      () => {
        const [, payload, signature] = aValid().split('.');
        return `Bearer ${b64url({ alg: 'RS256', typ: 'JWT' })}.${payload}.${signature}`;
      },
    ],
    [
      'an expired token',
      () => `Bearer ${sign({ sub: 'late', role: 'provincial-admin', iat: nowSeconds() - 7200, exp: nowSeconds() - 60 })}`,
    ],
    [
      'a token without an expiry',
      () => `Bearer ${jwt.sign({ ...CLAIMS, sub: 'forever', role: 'provincial-admin' }, KEY, { algorithm: 'HS256' })}`,
    ],
    ['a token not valid yet', () => `Bearer ${sign({ sub: 'early', role: 'provincial-admin', nbf: nowSeconds() + 600 })}`],
    ['another issuer', () => `Bearer ${sign({ sub: 'x', role: 'provincial-admin', iss: 'someone-else' })}`],
    ['another audience', () => `Bearer ${sign({ sub: 'x', role: 'provincial-admin', aud: 'another-service' })}`],
    [
      'a clerk token edited into a provincial admin (signature kept)',
      () => {
        const [header, payload, signature] = sign({ sub: 'clerk', role: 'park-clerk', parkId: 'p1' }).split('.');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        delete claims.parkId;
        return `Bearer ${header}.${b64url({ ...claims, role: 'provincial-admin' })}.${signature}`;
      },
    ],
    [
      'a clerk token edited to another park (signature kept)',
      () => {
        const [header, payload, signature] = sign({ sub: 'clerk', role: 'park-clerk', parkId: 'p1' }).split('.');
        return `Bearer ${header}.${b64url({ ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), parkId: 'p2' })}.${signature}`;
      },
    ],
    ['a park-clerk without a parkId', () => `Bearer ${sign({ sub: 'clerk', role: 'park-clerk' })}`],
    ['a city-officer without a cityId', () => `Bearer ${sign({ sub: 'officer', role: 'city-officer' })}`],
    ['a park-clerk with a malformed parkId', () => `Bearer ${sign({ sub: 'clerk', role: 'park-clerk', parkId: '../p1' })}`],
    ['an auditor with a parkId', () => `Bearer ${sign({ sub: 'auditor', role: 'auditor', parkId: 'p1' })}`],
    ['a provincial-admin with a cityId', () => `Bearer ${sign({ sub: 'admin', role: 'provincial-admin', cityId: 'c1' })}`],
    ['an unknown role', () => `Bearer ${sign({ sub: 'root', role: 'superuser' })}`],
    ['no role', () => `Bearer ${sign({ sub: 'nobody' })}`],
    ['no subject', () => `Bearer ${sign({ role: 'provincial-admin' })}`],
  ];

  it.each(BAD)(
    'given %s, when a command is sent, then 401 UNAUTHORIZED and nothing is recorded',
    async (_case, authorization) => {
      const before = await api.head();
      const res = await attempt(authorization());
      expectRefusal(res, 401, 'UNAUTHORIZED');
      expect(await api.head()).toBe(before);
    },
  );

  it('given an expired token, when it is used, then the refusal says it expired', async () => {
    const res = await attempt(
      `Bearer ${sign({ sub: 'late', role: 'auditor', iat: nowSeconds() - 7200, exp: nowSeconds() - 60 })}`,
    );
    expectRefusal(res, 401, 'UNAUTHORIZED');
    expect(res.body.message).toMatch(/expired/);
  });

  it('given a token accepted once, when its expiry has passed, then the same token is refused as expired (verified tokens are remembered only until they expire)', async () => {
    const brief = `Bearer ${sign({ sub: 'brief', role: 'provincial-admin', exp: nowSeconds() + 60 })}`;
    expectAnswer(await attempt(brief));
    expectAnswer(await attempt(brief));
    // Only Date moves on, two minutes: the HTTP stack keeps its real timers.
    jest.useFakeTimers({
      now: Date.now() + 120_000,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    try {
      const res = await attempt(brief);
      expectRefusal(res, 401, 'UNAUTHORIZED');
      expect(res.body.message).toMatch(/expired/);
    } finally {
      jest.useRealTimers();
    }
  });

  it('given a hand-signed valid token, when a command is sent, then 201', async () => {
    expectAnswer(await attempt(`Bearer ${sign({ sub: 'alice', role: 'provincial-admin' })}`));
  });

  it('given the scheme written in lower case, when a valid token is sent, then it is accepted (RFC 7235: the scheme is case-insensitive)', async () => {
    expectAnswer(await attempt(`bearer ${sign({ sub: 'alice', role: 'provincial-admin' })}`));
  });

  it("given valid tokens of several users, when they record facts, then each fact's actor is its token's sub", async () => {
    const alice = `Bearer ${sign({ sub: 'alice@province', role: 'provincial-admin' })}`;
    const wang = `Bearer ${sign({ sub: '王芳', role: 'park-clerk', parkId: 'p-actor' })}`;
    const post = (auth: string, path: string, body: object) =>
      request(ledger.http).post(path).set('Authorization', auth).send(body);
    expectAnswer(await post(alice, '/parks', { ...PARK, parkId: 'p-actor' }));
    expectAnswer(
      await post(wang, '/enterprises', {
        enterpriseId: 'e-actor',
        parkId: 'p-actor',
        name: 'E',
        ownership: 'public',
        effectiveDate: '2013-01-01',
      }),
    );
    const joined = await post(wang, '/members', {
      memberId: 'm-actor',
      personId: residentId(11),
      name: '张三',
      category: 'migrant',
      enterpriseId: 'e-actor',
      effectiveDate: '2015-01-01',
    });
    expectAnswer(joined);
    const changed = await post(alice, '/members/m-actor/category', { category: 'regular', effectiveDate: '2016-01-01' });
    expectAnswer(changed);
    const history = await request(ledger.http).get('/members/m-actor/history').set('Authorization', wang);
    expect(history.status).toBe(200);
    expect(history.body.entries.map((e: { eventId: string; actor: string }) => [e.eventId, e.actor])).toEqual([
      [joined.body.eventId, '王芳'],
      [changed.body.eventId, 'alice@province'],
    ]);
  });
});
