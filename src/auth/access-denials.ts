import { Inject, Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { READ_MODEL_DB } from '../read-models/read-model-store.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { validationFailed } from '../shared/domain-error.js';
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

export interface AccessDenialPage {
  /** Newest first. */
  readonly denials: readonly AccessDenial[];
  /** Where the next page starts; null on the last. */
  readonly nextCursor: string | null;
}

/**
 * The page of refusals recorded before the row id given, newest first. The id is the table's
 * INTEGER PRIMARY KEY (the rowid), so each page is a range search from the cursor, never a scan
 * of the log; refusals recorded meanwhile get higher ids and cannot shift a later page.
 */
export const PAGE_AFTER_SQL = `SELECT id, at, actor, role, method, path, target, reason, correlation_id AS correlationId
  FROM access_denials WHERE id < ? ORDER BY id DESC LIMIT ?`;

/** A page's cursor: the row id of its last entry and that entry's `at` in ms, which a foreign cursor will not match. */
const CURSOR = /^([1-9]\d{0,15})\.(\d{1,16})$/;

type Row = AccessDenial & { readonly id: number };

/** Every refused attempt (who, what, when), for provincial admins to review. */
@Injectable()
export class AccessDenials {
  private readonly insert: Database.Statement;
  private readonly pageAfter: Database.Statement<[number, number], Row>;
  private readonly atOf: Database.Statement<[number], { at: string }>;

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
    this.pageAfter = db.prepare(PAGE_AFTER_SQL);
    this.atOf = db.prepare('SELECT at FROM access_denials WHERE id = ?');
  }

  record(d: Omit<AccessDenial, 'at'>): void {
    this.insert.run({ ...d, at: this.clock.now().toISOString() });
  }

  /** Up to `limit` refusals, newest first, after the entry `cursor` (a `nextCursor` given earlier) names. */
  page(limit: number, cursor?: string): AccessDenialPage {
    const rows = this.pageAfter.all(cursor === undefined ? Number.MAX_SAFE_INTEGER : this.idOf(cursor), limit + 1);
    const denials = rows.slice(0, limit).map(({ id: _id, ...denial }) => denial);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { denials, nextCursor: last ? `${last.id}.${Date.parse(last.at)}` : null };
  }

  /** The row a cursor continues after: it must name a listed entry as it was listed (not another list's cursor). */
  private idOf(cursor: string): number {
    const parts = CURSOR.exec(cursor);
    const id = parts ? Number(parts[1]) : undefined;
    const at = id === undefined ? undefined : this.atOf.get(id)?.at;
    if (at === undefined || Date.parse(at) !== Number(parts![2]))
      throw validationFailed('cursor', 'cursor must be the nextCursor of an earlier page of GET /access-denials');
    return id!;
  }
}

/** What a refusal needs to know about the request it refuses. */
export interface RequestFacts {
  readonly principal?: Principal;
  readonly method: string;
  readonly path: string;
  readonly correlationId?: string;
}
