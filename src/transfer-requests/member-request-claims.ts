import { Inject, Injectable } from '@nestjs/common';
import { deterministicUuid } from '../event-store/event-ids.js';
import {
  EVENT_STORE,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  revisionOf,
  WrongExpectedRevisionError,
} from '../event-store/event-store.port.js';
import type { LedgerEvent, Stored } from '../shared/ledger-event.js';
import { type TransferRequestEvent, transferStream } from './transfer-request.events.js';
import { foldTransferRequest } from './transfer-request.state.js';

/**
 * "One pending request per member" across processes: every request is first claimed on the
 * member's request stream with the revision read, so two requests for one member are serialised.
 * The claim carries the `TransferRequested` event itself; if the process dies before appending
 * it to the request's own stream, the next reader finishes the job (same event id), so a claim
 * never hides a request that is not there.
 */
export type TransferRequestClaimed = LedgerEvent<'TransferRequestClaimed', { transferId: string; event: NewEvent }>;

/** Not `member-…` (the member's own facts) nor `transfer-…` (one request): the member's requests. */
export const memberRequestsStream = (memberId: string): string => `transfers-of-${memberId}`;

export interface MemberRequests {
  readonly memberId: string;
  readonly revision: ExpectedRevision;
  /** Requests of this member still pending. */
  readonly pending: readonly string[];
  readonly claimed: ReadonlySet<string>;
}

@Injectable()
export class MemberRequestClaims {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(memberId: string): Promise<MemberRequests> {
    const claims = (await this.store.readStream(memberRequestsStream(memberId))) as Array<Stored<TransferRequestClaimed>>;
    const pending: string[] = [];
    for (const claim of claims) {
      const state = foldTransferRequest(await this.finish(claim.data));
      if (state.status === 'pending' && state.request.memberId === memberId) pending.push(claim.data.transferId);
    }
    return { memberId, revision: revisionOf(claims), pending, claimed: new Set(claims.map((c) => c.data.event.id)) };
  }

  /**
   * Records the claim; a conflict means another request for this member came first. True when
   * this call wrote it (so the claimed event, wherever it is appended from, is this command's).
   */
  async claim(requests: MemberRequests, transferId: string, event: NewEvent): Promise<boolean> {
    if (requests.claimed.has(event.id)) return false;
    const stream = memberRequestsStream(requests.memberId);
    const claim: TransferRequestClaimed = { type: 'TransferRequestClaimed', data: { transferId, event } };
    const result = await this.store.appendToStream(
      stream,
      [{ id: deterministicUuid(stream, event.id), ...claim, metadata: event.metadata }],
      { expectedRevision: requests.revision },
    );
    return result.alreadyStored !== true;
  }

  /** The request's stream, with the claimed event appended first if it never got there. */
  private async finish(claim: TransferRequestClaimed['data']): Promise<Array<Stored<TransferRequestEvent>>> {
    const stream = transferStream(claim.transferId);
    let events: RecordedEvent[] = await this.store.readStream(stream);
    if (events.length === 0) {
      try {
        await this.store.appendToStream(stream, [claim.event], { expectedRevision: 'no_stream' });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
      events = await this.store.readStream(stream);
    }
    return events as Array<Stored<TransferRequestEvent>>;
  }
}
