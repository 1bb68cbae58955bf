import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/ledger-config.js';
import { openEventStore, openMemberKeys } from '../../src/event-store/event-store-at.js';
import { LedgerImport } from '../../src/imports/ledger-import.js';
import { PersonClaims } from '../../src/membership/person-claims.js';
import { PersonIdentity } from '../../src/personal-data/person-identity.js';
import type { TestClock } from './ledger-app.js';

/** A new embedded ledger in a temp dir, with the import engine `ledger import` runs, on the test's clock. */
export async function importableLedger(prefix: string, clock: TestClock) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const config = loadConfig({ LEDGER_DATA_DIR: dir });
  const store = await openEventStore(config, clock);
  const keys = await openMemberKeys(config, clock);
  const engine = new LedgerImport({
    store,
    keys,
    identity: new PersonIdentity(config.personHashKey),
    claims: new PersonClaims(store),
    clock,
  });
  return { dir, store, keys, engine };
}
