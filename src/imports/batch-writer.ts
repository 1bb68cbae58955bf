import {
  type BatchAppend,
  type CommandIdBinding,
  CommandIdTakenError,
  type EventStore,
  WrongExpectedRevisionError,
} from '../event-store/event-store.port.js';
import { type MemberKeys } from '../personal-data/member-keys.port.js';

/** What one import batch writes: new members' keys, then events and commandIds in one transaction. */
export interface WriteBatch {
  readonly appends: readonly BatchAppend[];
  readonly bindings: readonly CommandIdBinding[];
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** The member keys or the log changed under the import (another writer): nothing of the batch was written. */
export class ImportConflict extends Error {}

/**
 * Writes an import's batches, in the order given, one at a time. `write` answers the batch's
 * recordedAt (undefined when it held nothing), or fails with `ImportConflict`. The import
 * decides the next batch while one is being written when the writer runs in another thread.
 */
export interface BatchWriter {
  write(batch: WriteBatch): Promise<string | undefined>;
}

/** Writes batches to a store that takes them whole (`appendBatch`, `createMany`), in this thread. */
export class StoreBatchWriter implements BatchWriter {
  constructor(
    private readonly store: EventStore,
    private readonly keys: MemberKeys,
  ) {}

  async write(batch: WriteBatch): Promise<string | undefined> {
    if (batch.appends.length === 0) return undefined;
    try {
      // The keys first, durably: an event never names a member whose key could be lost.
      if (batch.keys.size > 0 && (await this.keys.createMany!(batch.keys)).length > 0)
        throw new ImportConflict('a member key was written by another writer');
      const results = await this.store.appendBatch!(batch.appends, batch.bindings);
      return results.at(-1)?.recordedAt;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError || error instanceof CommandIdTakenError)
        throw new ImportConflict(error.message);
      throw error;
    }
  }
}

/** A batch to write, as it crosses to the writing thread. */
export interface WriteRequest {
  readonly kind: 'write';
  readonly id: number;
  readonly batch: WriteBatch;
}

/** How the writing thread answers a batch. */
export type WriteReply =
  | { readonly kind: 'written'; readonly id: number; readonly recordedAt: string | undefined }
  | { readonly kind: 'write-failed'; readonly id: number; readonly conflict: boolean; readonly message: string };

/** The end of a message channel a writer and its writing thread talk over (a worker's parentPort, a MessagePort). */
export interface BatchPort {
  postMessage(message: WriteRequest | WriteReply): void;
  on(event: 'message', listener: (message: WriteReply) => void): unknown;
  off(event: 'message', listener: (message: WriteReply) => void): unknown;
}

/**
 * Hands each batch to another thread, which writes it (`answerWrite`) while this one decides the
 * next: the import's decisions and SQLite's writes then use both cores.
 */
export class PortBatchWriter implements BatchWriter {
  private next = 0;
  private readonly waiting = new Map<number, { done: (at: string | undefined) => void; fail: (e: Error) => void }>();
  private readonly listener = (reply: WriteReply) => {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (reply.kind === 'written') waiter.done(reply.recordedAt);
    else waiter.fail(reply.conflict ? new ImportConflict(reply.message) : new Error(reply.message));
  };

  constructor(private readonly port: BatchPort) {
    port.on('message', this.listener);
  }

  write(batch: WriteBatch): Promise<string | undefined> {
    const id = this.next++;
    return new Promise((done, fail) => {
      this.waiting.set(id, { done, fail });
      this.port.postMessage({ kind: 'write', id, batch: { appends: batch.appends, bindings: batch.bindings, keys: batch.keys } });
    });
  }

  /** Stops listening (a port listened to keeps its thread alive). */
  close(): void {
    this.port.off('message', this.listener);
  }
}

/** Writes a batch another thread asked for, and answers it. */
export function answerWrite(request: WriteRequest, writer: BatchWriter, reply: (answer: WriteReply) => void): void {
  const { id, batch } = request;
  // Keys cross threads as plain byte arrays.
  const keys = new Map([...batch.keys].map(([memberId, k]) => [memberId, Buffer.from(k.buffer, k.byteOffset, k.byteLength)]));
  writer.write({ ...batch, keys }).then(
    (recordedAt) => reply({ kind: 'written', id, recordedAt }),
    (error: Error) => reply({ kind: 'write-failed', id, conflict: error instanceof ImportConflict, message: error.message }),
  );
}
