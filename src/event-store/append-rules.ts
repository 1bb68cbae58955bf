import {
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from './event-store.port.js';

/**
 * The append check shared by the adapters that keep their own streams (embedded, in-memory):
 * `append` when the expected revision matches; the original result when the same event ids
 * already stand right after the expected revision (a retry); otherwise a conflict.
 */
export function checkAppend(
  stream: string,
  current: ExpectedRevision,
  expected: ExpectedRevision,
  events: readonly NewEvent[],
  storedAfterExpected: (fromRevision: number, count: number) => readonly RecordedEvent[],
): { kind: 'append'; nextRevision: number } | { kind: 'retry'; result: AppendResult } {
  const currentNumber = current === 'no_stream' ? -1 : current;
  const expectedNumber = expected === 'no_stream' ? -1 : expected;
  if (currentNumber === expectedNumber) return { kind: 'append', nextRevision: currentNumber + 1 };
  if (currentNumber > expectedNumber && events.length > 0) {
    const stored = storedAfterExpected(expectedNumber + 1, events.length);
    if (stored.length === events.length && stored.every((e, i) => e.id === events[i].id)) {
      const last = stored[stored.length - 1];
      return {
        kind: 'retry',
        result: {
          streamRevision: last.revision,
          position: last.position,
          recordedAt: last.metadata.recordedAt,
          eventIds: stored.map((e) => e.id),
          alreadyStored: true,
        },
      };
    }
  }
  throw new WrongExpectedRevisionError(stream, expected, current);
}

/** Ledger streams are the ones the ledger names; the store's own bookkeeping is not exposed. */
export function isLedgerStream(stream: string): boolean {
  return !stream.startsWith('$');
}
