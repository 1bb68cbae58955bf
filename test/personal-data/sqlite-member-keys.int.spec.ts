import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMemberKeys } from '../../src/personal-data/sqlite-member-keys.js';
import { describeMemberKeysContract } from './member-keys.contract.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describeMemberKeysContract('SQLite member keys', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
  dirs.push(dir);
  return new SqliteMemberKeys(join(dir, 'member-keys.sqlite'));
});
