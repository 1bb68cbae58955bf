import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../auth/principal.js';
import { deterministicUuid } from '../event-store/event-ids.js';
import {
  type AppendResult,
  EVENT_STORE,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  revisionOf,
  WrongExpectedRevisionError,
} from '../event-store/event-store.port.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { shanghaiDate } from '../shared/dates.js';
import { DomainError } from '../shared/domain-error.js';
import { commandFingerprint } from '../shared/fingerprint.js';
import { KeyedMutex } from '../shared/keyed-mutex.js';
import { type DecisionContext, type LedgerEvent } from '../shared/ledger-event.js';

/** What a client expects of a command's stream: the revision it last read, or only that the stream exists. */
export type ClientRevision = number | 'stream_exists';

/** Who sent a command and how: the part of a command that is not its body. */
export interface CommandMeta extends Caller {
  readonly commandId?: string;
  /** What the client expects of the stream; anything else is refused (412). */
  readonly expectedRevision?: ClientRevision;
}

/** The contract's answer to a command; `replayed` when the same commandId was answered before. */
export interface CommandAnswer {
  readonly eventId: string;
  readonly streamRevision: number;
  readonly position: string;
  readonly recordedAt: string;
  readonly replayed: boolean;
}

export interface Decision {
  readonly events: readonly LedgerEvent[];
  /**
   * Runs after the events got their ids, before they are appended (person claims). Resolves true
   * when it claimed these very events for this command: a claim carries its events, and any
   * reader of the claim may append them first, so finding them stored is then this command's
   * own success, not a twin's.
   */
  readonly beforeAppend?: (events: readonly NewEvent[], expectedRevision: ExpectedRevision) => Promise<boolean | void>;
  /**
   * Appends the events itself, with what must be written alongside them (a person claim, in one
   * transaction where the store can). `claimedHere` means what `beforeAppend`'s true means.
   */
  readonly append?: (
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ) => Promise<{ readonly result: AppendResult; readonly claimedHere: boolean }>;
  /**
   * Nothing to append: the command asks for what already happened (a second acceptance of a
   * transfer request), so it is answered as a repeat with these earlier events.
   */
  readonly unchanged?: readonly RecordedEvent[];
}

export interface CommandSpec {
  /** Command name, part of the fingerprint (`join`, `transfer`, …). */
  readonly name: string;
  readonly stream: string;
  /** The body as fingerprinted: what makes two commands "the same". Never a clear personId. */
  readonly body: unknown;
  readonly meta: CommandMeta;
  readonly locks: readonly string[];
  readonly decide: (events: RecordedEvent[], ctx: DecisionContext) => Promise<Decision> | Decision;
}

const MAX_ATTEMPTS = 10;

/**
 * Runs a command the same way for every slice: lock, read the stream, answer a repeated command
 * with its original answer, check the client's revision, decide, claim the commandId, append
 * with the revision read, and on a conflict read and decide again.
 */
@Injectable()
export class CommandExecutor {
  private readonly mutex = new KeyedMutex();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(spec: CommandSpec): Promise<CommandAnswer> {
    const { meta, stream } = spec;
    const fingerprint = commandFingerprint(spec.name, spec.body);
    const release = await this.mutex.acquire(spec.locks);
    let claimed = false;
    try {
      for (let attempt = 1; ; attempt++) {
        const events = await this.store.readStream(stream);
        const earlier = meta.commandId === undefined ? [] : events.filter((e) => e.metadata.commandId === meta.commandId);
        if (earlier.length > 0) {
          if (earlier[0].metadata.commandFingerprint !== fingerprint) throw commandIdReused(meta.commandId!);
          await this.assertMaySend(spec, events);
          return answerOf(earlier, true);
        }
        const revision = revisionOf(events);
        if (meta.expectedRevision !== undefined && !meetsExpectation(meta.expectedRevision, revision)) {
          // The stream's revision is told only to a caller who may send this command to it.
          await this.assertMaySend(spec, events);
          throw revisionMismatch(stream, meta.expectedRevision, revision);
        }
        const decision = await spec.decide(events, { today: shanghaiDate(this.clock.now()) });
        if (decision.unchanged !== undefined) return answerOf(decision.unchanged, true);
        const newEvents = decision.events.map((e, i): NewEvent => ({
          id: deterministicUuid(stream, String(revision), meta.commandId ?? fingerprint, String(i)),
          type: e.type,
          data: e.data,
          metadata: {
            ...(meta.commandId !== undefined ? { commandId: meta.commandId } : {}),
            commandFingerprint: fingerprint,
            actor: meta.actor,
            correlationId: meta.correlationId,
          },
        }));
        // Bound only once the rules accept the command: a refused command leaves its id free.
        if (meta.commandId !== undefined && !claimed) {
          await this.claimCommandId(meta.commandId, stream, fingerprint);
          claimed = true;
        }
        try {
          const { result, claimedHere } = decision.append
            ? await decision.append(newEvents, revision)
            : {
                claimedHere: (await decision.beforeAppend?.(newEvents, revision)) === true,
                result: await this.store.appendToStream(stream, newEvents, { expectedRevision: revision }),
              };
          // Identical events already there, with neither a commandId nor a claim of ours to say they
          // are ours: a twin command (same body, same revision) got there first. That is a conflict.
          if (result.alreadyStored && meta.commandId === undefined && !claimedHere)
            throw new WrongExpectedRevisionError(stream, revision, result.streamRevision);
          const { streamRevision, position, recordedAt } = result;
          return { eventId: result.eventIds[0], streamRevision, position, recordedAt, replayed: false };
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          // The client's revision speaks for its own stream; a conflict elsewhere (a person claim) is retried,
          // and so is one where the client asked only that the stream exist: streams never shrink.
          if (typeof meta.expectedRevision === 'number' && error.stream === stream)
            throw revisionMismatch(stream, meta.expectedRevision, error.actual);
          if (attempt >= MAX_ATTEMPTS) throw new DomainError('CONCURRENCY_CONFLICT', `stream ${stream} kept changing; try again`);
        }
      }
    } finally {
      release();
    }
  }

  /**
   * A repeated command, or a stale revision, is answered only to a caller who may send the
   * command now: the decision (which holds the scope check) runs, nothing is appended, and only
   * a refusal of access counts; the rules may well refuse a repeat (the member has moved on),
   * which is what replay is for, and a stale revision is told as such.
   */
  private async assertMaySend(spec: CommandSpec, events: RecordedEvent[]): Promise<void> {
    try {
      await spec.decide(events, { today: shanghaiDate(this.clock.now()) });
    } catch (error) {
      if (!(error instanceof DomainError) || error.code === 'FORBIDDEN') throw error;
    }
  }

  private async claimCommandId(commandId: string, stream: string, fingerprint: string): Promise<void> {
    const claim = await this.store.claimCommandId(commandId, stream, fingerprint);
    if (claim.status === 'existing' && (claim.stream !== stream || claim.fingerprint !== fingerprint))
      throw commandIdReused(commandId);
  }
}

function answerOf(events: readonly RecordedEvent[], replayed: boolean): CommandAnswer {
  const last = events[events.length - 1];
  return {
    eventId: events[0].id,
    streamRevision: last.revision,
    position: last.position,
    recordedAt: last.metadata.recordedAt,
    replayed,
  };
}

export const commandIdReused = (commandId: string) =>
  new DomainError('COMMAND_ID_REUSED', 'this commandId was already used for a different command', { commandId });

const meetsExpectation = (expected: ClientRevision, actual: ExpectedRevision): boolean =>
  expected === 'stream_exists' ? actual !== 'no_stream' : expected === actual;

export function revisionMismatch(stream: string, expected: ClientRevision, actual: ExpectedRevision): DomainError {
  const message =
    expected === 'stream_exists'
      ? `stream ${stream} does not exist, and the command expects it to`
      : actual === 'no_stream'
        ? `stream ${stream} does not exist yet, so it is not at revision ${expected}`
        : `stream ${stream} is at revision ${actual}, not ${expected}`;
  return new DomainError('REVISION_MISMATCH', message, {
    expectedRevision: expected,
    currentRevision: actual === 'no_stream' ? null : actual,
  });
}
