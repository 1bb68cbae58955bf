// Re-decides every fact of a data dir's event log with the service's own deciders, in log order,
// as of the day it was recorded, and checks that the decider accepts it and produces exactly the
// stored data. A check of bench/synthetic-history.mjs (keeps every member's history in memory:
// meant for sizes up to a few hundred thousand members).
//   node bench/check-synthetic-history.mjs --data-dir /tmp/h [--sample 1]
import { join, resolve } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
    return acc;
  }, []),
);
if (!args['data-dir']) {
  process.stderr.write('usage: node bench/check-synthetic-history.mjs --data-dir <dir>\n');
  process.exit(2);
}
const dist = (path) => import(new URL(`../dist/src/${path}`, import.meta.url));
const { shanghaiDate } = await dist('shared/dates.js');
const { evolvePark, initialParkState } = await dist('parks/park.state.js');
const { evolveEnterprise, initialEnterpriseState } = await dist('enterprises/enterprise.state.js');
const { evolveHistory, emptyHistory, replay, timelineOf } = await dist('membership/member.timeline.js');
const { decideRegisterPark } = await dist('parks/register-park/register-park.decide.js');
const { decideEstablishParkUnion } = await dist('parks/establish-park-union/establish-park-union.decide.js');
const { decideRegisterEnterprise } = await dist('enterprises/register-enterprise/register-enterprise.decide.js');
const { decideEstablishEnterpriseUnion } = await dist(
  'enterprises/establish-enterprise-union/establish-enterprise-union.decide.js',
);
const { decideReportHeadcount } = await dist('enterprises/report-headcount/report-headcount.decide.js');
const { decideCloseEnterprise } = await dist('enterprises/close-enterprise/close-enterprise.decide.js');
const { decideVoidEnterpriseEntry } = await dist('enterprises/void-enterprise-entry/void-enterprise-entry.decide.js');
const { decideJoin } = await dist('membership/join/join.decide.js');
const { decideTransfer } = await dist('membership/transfer/transfer.decide.js');
const { decideLeave } = await dist('membership/leave/leave.decide.js');
const { decideChangeCategory } = await dist('membership/change-category/change-category.decide.js');
const { decideVoidMemberEntry } = await dist('membership/void-entry/void-entry.decide.js');

const { SqliteEventStore } = await dist('event-store/embedded/sqlite-event-store.js');
const store = new SqliteEventStore(join(resolve(args['data-dir']), 'events.sqlite'));
/** The whole log in order, through the store's own port. */
async function* wholeLog() {
  for (let after; ;) {
    const page = await store.readAll({ after, maxCount: 5000 });
    if (page.length === 0) return;
    yield* page;
    after = page[page.length - 1].position;
  }
}
const parks = new Map();
const enterprises = new Map();
const histories = new Map();
const memberOfEvent = new Map();
const personMembers = new Map();
const everAt = new Map();
const problems = [];
const counts = {};
let lastRecordedAt = '';
let n = 0;
const started = Date.now();

const otherMemberships = (personHash, memberId) =>
  [...(personMembers.get(personHash) ?? [])]
    .filter((id) => id !== memberId)
    .flatMap((id) => {
      const r = replay(timelineOf(histories.get(id)));
      return 'failure' in r ? [] : [{ memberId: id, periods: r.periods, stays: r.stays }];
    });
const placementsAt = (enterpriseId) =>
  [...(everAt.get(enterpriseId) ?? [])].flatMap((memberId) => {
    const r = replay(timelineOf(histories.get(memberId)));
    if ('failure' in r) return [];
    return r.stays.filter((s) => s.enterpriseId === enterpriseId).map((s) => ({ memberId, from: s.from, to: s.to }));
  });
const personOf = (history) => history.facts.find((f) => f.type === 'MemberJoined')?.data.person.hash;

for await (const event of wholeLog()) {
  n++;
  const row = { stream: event.streamName, revision: event.revision, data: JSON.stringify(event.data) };
  counts[event.type] = (counts[event.type] ?? 0) + 1;
  const recordedAt = event.metadata.recordedAt;
  if (recordedAt < lastRecordedAt) problems.push(`${event.id}: recordedAt runs backwards`);
  lastRecordedAt = recordedAt;
  const ctx = { today: shanghaiDate(new Date(recordedAt)) };
  const [kind, ...rest] = row.stream.split('-');
  const id = rest.join('-');
  const d = event.data;
  try {
    let decided;
    if (kind === 'park') {
      const state = parks.get(id) ?? initialParkState;
      if (event.type === 'ParkRegistered') decided = decideRegisterPark(d, state, ctx);
      else if (event.type === 'ParkUnionEstablished') decided = decideEstablishParkUnion(d, state, ctx);
      else throw new Error(`unexpected ${event.type}`);
      parks.set(id, evolvePark(state, event));
    } else if (kind === 'enterprise') {
      const state = enterprises.get(id) ?? initialEnterpriseState;
      if (event.type === 'EnterpriseRegistered')
        decided = decideRegisterEnterprise(d, state, parks.get(d.parkId) ?? initialParkState, ctx);
      else if (event.type === 'EnterpriseUnionEstablished') decided = decideEstablishEnterpriseUnion(d, state, ctx);
      else if (event.type === 'EnterpriseHeadcountReported') decided = decideReportHeadcount(d, state, ctx);
      else if (event.type === 'EnterpriseClosed') decided = decideCloseEnterprise(d, state, placementsAt(id), ctx);
      else if (event.type === 'EntryVoided')
        decided = decideVoidEnterpriseEntry({ enterpriseId: id, eventId: d.voidedEventId, reason: d.reason }, state);
      else throw new Error(`unexpected ${event.type}`);
      enterprises.set(id, evolveEnterprise(state, event));
    } else if (kind === 'member') {
      const history = histories.get(id) ?? emptyHistory(id);
      const mctx = { ...ctx, enterprises };
      if (event.type === 'MemberJoined') {
        const others = otherMemberships(d.person.hash, id);
        // The log keeps only the masked resident ID: its birth date cannot be checked again here.
        decided = decideJoin({ ...d, birthDate: '1800-01-01' }, history, { ...mctx, otherMemberships: others });
      } else if (event.type === 'MemberTransferred')
        decided = decideTransfer(
          { memberId: id, toEnterpriseId: d.to.enterpriseId, effectiveDate: d.effectiveDate },
          history,
          mctx,
        );
      else if (event.type === 'MemberLeft') decided = decideLeave(d, history, mctx);
      else if (event.type === 'MemberCategoryChanged')
        decided = decideChangeCategory({ memberId: id, category: d.to, effectiveDate: d.effectiveDate }, history, mctx);
      else if (event.type === 'EntryVoided') {
        const others = otherMemberships(personOf(history), id);
        decided = decideVoidMemberEntry({ memberId: id, eventId: d.voidedEventId, reason: d.reason }, history, {
          ...mctx,
          otherMemberships: others,
        });
      } else throw new Error(`unexpected ${event.type}`);
      const next = evolveHistory(history, event);
      histories.set(id, next);
      if (event.type === 'MemberJoined') {
        if (!personMembers.has(d.person.hash)) personMembers.set(d.person.hash, new Set());
        personMembers.get(d.person.hash).add(id);
      }
      for (const e of event.type === 'MemberJoined'
        ? [d.enterpriseId]
        : event.type === 'MemberTransferred'
          ? [d.from.enterpriseId, d.to.enterpriseId]
          : []) {
        if (!everAt.has(e)) everAt.set(e, new Set());
        everAt.get(e).add(id);
      }
      memberOfEvent.set(event.id, id);
    } else throw new Error(`unexpected stream ${row.stream}`);
    if (decided.length !== 1 || decided[0].type !== event.type || JSON.stringify(decided[0].data) !== row.data)
      problems.push(`${row.stream}@${row.revision} ${event.type}: decided ${JSON.stringify(decided)}, stored ${row.data}`);
  } catch (error) {
    problems.push(
      `${row.stream}@${row.revision} ${event.type} ${row.data} recorded ${recordedAt}: refused: ${error.code ?? ''} ${error.message}`,
    );
  }
  if (n % 100_000 === 0) process.stderr.write(`checked ${n} events, ${problems.length} problems\n`);
}
for (const p of problems.slice(0, 20)) process.stderr.write(`${p}\n`);
process.stderr.write(`checked ${n} events in ${((Date.now() - started) / 1000).toFixed(1)} s: ${problems.length} problems\n`);
process.stderr.write(`${JSON.stringify(counts)}\n`);
process.exit(problems.length === 0 ? 0 : 1);
