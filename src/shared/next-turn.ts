/**
 * Waits for the event loop's next turn, so that requests and timers run meanwhile. Awaiting a
 * promise that is already settled does not: a long loop of such awaits holds the loop throughout.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
