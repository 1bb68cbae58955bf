import {
  contributionsOf,
  deltasBetween,
  entityOf,
  evolveOrganisation,
  headcountDeltas,
  type FigureEntity,
  initialOrganisation,
  organisationContributions,
  type OrganisationState,
} from '../../../projections/figures/contributions.js';
import type { FigureDelta } from '../../../projections/figures/figure-delta.js';
import { appendToMember, type MemberMemo, memberMemo } from '../../../projections/figures/member-memo.js';
import type { EnterpriseHeadcountReported } from '../../enterprises/enterprise.events.js';
import type { RecordedEvent } from '../../event-store/event-store.port.js';
import type { Stored } from '../../shared/ledger-event.js';
import { grown } from '../../shared/typed-arrays.js';
import { NameSlots } from '../../shared/name-slots.js';

/** The streams whose events move figures. */
export const FIGURE_STREAMS = ['enterprise-', 'member-', 'park-', 'transfer-'] as const;

/** What one recorded event did to the figures. */
export interface EventDeltas {
  readonly position: number;
  /** When it was recorded, in ms since the epoch (the knowledge axis). */
  readonly recordedMs: number;
  readonly deltas: readonly FigureDelta[];
  /** A registration names its place: a park's city, an enterprise's park. */
  readonly place?: Place;
}

export interface Place {
  readonly kind: 'park' | 'enterprise';
  readonly id: string;
  readonly parent: string;
}

/** An event the projection could not apply: kept with its position and error, never skipped silently. */
export interface ParkedEvent {
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly error: string;
}

export const parkedEvent = (event: RecordedEvent, error: unknown): ParkedEvent => ({
  position: event.position,
  eventId: event.id,
  type: event.type,
  error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
});

function placeOf(event: RecordedEvent): Place | undefined {
  const data = event.data as { parkId?: string; cityId?: string; enterpriseId?: string };
  if (event.type === 'ParkRegistered') return { kind: 'park', id: data.parkId!, parent: data.cityId! };
  if (event.type === 'EnterpriseRegistered') return { kind: 'enterprise', id: data.enterpriseId!, parent: data.parkId! };
  return undefined;
}

/**
 * What each event did to the figures: its entity's contributions with the event minus without
 * it, from the entity's own stream up to that event (never the clock, never later events), so
 * the live path and a rebuild derive the same deltas.
 *
 * The projector remembers each entity it has seen (a member's memo, an organisation's folded
 * state and revision), so an event that extends what it remembers is projected without reading the
 * stream; otherwise (`project` answers `undefined`) the caller reads the stream and calls
 * `projectFrom`, which remembers the result.
 */
export class FigureProjector {
  private readonly members = new MemoTable();
  private readonly organisations = new Map<string, { revision: number; organisation: OrganisationState }>();

  /** `null`: the event moves no figure (not a figure stream); `undefined`: read its stream and call `projectFrom`. */
  project(event: RecordedEvent): EventDeltas | null | undefined {
    const entity = entityOf(event.streamName);
    if (!entity) return null;
    if (entity.kind === 'member') {
      const appended = appendToMember(this.members.get(event.streamName), event);
      if (!appended) return undefined;
      this.members.set(event.streamName, appended.memo);
      return this.result(event, appended.deltas);
    }
    const known = this.organisations.get(event.streamName);
    if ((known?.revision ?? -1) + 1 !== event.revision) return undefined;
    // Contributions are recomputed from the state before and after (a few facts) rather than kept;
    // a headcount report, the one fact an enterprise gathers by the hundred, changes two of them.
    const before = known?.organisation ?? initialOrganisation(entity.kind);
    const after = evolveOrganisation(before, event);
    this.organisations.set(event.streamName, { revision: event.revision, organisation: after });
    if (before.kind === 'enterprise' && event.type === 'EnterpriseHeadcountReported')
      return this.result(event, headcountDeltas(before.state, event as Stored<EnterpriseHeadcountReported>));
    return this.result(event, deltasBetween(organisationContributions(before), organisationContributions(after)));
  }

  /** Projects `event` from its stream as read from the store (it may run past the event). */
  projectFrom(event: RecordedEvent, stream: readonly RecordedEvent[]): EventDeltas {
    const entity = entityOf(event.streamName) as FigureEntity;
    this.forget(event.streamName);
    const at = stream.findIndex((e) => e.id === event.id);
    if (at < 0) throw new Error(`event ${event.id} is not in its stream ${event.streamName}`);
    const upTo = stream.slice(0, at + 1);
    const before = contributionsOf(entity, upTo.slice(0, -1));
    const after = contributionsOf(entity, upTo);
    if (entity.kind === 'member') this.members.set(event.streamName, memberMemo(entity.id, upTo));
    else
      this.organisations.set(event.streamName, {
        revision: event.revision,
        organisation: upTo.reduce(evolveOrganisation, initialOrganisation(entity.kind)),
      });
    return this.result(event, deltasBetween(before, after));
  }

  /** Drops what is remembered of a stream (after an event of it failed). */
  forget(streamName: string): void {
    this.members.delete(streamName);
    this.organisations.delete(streamName);
  }

  private result(event: RecordedEvent, deltas: readonly FigureDelta[]): EventDeltas {
    const place = placeOf(event);
    const projected = { position: Number(event.position), recordedMs: Date.parse(event.metadata.recordedAt), deltas };
    return place ? { ...projected, place } : projected;
  }
}

const STATUSES: ReadonlyArray<MemberMemo['status']> = ['never-joined', 'active', 'left', 'broken'];

/**
 * Members' memos in typed arrays, one slot per member stream, strings (parks, enterprises,
 * categories, dates) kept once: a province's 1.5 million members fit in ~75 MiB, nearly all of
 * it outside the JS heap, where one object per memo took about 200.
 */
class MemoTable {
  private readonly slots = new NameSlots();
  private readonly strings: string[] = [];
  private readonly stringNumbers = new Map<string, number>();
  private status = new Uint8Array(1024);
  private revision = new Int32Array(1024);
  private park = new Int32Array(1024);
  private enterprise = new Int32Array(1024);
  private category = new Int32Array(1024);
  private lastDate = new Int32Array(1024);

  /** The stream `get` looked up last, and its slot: `set` of the same stream, next, needs no second look-up. */
  private lastStream: string | undefined;
  private lastSlot = -1;

  get(stream: string): MemberMemo | undefined {
    const slot = this.slots.find(stream);
    this.lastStream = stream;
    this.lastSlot = slot;
    if (slot < 0 || this.revision[slot] === FORGOTTEN) return undefined;
    return {
      status: STATUSES[this.status[slot]],
      parkId: this.strings[this.park[slot]],
      enterpriseId: this.strings[this.enterprise[slot]],
      category: this.strings[this.category[slot]] as MemberMemo['category'],
      lastDate: this.strings[this.lastDate[slot]],
      revision: this.revision[slot],
    };
  }

  set(stream: string, memo: MemberMemo): void {
    const slot = stream === this.lastStream && this.lastSlot >= 0 ? this.lastSlot : this.slots.add(stream);
    this.lastStream = undefined;
    if (slot === this.status.length) this.grow();
    this.status[slot] = STATUSES.indexOf(memo.status);
    this.revision[slot] = memo.revision;
    this.park[slot] = this.number(memo.parkId, this.park[slot]);
    this.enterprise[slot] = this.number(memo.enterpriseId, this.enterprise[slot]);
    this.category[slot] = this.number(memo.category, this.category[slot]);
    this.lastDate[slot] = this.number(memo.lastDate, this.lastDate[slot]);
  }

  delete(stream: string): void {
    this.lastStream = undefined;
    const slot = this.slots.find(stream);
    if (slot >= 0) this.revision[slot] = FORGOTTEN;
  }

  /** The string's number; `held`, the number the slot holds now, is checked first (a member mostly stays where it was). */
  private number(s: string, held: number): number {
    if (this.strings[held] === s) return held;
    let n = this.stringNumbers.get(s);
    if (n === undefined) {
      n = this.strings.push(s) - 1;
      this.stringNumbers.set(s, n);
    }
    return n;
  }

  private grow(): void {
    const size = this.status.length * 2;
    this.status = grown(this.status, size);
    this.revision = grown(this.revision, size);
    this.park = grown(this.park, size);
    this.enterprise = grown(this.enterprise, size);
    this.category = grown(this.category, size);
    this.lastDate = grown(this.lastDate, size);
  }
}

/** A memo's revision slot when the projector forgot the member (a revision no event has). */
const FORGOTTEN = -2;

/** Projects a page of the log, reading a stream only when the projector cannot go on from memory. */
export async function projectPage(
  projector: FigureProjector,
  page: readonly RecordedEvent[],
  readStream: (stream: string) => Promise<readonly RecordedEvent[]>,
): Promise<{ events: EventDeltas[]; parked: ParkedEvent[] }> {
  const out = { events: [] as EventDeltas[], parked: [] as ParkedEvent[] };
  for (const event of page) {
    try {
      let projected = projector.project(event);
      if (projected === null) continue;
      if (projected === undefined) projected = projector.projectFrom(event, await readStream(event.streamName));
      out.events.push(projected);
    } catch (error) {
      projector.forget(event.streamName);
      out.parked.push(parkedEvent(event, error));
    }
  }
  return out;
}
