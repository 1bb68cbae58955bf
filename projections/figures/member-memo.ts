import type { RecordedEvent } from '../../src/event-store/event-store.port.js';
import type { Category, MemberEvent, MemberFactEvent } from '../../src/membership/member.events.js';
import { foldHistory, neverJoined, type Standing, step, timelineOf } from '../../src/membership/member.timeline.js';
import type { Stored } from '../../src/shared/ledger-event.js';
import { stepDeltas } from './contributions.js';
import type { FigureDelta } from './figure-delta.js';

/**
 * What the figures remember of a member between its events: where the end of its timeline
 * stands. A fact dated on or after every standing fact only adds a step at the end, so its
 * deltas follow from the memo alone; anything else (a void, a back-dated fact, a rejoin, whose
 * rule compares persons) is projected from the whole stream, which gives a fresh memo.
 */
export interface MemberMemo {
  /** `broken`: a fact could not stand where it is, so nothing after it counts (see memberContributions). */
  readonly status: 'never-joined' | 'active' | 'left' | 'broken';
  /** Where an active member is ('' otherwise). */
  readonly parkId: string;
  readonly enterpriseId: string;
  readonly category: Category | '';
  /** The latest effective date of a standing (not voided) fact; '' when there is none. */
  readonly lastDate: string;
  /** Revision of the stream's last event the memo includes. */
  readonly revision: number;
}

const NOBODY = { hash: '', masked: '' };

const standingOf = (memo: MemberMemo): Standing =>
  memo.status === 'active'
    ? {
        status: 'active',
        person: NOBODY,
        name: '',
        since: '',
        placement: { parkId: memo.parkId, enterpriseId: memo.enterpriseId },
        category: memo.category as Category,
      }
    : memo.status === 'left'
      ? { status: 'left', person: NOBODY, leftOn: '' }
      : neverJoined;

const memoOf = (standing: Standing, lastDate: string, revision: number, broken = false): MemberMemo =>
  broken
    ? { status: 'broken', parkId: '', enterpriseId: '', category: '', lastDate, revision }
    : standing.status === 'active'
      ? {
          status: 'active',
          parkId: standing.placement.parkId,
          enterpriseId: standing.placement.enterpriseId,
          category: standing.category,
          lastDate,
          revision,
        }
      : { status: standing.status, parkId: '', enterpriseId: '', category: '', lastDate, revision };

/** The memo of a member's stream (in revision order), walked as memberContributions walks it. */
export function memberMemo(memberId: string, events: ReadonlyArray<RecordedEvent>): MemberMemo {
  const history = foldHistory(memberId, events as ReadonlyArray<Stored<MemberEvent>>);
  let standing: Standing = neverJoined;
  let broken = false;
  let lastDate = '';
  for (const fact of timelineOf(history)) {
    lastDate = fact.event.data.effectiveDate;
    if (broken) continue;
    const next = step(standing, fact.event);
    if ('code' in next) broken = true;
    else standing = next;
  }
  return memoOf(standing, lastDate, history.revision ?? -1, broken);
}

const FACTS = new Set(['MemberJoined', 'MemberTransferred', 'MemberCategoryChanged', 'MemberLeft']);

/**
 * The deltas of `event` appended to the stream `memo` sums up (undefined: a new stream), and the
 * memo after it; or undefined when the event needs the whole stream (see MemberMemo).
 */
export function appendToMember(
  memo: MemberMemo | undefined,
  event: RecordedEvent,
): { memo: MemberMemo; deltas: FigureDelta[] } | undefined {
  const base = memo ?? memoOf(neverJoined, '', -1);
  const revision = base.revision + 1;
  if (event.revision !== revision) return undefined;
  // Erasure is not a fact of the timeline: it moves no figure.
  if (event.type === 'MemberPersonalDataErased') return { memo: { ...base, revision }, deltas: [] };
  if (!FACTS.has(event.type)) return undefined;
  const fact = { type: event.type, data: event.data } as MemberFactEvent;
  const date = fact.data.effectiveDate;
  if (date < base.lastDate) return undefined;
  if (base.status === 'broken') return { memo: { ...base, lastDate: date, revision }, deltas: [] };
  if (base.status === 'left' && fact.type === 'MemberJoined') return undefined;
  const standing = standingOf(base);
  const next = step(standing, fact);
  if ('code' in next) return { memo: memoOf(standing, date, revision, true), deltas: [] };
  return { memo: memoOf(next, date, revision), deltas: stepDeltas(standing, fact, next) };
}
