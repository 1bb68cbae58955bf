import {
  type Contributions,
  contributionsOf,
  deltasBetween,
  entityOf,
  type FigureEntity,
} from '../../../projections/figures/contributions.js';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.port.js';
import type { EventDeltas, ParkedEvent } from './figure-builds.js';

/** The streams whose events move figures. */
export const FIGURE_STREAMS = ['enterprise-', 'member-', 'park-', 'transfer-'] as const;

export interface ProjectedPage {
  readonly events: EventDeltas[];
  readonly parked: ParkedEvent[];
}

/**
 * What each event did to the figures: its entity's contributions with the event, minus without it,
 * from the entity's own stream up to that event (never the clock, never later events), so the live
 * path and a rebuild derive the same deltas.
 */
export function projectEvent(
  entity: FigureEntity,
  upTo: readonly RecordedEvent[],
  before: Contributions,
): [EventDeltas, Contributions] {
  const event = upTo[upTo.length - 1];
  const after = contributionsOf(entity, upTo);
  return [
    {
      position: event.position,
      recordedAt: event.metadata.recordedAt,
      deltas: deltasBetween(before, after),
      place: placeOf(event),
    },
    after,
  ];
}

function placeOf(event: RecordedEvent): EventDeltas['place'] {
  const data = event.data as { parkId?: string; cityId?: string; enterpriseId?: string };
  if (event.type === 'ParkRegistered') return { kind: 'park', id: data.parkId!, parent: data.cityId! };
  if (event.type === 'EnterpriseRegistered') return { kind: 'enterprise', id: data.enterpriseId!, parent: data.parkId! };
  return undefined;
}

const failure = (event: RecordedEvent, error: unknown): ParkedEvent => ({
  position: event.position,
  eventId: event.id,
  type: event.type,
  error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
});

/** The live path: a page of the global log, each event against its stream as read from the store. */
export async function projectPage(store: EventStore, page: readonly RecordedEvent[]): Promise<ProjectedPage> {
  const streams = new Map<string, RecordedEvent[]>();
  const out: ProjectedPage = { events: [], parked: [] };
  for (const event of page) {
    const entity = entityOf(event.streamName);
    if (!entity) continue;
    let stream = streams.get(event.streamName);
    if (!stream) streams.set(event.streamName, (stream = await store.readStream(event.streamName)));
    try {
      const at = stream.findIndex((e) => e.id === event.id);
      if (at < 0) throw new Error(`event ${event.id} is not in its stream ${event.streamName}`);
      const upTo = stream.slice(0, at + 1);
      const before = contributionsOf(entity, upTo.slice(0, -1));
      out.events.push(projectEvent(entity, upTo, before)[0]);
    } catch (error) {
      out.parked.push(failure(event, error));
    }
  }
  return out;
}

/** The rebuild path: whole streams at once, each event once, in stream order. */
export function projectStream(events: readonly RecordedEvent[]): ProjectedPage {
  const out: ProjectedPage = { events: [], parked: [] };
  const entity = entityOf(events[0].streamName);
  if (!entity) return out;
  let before: Contributions = new Map();
  for (let i = 0; i < events.length; i++) {
    try {
      const [projected, after] = projectEvent(entity, events.slice(0, i + 1), before);
      out.events.push(projected);
      before = after;
    } catch (error) {
      out.parked.push(failure(events[i], error));
    }
  }
  return out;
}
