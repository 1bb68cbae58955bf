import type Database from 'better-sqlite3';
import { PAGE_AFTER_SQL } from '../../src/auth/access-denials.js';
import type { Principal } from '../../src/auth/principal.js';
import { READ_MODEL_DB } from '../../src/read-models/read-model-store.js';
import { type LedgerApp, startLedger } from '../support/ledger-app.js';
import { expectRefusal } from './ledger-http.js';

/*
 * The denial log in pages: an auditor of the log (a provincial admin) reads all of it, newest
 * first, each refusal once, however many are recorded while they read.
 */

interface Page {
  readonly denials: Array<{ actor: string; at: string }>;
  readonly nextCursor: string | null;
}

describe('GET /access-denials in pages', () => {
  let ledger: LedgerApp;
  let refused = 0;

  beforeEach(async () => {
    ledger = await startLedger();
    refused = 0;
  });
  afterEach(() => ledger.close());

  /** A refusal recorded a second after the last, by an auditor named for its order (`denied-1`, …). */
  const refuse = async (n: number): Promise<string[]> => {
    const actors: string[] = [];
    for (let i = 0; i < n; i++) {
      ledger.clock.advance(1000);
      const who: Principal = { sub: `denied-${++refused}`, role: 'auditor' };
      expectRefusal(await ledger.as(who).get('/access-denials'), 403, 'FORBIDDEN');
      actors.push(who.sub);
    }
    return actors;
  };

  const page = async (query: string): Promise<Page> => {
    const res = await ledger.as().get(`/access-denials?${query}`);
    expect(res.status).toBe(200);
    return res.body as Page;
  };

  /** Follows nextCursor from the page given to the end; between pages, `meanwhile` runs. */
  const readOn = async (first: Page, limit: number, meanwhile: () => Promise<unknown> = async () => {}) => {
    const pages = [first];
    while (pages.at(-1)!.nextCursor !== null && pages.length <= 50) {
      await meanwhile();
      pages.push(await page(`limit=${limit}&cursor=${encodeURIComponent(pages.at(-1)!.nextCursor!)}`));
    }
    return pages;
  };

  it('given 7 refusals, when an admin pages through them 3 at a time, then each comes exactly once, newest first, and the last page says there is no next', async () => {
    const actors = await refuse(7);

    const pages = await readOn(await page('limit=3'), 3);

    expect(pages.map((p) => p.denials.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.denials.map((d) => d.actor))).toEqual([...actors].reverse());
    expect(pages.slice(0, -1).every((p) => typeof p.nextCursor === 'string')).toBe(true);
    expect(pages.at(-1)!.nextCursor).toBeNull();
  });

  it('given exactly one page of refusals, when it is read, then nextCursor is null', async () => {
    await refuse(3);
    expect(await page('limit=3')).toEqual({ denials: expect.any(Array), nextCursor: null });
    expect((await page('')).nextCursor).toBeNull();
  });

  it('given a first page read, when refusals are recorded between pages, then the later pages go on after the last entry given, none repeated or left out, and the new ones head a new first page', async () => {
    const before = await refuse(5);
    const first = await page('limit=2');
    const during: string[] = [];

    const pages = await readOn(first, 2, async () => during.push(...(await refuse(2))));

    expect(pages.flatMap((p) => p.denials.map((d) => d.actor))).toEqual([...before].reverse());
    expect(during).toHaveLength(4);
    const fresh = await page('limit=4');
    expect(fresh.denials.map((d) => d.actor)).toEqual([...during].reverse());
  });

  it.each([
    ['not a cursor', 'abc'],
    ['empty', ''],
    ['negative', '-1.0'],
    ['a /transfers cursor (a position alone)', '3'],
    ['past the end of the log', '999999.1764640000000'],
    ['three parts', '3.1764640000000.1'],
  ])(
    'given refusals, when the cursor is %s, then 400 VALIDATION_FAILED naming cursor and saying to send a nextCursor',
    async (_, cursor) => {
      await refuse(4);
      const res = await ledger.as().get(`/access-denials?limit=2&cursor=${encodeURIComponent(cursor)}`);
      expectRefusal(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([{ field: 'cursor', messages: [expect.stringContaining('nextCursor')] }]);
    },
  );

  it('given a real cursor, when it is sent twice, or altered to name the same entry recorded at another instant (a /figures/changes cursor, or one from a log since rebuilt), then 400 naming cursor', async () => {
    await refuse(4);
    const cursor = (await page('limit=2')).nextCursor!;
    const [id, ms] = cursor.split('.');

    for (const query of [`cursor=${cursor}&cursor=${cursor}`, `cursor=${id}.${Number(ms) + 1}`]) {
      const res = await ledger.as().get(`/access-denials?limit=2&${query}`);
      expectRefusal(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'cursor' })]);
    }
  });

  it.each(['0', '-1', '1.5', '1001', 'abc', '1e2', ' 5', ''])(
    'given refusals, when the limit is "%s", then 400 VALIDATION_FAILED naming limit, in the words of the other listings',
    async (limit) => {
      await refuse(2);
      const res = await ledger.as().get(`/access-denials?limit=${encodeURIComponent(limit)}`);
      expectRefusal(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([{ field: 'limit', messages: ['limit must be a whole number from 1 to 1000'] }]);
    },
  );

  it('given two refusals, when asked with the bounds of limit, then 1 gives one entry and a next page, 1000 both and none', async () => {
    await refuse(2);
    expect(await page('limit=1')).toEqual({
      denials: [expect.objectContaining({ actor: 'denied-2' })],
      nextCursor: expect.any(String),
    });
    expect(await page('limit=1000')).toEqual({ denials: [expect.anything(), expect.anything()], nextCursor: null });
  });

  it('given a cursor an admin was given, when someone else than a provincial admin follows it, then 403 as without one, and that refusal is logged', async () => {
    await refuse(3);
    const cursor = (await page('limit=1')).nextCursor;
    expect(cursor).toEqual(expect.any(String));

    for (const who of [
      { sub: 'auditor-with-cursor', role: 'auditor' },
      { sub: 'officer-with-cursor', role: 'city-officer', cityId: 'c1' },
      { sub: 'clerk-with-cursor', role: 'park-clerk', parkId: 'p1' },
    ] satisfies Principal[]) {
      expectRefusal(await ledger.as(who).get(`/access-denials?cursor=${cursor}`), 403, 'FORBIDDEN');
      expect((await page('limit=1')).denials[0]).toMatchObject({ actor: who.sub, path: '/access-denials' });
    }
  });

  it('given the denial log, when the page after a cursor is planned, then SQLite searches by the row id (no scan of the log)', () => {
    const db = ledger.app.get<Database.Database>(READ_MODEL_DB);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${PAGE_AFTER_SQL}`).all(1, 100) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail)).toEqual([
      expect.stringMatching(/^SEARCH access_denials USING INTEGER PRIMARY KEY \(rowid<\?\)$/),
    ]);
  });
});
