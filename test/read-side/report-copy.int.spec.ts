import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelCopy } from '../../src/cli/report-runner.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';

/*
 * The private copy of the read models that `ledger figures`, `statement` and `changes` read: the
 * live pages written to a file in their own temporary folder (VACUUM INTO), or the whole file in
 * memory where there is no such folder. Either way the copy holds what the file holds, and the
 * file is not written.
 */
describe('the read models copied for a report', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'ledger-report-copy-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function readModels(): string {
    const file = join(dir(), 'read-models.sqlite');
    const db = openReadModelDb(file);
    db.exec('CREATE TABLE kept (n INTEGER); CREATE TABLE dropped (blob BLOB);');
    db.prepare('INSERT INTO kept VALUES (?)').run(7);
    // A dropped table's pages stay in the file as free pages: the file copy leaves them behind.
    const insert = db.prepare('INSERT INTO dropped VALUES (randomblob(4096))');
    for (let i = 0; i < 500; i++) insert.run();
    db.exec('DROP TABLE dropped');
    db.close();
    return file;
  }

  it('given a temporary folder, when copied, then a file there holds the live pages only, and the original is untouched', () => {
    const file = readModels();
    const pagesBefore = new Database(file, { readonly: true }).pragma('page_count', { simple: true }) as number;
    const scratch = dir();
    const copy = readModelCopy(file, scratch);
    try {
      expect(copy.memory).toBe(false);
      expect(copy.name).toBe(join(scratch, 'read-models.sqlite'));
      expect(copy.prepare('SELECT n FROM kept').get()).toEqual({ n: 7 });
      expect(copy.pragma('page_count', { simple: true })).toBeLessThan(pagesBefore / 10);
      copy.prepare('INSERT INTO kept VALUES (8)').run();
    } finally {
      copy.close();
    }
    expect(new Database(file, { readonly: true }).prepare('SELECT COUNT(*) AS n FROM kept').get()).toEqual({ n: 1 });
  });

  it('given no temporary folder, when copied, then the copy is in memory and holds the same', () => {
    const file = readModels();
    const copy = readModelCopy(file, undefined);
    try {
      expect(copy.memory).toBe(true);
      expect(copy.prepare('SELECT n FROM kept').get()).toEqual({ n: 7 });
    } finally {
      copy.close();
    }
  });

  it('given a temporary folder that cannot take the copy, then the copy is in memory, and nothing is left there', () => {
    const file = readModels();
    const gone = join(dir(), 'missing');
    const copy = readModelCopy(file, gone);
    try {
      expect(copy.memory).toBe(true);
      expect(copy.prepare('SELECT n FROM kept').get()).toEqual({ n: 7 });
    } finally {
      copy.close();
    }
    expect(readdirSync(join(gone, '..'))).toEqual([]);
  });
});
