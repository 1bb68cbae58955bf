import { mayWrite, type Place, type Principal } from '../auth/principal.js';
import type { OpenedBy } from './transfer-request.events.js';

/** The two offices of a request: the member's park and the park the member moves to. */
export interface TransferSides {
  readonly origin: Place;
  readonly destination: Place;
}

const writesFor = (p: Principal, sides: TransferSides) => ({
  origin: mayWrite(p, sides.origin),
  destination: mayWrite(p, sides.destination),
});

/**
 * The side a caller opens a request for, or undefined when they write for neither. A caller
 * who writes for both (a city or provincial officer, a clerk moving a member inside their park)
 * speaks for the origin when naming the member number, for the destination when naming the
 * resident ID number (what a destination clerk knows).
 */
export function openerSide(p: Principal, sides: TransferSides, namedBy: 'memberId' | 'personId'): OpenedBy | undefined {
  const writes = writesFor(p, sides);
  if (writes.origin && writes.destination) return namedBy === 'personId' ? 'destination' : 'origin';
  if (writes.origin) return 'origin';
  if (writes.destination) return 'destination';
  return undefined;
}

/** Accepting or rejecting: the other side's clerk, or a city or provincial officer over either side. */
export function mayDecide(p: Principal, sides: TransferSides, openedBy: OpenedBy): boolean {
  const writes = writesFor(p, sides);
  if (p.role === 'park-clerk') return writes[openedBy === 'origin' ? 'destination' : 'origin'];
  return writes.origin || writes.destination;
}

/** Cancelling: the side that opened it (its clerk, or an officer over that side). */
export const mayCancel = (p: Principal, sides: TransferSides, openedBy: OpenedBy): boolean => writesFor(p, sides)[openedBy];

/** A side rule and why it refuses: accepting and rejecting are the deciding side's, cancelling the opener's. */
export interface SideRule {
  readonly allows: (p: Principal, sides: TransferSides, openedBy: OpenedBy) => boolean;
  readonly why: (openedBy: OpenedBy) => string;
}

export const DECIDING_SIDE = (verb: 'accepts' | 'rejects'): SideRule => ({
  allows: mayDecide,
  why: (openedBy) => `opened by the ${openedBy} side; the other side (or a city or provincial officer) ${verb} it`,
});

export const OPENING_SIDE: SideRule = {
  allows: mayCancel,
  why: (openedBy) => `only the ${openedBy} side, which opened it, may cancel it`,
};
