import type { RecordedEvent } from '../src/event-store/event-store.port.js';

/**
 * A read model as data plus a pure function: the rows an event adds, from event data only (never
 * the clock), so replaying the log always builds the same table.
 */
export interface Projection<Row> {
  readonly name: string;
  /** Bumped when the rows it derives change; a new version is built from zero. */
  readonly version: number;
  readonly table: string;
  readonly schema: string;
  /** Row field → table column. */
  readonly columns: { readonly [K in keyof Row]: string };
  /** The event types `rowsFor` reads, when it reads few (it gives no rows for the others): catch-up then passes the rest over. */
  readonly types?: readonly string[];
  rowsFor(event: RecordedEvent): Row[];
}
