import type { EventStore, RecordedEvent } from './event-store.port.js';

/** Log positions one read of a few event types looks at. */
const SCAN = 50_000;

/**
 * The log's events of `types` after `after`, a page at a time up to the head, for followers that
 * read few types (`readAllOfTypes`): each page says how far it looked, which is where the
 * follower's checkpoint goes even when the page holds no event.
 */
export async function* pagesOfTypes(
  readAllOfTypes: NonNullable<EventStore['readAllOfTypes']>,
  types: readonly string[],
  after: string | undefined,
): AsyncGenerator<{ readonly events: RecordedEvent[]; readonly scannedTo: string }> {
  for (;;) {
    const page = await readAllOfTypes({ after, types, scanCount: SCAN });
    if (page.scannedTo === undefined || page.scannedTo === after) return;
    yield { events: page.events, scannedTo: page.scannedTo };
    after = page.scannedTo;
  }
}
