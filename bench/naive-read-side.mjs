// The read side's naive baselines (issue 5, item 6), run by bench/read-side.mjs on the log it
// generated, after the service has stopped, so that the report shows the ratios in one run:
//   rebuild        the figures rebuilt the way the service follows the log: one thread, a page of
//                  2,000 events a transaction, no shares (`ledger rebuild` splits the log over
//                  worker threads and merges)
//   replay         an as-of figure answered by replaying the whole log into a fresh index for that
//                  one question, as a service without a read model would
// Each replayed answer is checked against the service's own answer to the same question.
//   node bench/naive-read-side.mjs --data-dir <dir> --queries <file.json> [--json]
//   <file.json>: [{ asOf, knownAt, members }] (members: the service's province total for that question)
import { benchArgs } from './bench-kit.mjs';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FiguresIndex } from '../dist/projections/figures/figures-index.js';
import { openEventStoreAt } from '../dist/src/event-store/event-store-at.js';
import { catchUpBuild } from '../dist/src/read-models/figures/figure-builder.js';
import { FigureBuilds } from '../dist/src/read-models/figures/figure-builds.js';
import { FigureProjector, projectPage } from '../dist/src/read-models/figures/figure-projector.js';
import { openReadModelDb } from '../dist/src/read-models/read-model-store.js';
import { systemClock } from '../dist/src/shared/clock.js';

const args = benchArgs();
const dataDir = args['data-dir'];
if (!dataDir || !args.queries) throw new Error('usage: node bench/naive-read-side.mjs --data-dir <dir> --queries <file.json>');
const queries = JSON.parse(readFileSync(args.queries, 'utf8'));
const store = openEventStoreAt(join(dataDir, 'events.sqlite'), systemClock);
const seconds = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

// The rebuild, followed page by page into a read-model file of its own.
const file = join(dataDir, 'naive-read-models.sqlite');
const db = openReadModelDb(file);
const t0 = process.hrtime.bigint();
const builds = new FigureBuilds(db);
builds.start('naive', new Date().toISOString());
const events = await catchUpBuild(builds, store, 'naive', new FigureProjector());
const rebuild = { events, seconds: seconds(t0) };
db.close();
for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });

// Each question answered by replaying the whole log into a fresh index.
const replays = [];
for (const q of queries) {
  const t = process.hrtime.bigint();
  const index = new FiguresIndex();
  const projector = new FigureProjector();
  const readStream = (stream) => store.readStream(stream);
  for (let after; ;) {
    const page = await store.readAll({ after, maxCount: 2000 });
    if (page.length === 0) break;
    const projected = await projectPage(projector, page, readStream);
    for (const e of projected.events) {
      if (e.place?.kind === 'park') index.registerPark(e.place.id, e.place.parent);
      if (e.place?.kind === 'enterprise') index.registerEnterprise(e.place.id, e.place.parent);
      index.add(Number(e.position), e.recordedMs, e.deltas);
    }
    after = page[page.length - 1].position;
  }
  const { sums } = index.stocks(index.scope('province'), q.asOf, Date.parse(q.knownAt), 'park');
  const members = sums.reduce((n, s) => n + s[0] + s[1] + s[2], 0);
  replays.push({ seconds: seconds(t), members, expected: q.members });
}
await store.close();
const answer = { rebuild, replays, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
process.stdout.write(`${JSON.stringify(answer)}\n`);
