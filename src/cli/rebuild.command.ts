import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/ledger-config.js';
import { openEventStore } from '../event-store/event-store-at.js';
import { membersByEnterprise } from '../../projections/members-by-enterprise/members-by-enterprise.projection.js';
import { transferRequests } from '../../projections/transfer-requests/transfer-requests.projection.js';
import { rebuildFigures, SHARE_HEAP_MIB } from '../read-models/figures/figure-builder.js';
import { RosterBeside } from '../read-models/member-roster-rebuild.js';
import { rebuildProjection, StagedRebuild } from '../read-models/projection-runner.js';
import { openReadModelDb } from '../read-models/read-model-store.js';
import { systemClock } from '../shared/clock.js';
import { ProgressBar } from './progress.js';

export const REBUILD_USAGE = `ledger rebuild [--threads N] [--heap-mib M] [--json]

Rebuilds every read model from zero from the event log (embedded store in LEDGER_DATA_DIR, default
./data, or EventStoreDB when EVENTSTORE_CONNECTION_STRING is set), with a progress bar on stderr.
The figures are built beside the serving build and take its place when complete; a running
service switches to them on its next catch-up. Interrupted (even by kill -9), it leaves the
serving build as it was: run it again. The members-by-enterprise roster and the list of
transfer requests are rebuilt too, each taking its table's place in one transaction.
--threads N splits the embedded log's figure streams into N shares, each projected by its own
worker thread (default: the machine's cores, at most 8); 1 projects in one thread.
--heap-mib M is each worker's JS heap limit (default ${SHARE_HEAP_MIB}); a worker that runs out says so.
--json prints one line of JSON at the end: { events, seconds, eventsPerSecond, peakRssMiB }.`;

/** `ledger rebuild`: every read model rebuilt from the log. */
export async function rebuildCommand(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      json: { type: 'boolean', default: false },
      threads: { type: 'string' },
      'heap-mib': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${REBUILD_USAGE}\n`);
    return 0;
  }
  const dataDir = resolve(process.env.LEDGER_DATA_DIR ?? './data');
  if (process.env.EVENTSTORE_CONNECTION_STRING === undefined && !existsSync(join(dataDir, 'events.sqlite')))
    throw new ConfigError(`no ledger in ${dataDir} (events.sqlite not found); set LEDGER_DATA_DIR`);
  const threads = values.threads === undefined ? Math.min(8, availableParallelism()) : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64)
    throw new ConfigError(`--threads must be a whole number from 1 to 64, not ${values.threads}`);
  const heapMiB = values['heap-mib'] === undefined ? SHARE_HEAP_MIB : Number(values['heap-mib']);
  if (!Number.isInteger(heapMiB) || heapMiB < 8 || heapMiB > 65536)
    throw new ConfigError(`--heap-mib must be a whole number from 8 to 65536, not ${values['heap-mib']}`);
  const config = loadConfig(process.env, { createTokenSigningKey: false });
  const store = await openEventStore(config, systemClock);
  const db = openReadModelDb(join(config.dataDir, 'read-models.sqlite'));
  const started = Date.now();
  // The transfer requests' list is built from the events the figures' shares read anyway.
  const transfers = new StagedRebuild(db, store, transferRequests);
  try {
    const figures = new ProgressBar('figures, roster, transfers');
    const roster = new RosterBeside(db);
    let transferFacts = 0;
    const built = await rebuildFigures(db, store, () => new Date().toISOString(), {
      shares: threads,
      shareHeapMiB: heapMiB,
      onProgress: (p) => figures.update(p.done, p.total, 'positions', { count: p.events, unit: 'events' }),
      onRoster: (rows) => roster.add(rows),
      onTransferFacts: (rows) => {
        transfers.stageRows(rows);
        transferFacts += rows.length;
      },
    });
    figures.done(`${built.events.toLocaleString('en')} events, build ${built.build.build} now serves`);
    if (built.sharedUpTo !== undefined) {
      await roster.promote(store, built.sharedUpTo);
      const tail = await transfers.swap(built.sharedUpTo);
      process.stderr.write(
        `transfer requests: ${(transferFacts + tail.events).toLocaleString('en')} facts of requests, read with the figures\n`,
      );
    } else {
      // The store cannot be read in shares (EventStoreDB): the roster and the list follow the log on their own.
      roster.drop();
      transfers.drop();
      const bar = new ProgressBar('members-by-enterprise');
      const rosterEvents = await rebuildProjection(db, store, membersByEnterprise, (done, total) =>
        bar.update(done, total, 'positions'),
      );
      bar.done(`${rosterEvents.toLocaleString('en')} events`);
      // The transfer requests' list reads a few event types: the store passes the rest over.
      const list = new ProgressBar('transfer requests');
      const transferEvents = await rebuildProjection(db, store, transferRequests, (done, total) =>
        list.update(done, total, 'positions'),
      );
      list.done(`${transferEvents.toLocaleString('en')} events`);
    }
    const seconds = (Date.now() - started) / 1000;
    if (values.json)
      process.stdout.write(
        `${JSON.stringify({
          events: built.events,
          seconds,
          eventsPerSecond: Math.round(built.events / Math.max(seconds, 1e-3)),
          peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
        })}\n`,
      );
    return 0;
  } finally {
    if (db.open) transfers.drop();
    await store.close();
    db.close();
  }
}
