import { Inject, Injectable } from '@nestjs/common';
import { deterministicUuid } from '../../event-store/event-ids.js';
import { EVENT_STORE, type EventStore, revisionOf, WrongExpectedRevisionError } from '../../event-store/event-store.port.js';
import { memberStream } from '../../membership/member.events.js';
import { asHistory, memberEnterprises } from '../../membership/member.reader.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { shanghaiDate } from '../../shared/dates.js';
import { DomainError } from '../../shared/domain-error.js';
import type { Stored } from '../../shared/ledger-event.js';
import { type TransferRequestEvent, transferStream } from '../transfer-request.events.js';
import { foldTransferRequest } from '../transfer-request.state.js';
import { decideCompletion } from './complete-transfer.decide.js';

export type CompletionOutcome =
  | { readonly status: 'moved' }
  | { readonly status: 'not-accepted' }
  | { readonly status: 'rejected'; readonly error: DomainError };

const MAX_ATTEMPTS = 20;

/**
 * Records an accepted request's `MemberTransferred` on the member's stream exactly once. Safe to
 * run any number of times, from any process: the event id is derived from the request, every
 * append carries the revision it read, and a conflict means reading again and deciding again.
 */
@Injectable()
export class TransferCompletion {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async complete(transferId: string): Promise<CompletionOutcome> {
    const requestStream = transferStream(transferId);
    for (let attempt = 1; ; attempt++) {
      const events = (await this.store.readStream(requestStream)) as Array<Stored<TransferRequestEvent>>;
      const state = foldTransferRequest(events);
      if (state.status !== 'accepted') return { status: 'not-accepted' };
      const stream = memberStream(state.request.memberId);
      const memberEvents = await this.store.readStream(stream);
      const history = asHistory(state.request.memberId, memberEvents);
      const enterprises = await memberEnterprises(this.store, history, state.request.to.enterpriseId);
      const decision = decideCompletion(state, history, { today: shanghaiDate(this.clock.now()), enterprises });
      // The acceptance's actor and correlation: the move is theirs, carried out on their behalf.
      const metadata = { actor: state.accepted!.actor, correlationId: state.accepted!.correlationId };
      try {
        switch (decision.kind) {
          case 'nothing-to-do':
            return { status: 'not-accepted' };
          case 'done':
            return { status: 'moved' };
          case 'move':
            await this.store.appendToStream(
              stream,
              decision.events.map((e) => ({ id: deterministicUuid(requestStream, 'MemberTransferred'), ...e, metadata })),
              { expectedRevision: revisionOf(memberEvents) },
            );
            return { status: 'moved' };
          case 'refused':
            await this.store.appendToStream(
              requestStream,
              decision.events.map((e) => ({ id: deterministicUuid(requestStream, 'refused at completion'), ...e, metadata })),
              { expectedRevision: revisionOf(events) },
            );
            return { status: 'rejected', error: decision.error };
        }
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= MAX_ATTEMPTS)
          throw new DomainError('CONCURRENCY_CONFLICT', `member ${state.request.memberId} kept changing; the move is retried`);
      }
    }
  }
}
