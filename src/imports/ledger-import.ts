import { commandIdReused } from '../command-handling/command-executor.js';
import { deterministicUuid } from '../event-store/event-ids.js';
import {
  type BatchAppend,
  type CommandIdBinding,
  CommandIdTakenError,
  type EventStore,
  type NewEvent,
  type NewEventMetadata,
  type RecordedEvent,
  WrongExpectedRevisionError,
} from '../event-store/event-store.port.js';
import { memberStream } from '../membership/member.events.js';
import { personClaimAppend, type PersonClaims } from '../membership/person-claims.js';
import { memberErased, nameDigest, sealName } from '../personal-data/encrypted-member-names.js';
import { DATA_KEY_BYTES, MemberKeyErasedError, type MemberKeys } from '../personal-data/member-keys.port.js';
import { randomBytesPooled } from '../personal-data/random-pool.js';
import { type PersonIdentity } from '../personal-data/person-identity.js';
import { type Clock } from '../shared/clock.js';
import { shanghaiDate } from '../shared/dates.js';
import { DomainError } from '../shared/domain-error.js';
import { canonicalJson, commandFingerprint } from '../shared/fingerprint.js';
import { type DecisionContext } from '../shared/ledger-event.js';
import { type BatchWriter, ImportConflict, StoreBatchWriter } from './batch-writer.js';
import { type ImportCommand } from './import-commands.js';
import { commandTarget, type Decided, type ImportCaller, ImportDecisions, type JoinPersonalData } from './import-decisions.js';
import { ImportLedgerState, packedFactOf } from './import-ledger-state.js';
import { type ImportRecord, ImportRefused, lineProblemOf } from './import-records.js';
import { validateLine, type ValidLine } from './import-validation.js';

/** One line the import did not record, and why: the API's code and details for the same refusal. */
export interface LineError {
  readonly line: number;
  readonly code: string;
  readonly message: string;
  readonly details?: Record<string, unknown> | readonly unknown[];
}

/** The contract's answer; `errorsOmitted` counts errors beyond the first `maxErrors` listed. */
export interface ImportAnswer {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly errors: LineError[];
  readonly errorsOmitted: number;
  /** The log's head after the import (null while the log is empty). */
  readonly position: string | null;
  /** When the import's last batch was recorded (null when it recorded nothing). */
  readonly recordedAt: string | null;
}

export interface ImportProgress {
  readonly lines: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
}

export interface ImportOptions {
  readonly caller: ImportCaller;
  /** Lines decided before one write (one transaction, one fsync). */
  readonly batchLines?: number;
  /** Errors listed in the answer; the rest are counted (and all go to `onError`). */
  readonly maxErrors?: number;
  readonly onError?: (error: LineError) => void;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportDependencies {
  readonly store: EventStore;
  readonly keys: MemberKeys;
  readonly identity: PersonIdentity;
  readonly claims: PersonClaims;
  readonly clock: Clock;
  /** Where batches are written (default: the store and keys above, in this thread). */
  readonly writer?: BatchWriter;
}

/** The prefix of commandIds the import derives from a line's content. */
export const DERIVED_COMMAND_ID_PREFIX = 'import-';

type ChunkEntry =
  | { readonly line: number; readonly valid: ValidLine; readonly commandId: string }
  | { readonly line: number; readonly error: LineError };

type KnownClaims = ReadonlyMap<string, { stream: string; fingerprint: string }> | undefined;

type Outcome = { readonly kind: 'accepted' | 'duplicate' } | { readonly kind: 'rejected'; readonly error: LineError };

/** How a batch's write ended. */
type Written = { readonly recordedAt: string | undefined } | { readonly error: unknown };

/** Lines decided but not yet written, with everything their write needs. */
class Batch {
  /** The chunk's entries in line order: what a retry decides again. */
  readonly entries: ChunkEntry[] = [];
  readonly outcomes: Outcome[] = [];
  readonly appends: BatchAppend[] = [];
  readonly bindings: CommandIdBinding[] = [];
  readonly claims = new Map<string, { stream: string; fingerprint: string }>();
  readonly keys = new Map<string, Buffer>();
}

const MAX_RETRIES = 5;

/**
 * Bulk import (contract section 9). Lines are decided in order against state kept in memory
 * (`ImportLedgerState`) by the same pure deciders and checks as the API, then written in
 * batches: each batch is one transaction holding the events, their commandIds and person claims,
 * after one write of the new members' keys. Every line has a commandId (the client's, or one
 * derived from the line's content), so a line already recorded is a duplicate: running a file
 * again, or again after a crash at any point, records each line exactly once. A conflict with
 * another writer rolls the batch back; its lines are then decided again one by one against
 * state read afresh from the store.
 */
export class LedgerImport {
  private readonly batchAppend: boolean;
  private readonly writer: BatchWriter;

  constructor(private readonly deps: ImportDependencies) {
    this.batchAppend = deps.store.appendBatch !== undefined && deps.keys.createMany !== undefined;
    this.writer = deps.writer ?? new StoreBatchWriter(deps.store, deps.keys);
  }

  async run(records: AsyncIterable<ImportRecord>, options: ImportOptions): Promise<ImportAnswer> {
    const { store } = this.deps;
    const head = await store.headPosition();
    const state = new ImportLedgerState(store, this.deps.claims, head === undefined, head);
    const decisions = new ImportDecisions(state, options.caller);
    const batchLines = this.batchAppend ? (options.batchLines ?? 2000) : 1;
    const maxErrors = options.maxErrors ?? 1000;
    const totals = { lines: 0, accepted: 0, duplicates: 0, rejected: 0 };
    const errors: LineError[] = [];
    let errorsOmitted = 0;
    let recordedAt: string | null = null;
    const reject = (error: LineError) => {
      totals.rejected++;
      if (errors.length < maxErrors) errors.push(error);
      else errorsOmitted++;
      options.onError?.(error);
    };
    const commit = (batch: Batch) => {
      for (const outcome of batch.outcomes)
        if (outcome.kind === 'rejected') reject(outcome.error);
        else if (outcome.kind === 'accepted') totals.accepted++;
        else totals.duplicates++;
    };
    const flush = async (batch: Batch, ctx: DecisionContext, attempt = 0): Promise<void> => {
      let outcome: Written;
      try {
        outcome = { recordedAt: await this.write(batch) };
      } catch (error) {
        outcome = { error };
      }
      await settled(batch, ctx, outcome, attempt);
    };
    /** Counts a written batch; after a conflict with another writer, decides its lines again one by one. */
    const settled = async (batch: Batch, ctx: DecisionContext, outcome: Written, attempt = 0): Promise<boolean> => {
      if (!('error' in outcome)) {
        if (outcome.recordedAt) recordedAt = outcome.recordedAt;
        commit(batch);
        return true;
      }
      const { error } = outcome;
      if (!(
        error instanceof WrongExpectedRevisionError ||
        error instanceof CommandIdTakenError ||
        error instanceof ImportConflict
      ))
        throw error;
      state.reset();
      for (const entry of batch.entries) {
        if ('error' in entry) reject(entry.error);
        else if (attempt >= MAX_RETRIES) {
          const message = 'the records this line touches kept changing under the import; import the file again';
          reject({ line: entry.line, code: 'CONCURRENCY_CONFLICT', message });
        } else {
          const single = new Batch();
          single.entries.push(entry);
          const known = await this.knownClaims([entry]);
          await this.decideLine(entry, known, single, undefined, state, decisions, options.caller, ctx);
          await flush(single, ctx, attempt + 1);
        }
      }
      return false;
    };

    // Lines are read a chunk at a time: their commandIds are looked up together, then each line
    // is decided in order into a batch. A batch is written while the next chunk is decided (when
    // the writer runs in another thread): the lines of the batch in flight count as recorded for
    // the next one (its commandIds, its members' keys). If the batch in flight met another
    // writer, its lines are decided again one by one, and so is the next chunk, on state read
    // afresh.
    let chunk: ChunkEntry[] = [];
    let inFlight: { batch: Batch; ctx: DecisionContext; written: Promise<Written> } | undefined;
    const land = async (): Promise<boolean> => {
      if (!inFlight) return true;
      const { batch, ctx, written } = inFlight;
      inFlight = undefined;
      const landed = await settled(batch, ctx, await written);
      options.onProgress?.({ ...totals });
      return landed;
    };
    const processChunk = async () => {
      for (;;) {
        const ctx: DecisionContext = { today: shanghaiDate(this.deps.clock.now()) };
        const batch = new Batch();
        const known = await this.knownClaims(chunk);
        for (const entry of chunk) {
          batch.entries.push(entry);
          if ('error' in entry) batch.outcomes.push({ kind: 'rejected', error: entry.error });
          else await this.decideLine(entry, known, batch, inFlight?.batch, state, decisions, options.caller, ctx);
        }
        if (!(await land())) continue;
        // Caught now, looked at when the batch lands (a rejection left waiting would be reported as unhandled).
        const written = this.write(batch).then(
          (at): Written => ({ recordedAt: at }),
          (error: unknown): Written => ({ error }),
        );
        inFlight = { batch, ctx, written };
        // A store written line by line (EventStoreDB) is not written ahead of the decisions.
        if (!this.batchAppend) await land();
        break;
      }
      chunk = [];
    };
    for await (const record of records) {
      totals.lines++;
      if ('error' in record) chunk.push({ line: record.line, error: { line: record.line, ...record.error } });
      else {
        const valid = validateLine(record.fields, record.hints);
        if ('code' in valid) chunk.push({ line: record.line, error: { line: record.line, ...valid } });
        else chunk.push({ line: record.line, valid, commandId: valid.commandId ?? derivedCommandId(this.deps.identity, valid) });
      }
      if (chunk.length >= batchLines) await processChunk();
    }
    await processChunk();
    await land();
    if (totals.lines === 0) throw new ImportRefused('EMPTY_IMPORT', 'the file holds no commands');
    const position = (await store.headPosition()) ?? null;
    const { accepted, duplicates, rejected } = totals;
    return { accepted, duplicates, rejected, errors, errorsOmitted, position, recordedAt };
  }

  /** Decides one valid line into the batch: a duplicate, a refusal, or events to write. */
  private async decideLine(
    { line, valid, commandId }: Extract<ChunkEntry, { valid: ValidLine }>,
    known: KnownClaims,
    batch: Batch,
    inFlight: Batch | undefined,
    state: ImportLedgerState,
    decisions: ImportDecisions,
    caller: ImportCaller,
    ctx: DecisionContext,
  ): Promise<void> {
    try {
      const { command } = valid;
      const earlier =
        batch.claims.get(commandId) ??
        inFlight?.claims.get(commandId) ??
        (known ? known.get(commandId) : await this.claimInStream(commandId, targetStream(command)));
      // A derived id is the line's content: the same id is the same line, nothing more to compare.
      if (earlier && valid.commandId === undefined) return void batch.outcomes.push({ kind: 'duplicate' });
      const join = command.command === 'join' ? await this.personalData(command, batch, inFlight, state) : undefined;
      const { stream, body } = commandTarget(command, join?.data);
      const fingerprint = commandFingerprint(command.command, body);
      if (earlier) {
        if (earlier.stream !== stream || earlier.fingerprint !== fingerprint) throw commandIdReused(commandId);
        return void batch.outcomes.push({ kind: 'duplicate' });
      }
      const decided = await decisions.decide(command, ctx, valid.expectedRevision, join?.data);
      const metadata: NewEventMetadata = {
        commandId,
        commandFingerprint: fingerprint,
        actor: caller.actor,
        correlationId: caller.correlationId,
      };
      await this.append(batch, state, decided, metadata, command);
      batch.bindings.push({ commandId, stream, fingerprint });
      batch.claims.set(commandId, { stream, fingerprint });
      if (join?.newKey && command.command === 'join') batch.keys.set(command.memberId, join.newKey);
      batch.outcomes.push({ kind: 'accepted' });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const refusal = await this.withEventIds(error, batch, inFlight);
      batch.outcomes.push({ kind: 'rejected', error: { line, ...lineProblemOf(refusal) } });
    }
  }

  /**
   * The refusal as the API gives it: a fact it names by the stand-in id of a packed member fact
   * (TIMELINE_CONFLICT's `conflictingEventId`) named by its event's id, found in the batch being
   * decided, the batch in flight, or the store.
   */
  private async withEventIds(error: DomainError, batch: Batch, inFlight: Batch | undefined): Promise<DomainError> {
    const details = error.details as Record<string, unknown> | undefined;
    const named = details?.conflictingEventId;
    const fact = typeof named === 'string' ? packedFactOf(named) : undefined;
    if (!fact) return error;
    const eventId =
      eventIdIn(batch, fact) ??
      (inFlight && eventIdIn(inFlight, fact)) ??
      (await this.deps.store.readStream(fact.stream)).find((e) => e.revision === fact.revision)?.id;
    return new DomainError(error.code, error.message, { ...details, conflictingEventId: eventId });
  }

  /** The chunk's commandIds already claimed, in one look-up (undefined when the store cannot look them up). */
  private async knownClaims(chunk: readonly ChunkEntry[]): Promise<KnownClaims> {
    const { store } = this.deps;
    if (!store.findCommandClaims) return undefined;
    return store.findCommandClaims(chunk.flatMap((e) => ('commandId' in e ? [e.commandId] : [])));
  }

  /** Without claim look-ups (EventStoreDB): the command's earlier events on its stream, as the API finds them. */
  private async claimInStream(commandId: string, stream: string): Promise<{ stream: string; fingerprint: string } | undefined> {
    const event = (await this.deps.store.readStream(stream)).find((e) => e.metadata.commandId === commandId);
    return event && { stream, fingerprint: event.metadata.commandFingerprint ?? '' };
  }

  /** The person's hash and the name sealed under the member's key: found, or new and written with the batch. */
  private async personalData(
    command: Extract<ImportCommand, { command: 'join' }>,
    batch: Batch,
    inFlight: Batch | undefined,
    state: ImportLedgerState,
  ): Promise<{ data: JoinPersonalData; newKey?: Buffer }> {
    const { keys, identity } = this.deps;
    const { memberId, name } = command;
    let key = batch.keys.get(memberId) ?? inFlight?.keys.get(memberId);
    let newKey: Buffer | undefined;
    try {
      if (!key && !this.batchAppend) key = await keys.getOrCreate(memberId);
      if (!key && (state.mayBeStored || (await state.member(memberId)).facts.length > 0)) {
        const stored = await keys.get(memberId);
        if (stored === 'erased') throw new MemberKeyErasedError(memberId);
        key = stored;
      }
    } catch (error) {
      if (error instanceof MemberKeyErasedError) throw memberErased(memberId);
      throw error;
    }
    if (!key) key = newKey = randomBytesPooled(DATA_KEY_BYTES);
    return {
      data: {
        person: identity.ref(command.personId),
        sealedName: sealName(key, memberId, name),
        nameDigest: nameDigest(key, name),
      },
      newKey,
    };
  }

  /** Gives the decided events their ids and metadata, adds them to the batch and to the state. */
  private async append(
    batch: Batch,
    state: ImportLedgerState,
    decided: Decided,
    metadata: NewEventMetadata,
    command: ImportCommand,
  ): Promise<void> {
    const { stream, revision } = decided;
    const events = decided.events.map((e, i): NewEvent => ({
      id: deterministicUuid(stream, String(revision), metadata.commandId!, String(i)),
      type: e.type,
      data: e.data,
      metadata,
    }));
    if (decided.personClaim) {
      const { personHash } = decided.personClaim;
      // Written in the same transaction as the member event: the claim need not carry a copy of it.
      batch.appends.push(
        personClaimAppend(personHash, memberIdOf(command), events[0], revision, decided.personClaim.revision, false),
      );
      await state.recordPersonClaim(personHash, memberIdOf(command));
    }
    batch.appends.push({ stream, events, expectedRevision: revision });
    const first = revision === 'no_stream' ? 0 : revision + 1;
    // Written out, not spread: the import makes these for every line, and one shape reads fast.
    const recorded = { ...metadata, recordedAt: '' };
    const stored = events.map((e, i): RecordedEvent => ({
      id: e.id,
      type: e.type,
      data: e.data,
      metadata: recorded,
      streamName: stream,
      revision: first + i,
      position: '',
    }));
    switch (command.command) {
      case 'registerPark':
      case 'establishParkUnion':
        return state.recordPark(command.parkId, stored);
      case 'join':
      case 'transfer':
      case 'changeCategory':
      case 'leave':
        return state.recordMember(decided.history!, stored);
      default:
        return state.recordEnterprise(command.enterpriseId, stored);
    }
  }

  /** Writes a batch: the new keys first (durably), then events and commandIds in one transaction. Answers its recordedAt. */
  private async write(batch: Batch): Promise<string | undefined> {
    const { store } = this.deps;
    if (batch.appends.length === 0) return undefined;
    if (this.batchAppend) return this.writer.write(batch);
    // One line a batch: the API's own order (claim the id, then append, the person claim first).
    const [binding] = batch.bindings;
    const claim = await store.claimCommandId(binding.commandId, binding.stream, binding.fingerprint);
    if (claim.status === 'existing' && (claim.stream !== binding.stream || claim.fingerprint !== binding.fingerprint))
      throw new CommandIdTakenError(binding.commandId);
    let recordedAt: string | undefined;
    for (const a of batch.appends)
      recordedAt = (await store.appendToStream(a.stream, a.events, { expectedRevision: a.expectedRevision })).recordedAt;
    return recordedAt;
  }
}

/** The id of the event a batch appends at this revision of this stream, if it appends it. */
function eventIdIn(batch: Batch, { stream, revision }: { stream: string; revision: number }): string | undefined {
  for (const a of batch.appends) {
    if (a.stream !== stream) continue;
    const first = a.expectedRevision === 'no_stream' ? 0 : a.expectedRevision + 1;
    const event = a.events[revision - first];
    if (event) return event.id;
  }
  return undefined;
}

const memberIdOf = (command: ImportCommand): string => ('memberId' in command ? command.memberId : '');

const targetStream = (command: ImportCommand): string =>
  command.command === 'join' ? memberStream(command.memberId) : commandTarget(command).stream;

/**
 * The commandId of a line that has none: a keyed digest of its fields (the same in NDJSON and
 * CSV), keyed so that a resident ID in the line cannot be recovered by guessing.
 */
export function derivedCommandId(identity: PersonIdentity, line: ValidLine): string {
  const content = canonicalJson({ ...line.command, expectedRevision: line.expectedRevision });
  return `${DERIVED_COMMAND_ID_PREFIX}${identity.digest(content).slice(0, 48)}`;
}
