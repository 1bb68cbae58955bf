import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { membersByEnterprise } from '../../projections/members-by-enterprise/members-by-enterprise.projection.js';
import type { Projection } from '../../projections/projection.js';
import { transferRequests } from '../../projections/transfer-requests/transfer-requests.projection.js';
import { SqliteEventStore } from '../../src/event-store/embedded/sqlite-event-store.js';
import type { EventStore, NewEvent } from '../../src/event-store/event-store.port.js';
import { rebuildFigures } from '../../src/read-models/figures/figure-builder.js';
import { RosterBeside } from '../../src/read-models/member-roster-rebuild.js';
import { ProjectionRunner, rebuildProjection } from '../../src/read-models/projection-runner.js';
import { openReadModelDb } from '../../src/read-models/read-model-store.js';
import { joinedEvent } from '../support/member-events.js';

/*
 * `ledger rebuild` beside a running service that keeps recording. The service follows the log
 * with runners of its own connections; the rebuild reads and writes through others, as two
 * processes do. Whatever the service recorded while the rebuild ran must be in the rebuilt
 * tables, and the rebuild must not hold the read-model file's write lock while it reads the log
 * (the service's runners wait at most their busy timeout for it).
 */

const meta = { actor: 'clerk-1', correlationId: 'c-1' };
const event = (id: string, type: string, data: object): NewEvent => ({ id, type, data, metadata: meta });

const joined = (memberId: string, enterpriseId: string) => joinedEvent(memberId, { enterpriseId });

const requested = (transferId: string) =>
  event(`${transferId}-0`, 'TransferRequested', {
    transferId,
    memberId: `m-${transferId}`,
    from: { parkId: 'p1', enterpriseId: 'e1' },
    to: { parkId: 'p2', enterpriseId: 'e2' },
    effectiveDate: '2020-03-01',
  });

/** Waits until a runner's checkpoint reaches the log's head. */
async function caughtUp(runner: ProjectionRunner<object>, store: EventStore): Promise<void> {
  const head = await store.headPosition();
  for (let i = 0; i < 500 && runner.checkpoint() !== head; i++) await new Promise((r) => setTimeout(r, 10));
  expect(runner.checkpoint()).toBe(head);
}

describe('a rebuild beside a service that keeps recording', () => {
  let dir: string;
  let serviceStore: SqliteEventStore;
  let serviceDb: Database.Database;
  let cliStore: SqliteEventStore;
  let cliDb: Database.Database;
  const runners: Array<ProjectionRunner<object>> = [];
  const errors: unknown[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-rebuild-beside-'));
    serviceStore = new SqliteEventStore(join(dir, 'events.sqlite'));
    serviceDb = openReadModelDb(join(dir, 'read-models.sqlite'));
    cliStore = new SqliteEventStore(join(dir, 'events.sqlite'));
    cliDb = openReadModelDb(join(dir, 'read-models.sqlite'));
    errors.length = 0;
  });

  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    serviceDb.close();
    cliDb.close();
    await serviceStore.close();
    await cliStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The service's runner of a projection, following the log live. */
  async function serviceRunner<Row extends object>(projection: Projection<Row>): Promise<ProjectionRunner<Row>> {
    const runner = new ProjectionRunner(serviceDb, serviceStore, projection);
    runners.push(runner as ProjectionRunner<object>);
    runner.start((error) => errors.push(error));
    await caughtUp(runner as ProjectionRunner<object>, serviceStore);
    return runner;
  }

  const record = (stream: string, e: NewEvent) => serviceStore.appendToStream(stream, [e], { expectedRevision: 'no_stream' });
  const rows = (table: string) => serviceDb.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
  const checkpoint = (name: string) => serviceDb.prepare('SELECT position FROM checkpoints WHERE projection = ?').get(name);

  it('given joins recorded while the figures were rebuilt, when the roster is promoted and the service records again, then no member placed meanwhile is missing', async () => {
    for (let m = 1; m <= 5; m++) await record(`member-m${m}`, joined(`m${m}`, 'e1'));
    const runner = await serviceRunner(membersByEnterprise);

    const roster = new RosterBeside(cliDb);
    const built = await rebuildFigures(cliDb, cliStore, () => new Date().toISOString(), {
      shares: 2,
      threads: false,
      onRoster: (found) => roster.add(found),
    });
    expect(built.sharedUpTo).toBe('5');
    // The service records while the roster waits to be promoted, and its runner applies what it records.
    for (let m = 6; m <= 8; m++) await record(`member-m${m}`, joined(`m${m}`, 'e2'));
    await caughtUp(runner, serviceStore);
    await roster.promote(cliStore, built.sharedUpTo!);
    await record('member-m9', joined('m9', 'e2'));
    await caughtUp(runner, serviceStore);

    const everyJoin = [1, 2, 3, 4, 5].map((m) => ({ enterprise_id: 'e1', member_id: `m${m}` }));
    everyJoin.push(...[6, 7, 8, 9].map((m) => ({ enterprise_id: 'e2', member_id: `m${m}` })));
    expect(rows(membersByEnterprise.table)).toEqual(everyJoin);
    expect(checkpoint(membersByEnterprise.name)).toEqual({ position: '9' });
    expect(errors).toEqual([]);
  });

  it('given a transfer list rebuilt while the service records, then the service can write during the scan and the list holds every request, at the head', async () => {
    for (let t = 0; t < 3; t++) await record(`transfer-t${t}`, requested(`t${t}`));
    const runner = await serviceRunner(transferRequests);
    // The rebuild's reads, through a store double that lets the service record once the scan has
    // reached what was the head (so that what it records must come from the rebuild's last step).
    let writableDuringScan: boolean | undefined;
    const pausing: EventStore = Object.create(cliStore) as EventStore;
    pausing.readAllOfTypes = async (options) => {
      const page = await cliStore.readAllOfTypes(options);
      if (page.scannedTo === options.after && writableDuringScan === undefined) {
        writableDuringScan = tryToWrite(serviceDb);
        for (let t = 3; t < 5; t++) await record(`transfer-t${t}`, requested(`t${t}`));
        await caughtUp(runner, serviceStore);
      }
      return page;
    };

    const read = await rebuildProjection(cliDb, pausing, transferRequests, () => undefined);
    await record('transfer-t5', requested('t5'));
    await caughtUp(runner, serviceStore);

    expect(writableDuringScan).toBe(true);
    expect(read).toBe(5);
    expect((rows(transferRequests.table) as Array<{ transfer_id: string }>).map((r) => r.transfer_id)).toEqual([
      't0',
      't1',
      't2',
      't3',
      't4',
      't5',
    ]);
    expect(checkpoint(transferRequests.name)).toEqual({ position: '6' });
    expect(cliDb.inTransaction).toBe(false);
    expect(errors).toEqual([]);
  });
});

/** Whether another connection can take the file's write lock at once (no busy wait). */
function tryToWrite(db: Database.Database): boolean {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    db.exec(`BEGIN IMMEDIATE; ROLLBACK`);
    return true;
  } catch {
    return false;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}
