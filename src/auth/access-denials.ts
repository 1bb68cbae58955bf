import { Inject, Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { READ_MODEL_DB } from '../read-models/read-model-store.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import type { Principal } from './principal.js';

export interface AccessDenial {
  readonly at: string;
  readonly actor: string | null;
  readonly role: string | null;
  readonly method: string;
  readonly path: string;
  /** The record asked for, when the refusal was about a record (`member m-1`, `park p-2`). */
  readonly target: string | null;
  readonly reason: string;
  readonly correlationId: string | null;
}

/** Every refused attempt (who, what, when), for provincial admins to review. */
@Injectable()
export class AccessDenials {
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement<[number], AccessDenial>;

  constructor(
    @Inject(READ_MODEL_DB) db: Database.Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS access_denials (
      id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT, role TEXT, method TEXT NOT NULL, path TEXT NOT NULL,
      target TEXT, reason TEXT NOT NULL, correlation_id TEXT)`);
    this.insert = db.prepare(
      `INSERT INTO access_denials (at, actor, role, method, path, target, reason, correlation_id)
       VALUES (@at, @actor, @role, @method, @path, @target, @reason, @correlationId)`,
    );
    this.select = db.prepare(
      `SELECT at, actor, role, method, path, target, reason, correlation_id AS correlationId
       FROM access_denials ORDER BY id DESC LIMIT ?`,
    );
  }

  record(d: Omit<AccessDenial, 'at'>): void {
    this.insert.run({ ...d, at: this.clock.now().toISOString() });
  }

  latest(limit: number): AccessDenial[] {
    return this.select.all(limit);
  }
}

/** What a refusal needs to know about the request it refuses. */
export interface RequestFacts {
  readonly principal?: Principal;
  readonly method: string;
  readonly path: string;
  readonly correlationId?: string;
}
