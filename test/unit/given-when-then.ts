import { DomainError } from '../../src/shared/domain-error.js';
import { type LedgerEvent, type Stored } from '../../src/shared/ledger-event.js';

/** A given event as a test writes it: plain `{ type, data }`, with `id` or `recordedAt` pinned when the test names them. */
export type Given<E extends LedgerEvent> = E & { readonly id?: string; readonly recordedAt?: string };

const FIRST_RECORDING = Date.parse('2026-01-05T02:00:00.000Z');

/** The pinned recording instant of a stream's n-th event (0-based): one hour apart. */
export const recordedAt = (revision: number): string => new Date(FIRST_RECORDING + revision * 3_600_000).toISOString();

/** The default id of a stream's n-th given event. */
export const eventId = (streamName: string, revision: number): string => `${streamName}#${revision}`;

/** Given events as the store would hand them back: ids, revisions, positions, metadata. */
export function stored<E extends LedgerEvent>(streamName: string, events: ReadonlyArray<Given<E>>): Stored<E>[] {
  return events.map(
    ({ id, recordedAt: at, type, data }, revision) =>
      ({
        id: id ?? eventId(streamName, revision),
        type,
        data,
        metadata: { actor: 'clerk-1', correlationId: `corr-${revision}`, recordedAt: at ?? recordedAt(revision) },
        streamName,
        revision,
        position: String(revision + 1),
      }) as unknown as Stored<E>,
  );
}

export interface Outcome {
  /** The decision accepted the command and returned exactly these events. */
  then(expected: readonly LedgerEvent[]): void;
  /** The decision refused with this code (and, when given, details containing these). */
  thenRefusedWith(code: string, details?: Record<string, unknown> | readonly unknown[]): void;
}

export interface Scenario<S> {
  /** The state folded from the given events. */
  readonly state: S;
  when(decide: (state: S) => readonly LedgerEvent[]): Outcome;
}

/** `given(events...).when(state => decideX(input, state, ctx)).then(events)` for one stream and its fold. */
export function scenarios<E extends LedgerEvent, S>(
  streamName: string,
  fold: (events: ReadonlyArray<Stored<E>>) => S,
): (...events: ReadonlyArray<Given<E>>) => Scenario<S> {
  return (...events) => {
    const state = fold(stored(streamName, events));
    return { state, when: (decide) => outcome(() => decide(state)) };
  };
}

function outcome(run: () => readonly LedgerEvent[]): Outcome {
  let result: readonly LedgerEvent[] | undefined;
  let error: unknown;
  try {
    result = run();
  } catch (e) {
    error = e;
  }
  return {
    then(expected) {
      if (error !== undefined) throw error;
      expect(result).toStrictEqual(expected);
    },
    thenRefusedWith(code, details) {
      if (error === undefined) throw new Error(`expected refusal ${code}, but the decision returned ${JSON.stringify(result)}`);
      if (!(error instanceof DomainError)) throw error;
      expect({ code: error.code, message: error.message }).toEqual({ code, message: expect.any(String) });
      if (details !== undefined) expect(error.details).toMatchObject(details);
    },
  };
}
