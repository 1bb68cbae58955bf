import type { FaultPoint } from '../config/ledger-config.js';

/**
 * A test hook for crash recovery: with `LEDGER_TEST_CRASH_AT` set, the process kills itself
 * (SIGKILL, no clean-up) when it reaches that point, so an end-to-end test can prove that the
 * work left half-done is finished after a restart. Unset in every real deployment.
 */
export class FaultPoints {
  constructor(readonly crashAt: FaultPoint | undefined) {}

  reach(point: FaultPoint): void {
    if (this.crashAt === point) process.kill(process.pid, 'SIGKILL');
  }
}
