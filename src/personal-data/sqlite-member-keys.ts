import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '../shared/clock.js';
import { GroupCommit } from '../shared/group-commit.js';
import { openSqliteFile, savepointsIn, WalSync } from '../shared/sqlite-file.js';
import { DATA_KEY_BYTES, MemberKeyErasedError, type MemberKeys } from './member-keys.port.js';

interface KeyRow {
  readonly data_key: Buffer | null;
  readonly erased_at: string | null;
}

/**
 * Member data keys beside the embedded store, in their own SQLite file
 * (`<LEDGER_DATA_DIR>/member-keys.sqlite`; EventStoreDB keeps them in key streams instead). Commits are durable
 * before anyone hears of them or reads them (each synced as synchronous=FULL would, off the event
 * loop: WalSync): a name must never reach the log under a key that a crash could lose. Erasing overwrites the key in place: `secure_delete` zeroes the
 * freed cell, and a TRUNCATE checkpoint moves the page into the main file and empties the WAL, so
 * the key's bytes are left in neither file.
 */
export class SqliteMemberKeys implements MemberKeys {
  private readonly db: Database.Database;
  private readonly selectKey: Database.Statement<[string], KeyRow>;
  private readonly insertKey: Database.Statement<[string, Buffer]>;
  private readonly eraseKey: Database.Statement<[string, string]>;
  private readonly createManyTx: (keys: ReadonlyMap<string, Buffer>) => string[];
  private readonly group: GroupCommit;
  private readonly wal: WalSync;

  constructor(
    file: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = openSqliteFile(file, 'FULL');
    this.wal = new WalSync(this.db, file);
    this.db.pragma('secure_delete = ON');
    this.db.exec(`CREATE TABLE IF NOT EXISTS member_keys (
      member_id TEXT PRIMARY KEY,
      data_key  BLOB,
      erased_at TEXT
    ) WITHOUT ROWID`);
    this.selectKey = this.db.prepare('SELECT data_key, erased_at FROM member_keys WHERE member_id = ?');
    this.insertKey = this.db.prepare(
      'INSERT INTO member_keys (member_id, data_key, erased_at) VALUES (?, ?, NULL) ON CONFLICT (member_id) DO NOTHING',
    );
    this.eraseKey = this.db.prepare(
      `INSERT INTO member_keys (member_id, data_key, erased_at) VALUES (?, NULL, ?)
       ON CONFLICT (member_id) DO UPDATE SET data_key = NULL, erased_at = COALESCE(member_keys.erased_at, excluded.erased_at)`,
    );
    this.group = new GroupCommit(savepointsIn(this.db, this.wal), undefined, () => this.wal.sync());
    this.createManyTx = this.db.transaction((keys: ReadonlyMap<string, Buffer>) => {
      const existing: string[] = [];
      for (const [memberId, key] of keys) if (this.insertKey.run(memberId, key).changes === 0) existing.push(memberId);
      return existing;
    }).immediate as typeof this.createManyTx;
  }

  async getOrCreate(memberId: string): Promise<Buffer> {
    await this.wal.settled();
    let row = this.selectKey.get(memberId);
    if (!row) {
      // New keys of the same event-loop turn commit together (one fsync). better-sqlite3 is
      // synchronous: nothing runs between the insert and the read back.
      row = await this.group.run(() => {
        this.insertKey.run(memberId, randomBytes(DATA_KEY_BYTES));
        return this.selectKey.get(memberId)!;
      });
    }
    if (row.erased_at !== null || row.data_key === null) throw new MemberKeyErasedError(memberId);
    return row.data_key;
  }

  async createMany(keys: ReadonlyMap<string, Buffer>): Promise<string[]> {
    this.wal.check();
    const existing = this.createManyTx(keys);
    await this.wal.sync();
    return existing;
  }

  async get(memberId: string): Promise<Buffer | 'erased' | undefined> {
    await this.wal.settled();
    const row = this.selectKey.get(memberId);
    if (!row) return undefined;
    return row.erased_at !== null || row.data_key === null ? 'erased' : row.data_key;
  }

  async erase(memberId: string): Promise<void> {
    await this.wal.settled();
    this.eraseKey.run(memberId, this.clock.now().toISOString());
    const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    // A reader holding the WAL open would leave the old page in it: fail loudly, the erase is retried.
    if (result?.busy) throw new Error('member key store: the WAL could not be checkpointed after an erase');
    await this.wal.sync();
  }

  async close(): Promise<void> {
    if (this.db.open) this.group.flush();
    await this.wal.close();
    if (this.db.open) this.db.close();
  }
}
