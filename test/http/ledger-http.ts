import request from 'supertest';
import type { Principal } from '../../src/auth/principal.js';
import { type LedgerApp } from '../support/ledger-app.js';

/** The four keys of every command answer (contract section 7). */
export const ANSWER_KEYS = ['eventId', 'position', 'recordedAt', 'streamRevision'];
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A command answer: exactly the contract's keys, well formed. */
export function expectAnswer(res: request.Response, status: 201 | 200 = 201): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  expect(Object.keys(res.body).sort()).toEqual(ANSWER_KEYS);
  expect(res.body.eventId).toMatch(UUID);
  expect(Number.isInteger(res.body.streamRevision)).toBe(true);
  expect(res.body.position).toMatch(/^[1-9]\d*$/);
  expect(new Date(res.body.recordedAt).toISOString()).toBe(res.body.recordedAt);
}

/** A refusal in the contract's error shape, with no stack anywhere. */
export function expectRefusal(res: request.Response, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const keys = Object.keys(res.body);
  expect(keys.filter((k) => !['statusCode', 'code', 'message', 'details'].includes(k))).toEqual([]);
  expect(keys).toEqual(expect.arrayContaining(['statusCode', 'code', 'message']));
  expect(res.body.statusCode).toBe(status);
  expect(typeof res.body.message).toBe('string');
  expect(res.text).not.toMatch(/stack|\bat [^"]*\.(?:js|ts):\d+/i);
}

/** Sends commands and reads, remembering every response text (for personal-data checks). */
export class LedgerClient {
  readonly seen: string[] = [];

  /** Signed in as `principal`; a provincial admin unless told otherwise. */
  constructor(
    private readonly ledger: LedgerApp,
    private readonly principal?: Principal,
  ) {}

  async post(path: string, body?: object): Promise<request.Response> {
    const res = await this.ledger.as(this.principal).post(path).send(body);
    this.seen.push(res.text);
    return res;
  }

  async get(path: string): Promise<request.Response> {
    const res = await this.ledger.as(this.principal).get(path);
    this.seen.push(res.text);
    return res;
  }

  /** Position of the newest event in the log, as GET /health reports it. */
  async head(): Promise<string | null> {
    const res = await request(this.ledger.http).get('/health');
    expect(res.status).toBe(200);
    return res.body.info.eventStore.head;
  }

  registerPark(parkId: string, effectiveDate = '2010-01-01', extra: object = {}) {
    return this.post('/parks', {
      parkId,
      name: `Park ${parkId}`,
      cityId: 'nanchang',
      level: 'provincial',
      effectiveDate,
      ...extra,
    });
  }

  registerEnterprise(enterpriseId: string, parkId: string, effectiveDate = '2010-01-01', extra: object = {}) {
    return this.post('/enterprises', {
      enterpriseId,
      parkId,
      name: `Enterprise ${enterpriseId}`,
      ownership: 'non-public',
      effectiveDate,
      ...extra,
    });
  }

  /** A park with open enterprises in it (all registered on 2010-01-01), each answered 201. */
  async parkWith(parkId: string, ...enterpriseIds: string[]): Promise<void> {
    expectAnswer(await this.registerPark(parkId));
    for (const enterpriseId of enterpriseIds) expectAnswer(await this.registerEnterprise(enterpriseId, parkId));
  }

  join(memberId: string, personId: string, enterpriseId: string, effectiveDate: string, extra: object = {}) {
    return this.post('/members', {
      memberId,
      personId,
      name: '张三',
      category: 'migrant',
      enterpriseId,
      effectiveDate,
      ...extra,
    });
  }

  transfer(memberId: string, toEnterpriseId: string, effectiveDate: string, extra: object = {}) {
    return this.post(`/members/${memberId}/transfer`, { toEnterpriseId, effectiveDate, ...extra });
  }

  leave(memberId: string, effectiveDate: string, reason = 'left-employment', extra: object = {}) {
    return this.post(`/members/${memberId}/leave`, { reason, effectiveDate, ...extra });
  }

  member(memberId: string, query: Record<string, string> = {}) {
    const qs = new URLSearchParams(query).toString();
    return this.get(`/members/${memberId}${qs ? `?${qs}` : ''}`);
  }

  history(memberId: string) {
    return this.get(`/members/${memberId}/history`);
  }
}

/** A resident ID number (from `residentId`) whose check character is X. */
export function withCheckX(make: (n: number) => string): string {
  for (let n = 0; n < 1000; n++) {
    const id = make(n);
    if (id.endsWith('X')) return id;
  }
  throw new Error('no resident ID with check character X');
}

/** The contract's masked form: first 6 and last 4 characters, `*` between. */
export const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(14).toUpperCase()}`;
