import type { RequestWithContext } from '../http/logging.js';
import type { Principal } from './principal.js';

/** A request after the sign-in guard: who sent it. */
export interface AuthenticatedRequest extends RequestWithContext {
  principal?: Principal;
  actor?: string;
}
