import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Everything the service reads from its environment, validated once at start. */
export interface LedgerConfig {
  readonly port: number;
  readonly dataDir: string;
  /** Set: EventStoreDB; unset: the embedded SQLite store in `dataDir`. */
  readonly eventStoreConnectionString?: string;
  readonly personHashKey: Buffer;
  /** HS256 key that signs and checks bearer tokens. */
  readonly tokenSigningKey: Buffer;
  /** True when this start created the signing key: the service then prints an admin token once. */
  readonly tokenSigningKeyCreated: boolean;
  /** Requests per minute one user (or one address, before sign-in) may make. */
  readonly rateLimitPerMinute: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest JSON body accepted, in bytes. */
  readonly bodyLimitBytes: number;
  /** Tests only: the point at which the process kills itself (see shared/fault-points.ts). */
  readonly crashAt?: FaultPoint;
}

export class ConfigError extends Error {}

/** Where a crash can be injected: right after a transfer request's acceptance is recorded. */
export const FAULT_POINTS = ['after-transfer-accepted'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoadOptions {
  /**
   * Whether a missing `token-signing.key` is created (default) or, for the CLIs that neither sign
   * nor check tokens, stood in for by a key of this process alone: the key is then created by the
   * service's first start, which prints the first admin token with it.
   */
  readonly createTokenSigningKey?: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): LedgerConfig {
  const problems: string[] = [];
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be 0-65535, got "${env.PORT}"`);
  const dataDir = resolve(env.LEDGER_DATA_DIR ?? './data');
  const esdb = env.EVENTSTORE_CONNECTION_STRING?.trim() || undefined;
  if (esdb !== undefined && !/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//.test(esdb))
    problems.push('EVENTSTORE_CONNECTION_STRING must start with esdb:// (for example esdb://localhost:2113?tls=false)');
  const logLevel = (env.LOG_LEVEL ?? 'info') as LedgerConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const bodyLimitBytes = Number(env.LEDGER_BODY_LIMIT_BYTES ?? 65_536);
  if (!Number.isInteger(bodyLimitBytes) || bodyLimitBytes < 1024)
    problems.push('LEDGER_BODY_LIMIT_BYTES must be an integer >= 1024');
  const rateLimitPerMinute = Number(env.LEDGER_RATE_LIMIT_PER_MINUTE ?? 1200);
  if (!Number.isInteger(rateLimitPerMinute) || rateLimitPerMinute < 1)
    problems.push('LEDGER_RATE_LIMIT_PER_MINUTE must be a positive integer');
  let tokenSigningKey: Buffer | undefined;
  if (env.LEDGER_TOKEN_SIGNING_KEY !== undefined) {
    tokenSigningKey = Buffer.from(env.LEDGER_TOKEN_SIGNING_KEY, 'base64');
    if (tokenSigningKey.length < 32) problems.push('LEDGER_TOKEN_SIGNING_KEY must be at least 32 bytes, base64-encoded');
  }
  let personHashKey: Buffer | undefined;
  if (env.LEDGER_PERSON_HASH_KEY !== undefined) {
    personHashKey = Buffer.from(env.LEDGER_PERSON_HASH_KEY, 'base64');
    if (personHashKey.length < 32) problems.push('LEDGER_PERSON_HASH_KEY must be at least 32 bytes, base64-encoded');
  }
  const crashAt = env.LEDGER_TEST_CRASH_AT?.trim() || undefined;
  if (crashAt !== undefined && !FAULT_POINTS.includes(crashAt as FaultPoint))
    problems.push(`LEDGER_TEST_CRASH_AT must be one of ${FAULT_POINTS.join(', ')}`);
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n- ${problems.join('\n- ')}`);
  const signing = tokenSigningKey
    ? { key: tokenSigningKey, created: false }
    : options.createTokenSigningKey === false
      ? { key: readKeyFile(dataDir, TOKEN_SIGNING_KEY_FILE) ?? randomBytes(32), created: false }
      : loadOrCreateKeyFile(dataDir, TOKEN_SIGNING_KEY_FILE);
  return {
    port,
    dataDir,
    eventStoreConnectionString: esdb,
    personHashKey: personHashKey ?? loadOrCreateKey(dataDir, 'person-hash.key'),
    tokenSigningKey: signing.key,
    tokenSigningKeyCreated: signing.created,
    rateLimitPerMinute,
    logLevel,
    bodyLimitBytes,
    ...(crashAt !== undefined ? { crashAt: crashAt as FaultPoint } : {}),
  };
}

const TOKEN_SIGNING_KEY_FILE = 'token-signing.key';

/**
 * The key that signs tokens, for `ledger token`: LEDGER_TOKEN_SIGNING_KEY or the data dir's key
 * file, never a new one (a token signed with a key no service knows would be refused by all).
 */
export function existingTokenSigningKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const { tokenSigningKey, dataDir } = loadConfig(env, { createTokenSigningKey: false });
  if (env.LEDGER_TOKEN_SIGNING_KEY !== undefined) return tokenSigningKey;
  const key = readKeyFile(dataDir, TOKEN_SIGNING_KEY_FILE);
  if (key === undefined)
    throw new ConfigError(
      `no token signing key in ${dataDir} (${TOKEN_SIGNING_KEY_FILE} not found): set LEDGER_DATA_DIR to the service's data dir, ` +
        `or LEDGER_TOKEN_SIGNING_KEY to its key; a new ledger gets its key, and its first admin token, when the service first starts`,
    );
  return key;
}

/** A 32-byte key kept in the data dir (mode 0600), created on first start. */
export function loadOrCreateKey(dataDir: string, name: string): Buffer {
  return loadOrCreateKeyFile(dataDir, name).key;
}

export function loadOrCreateKeyFile(dataDir: string, name: string): { key: Buffer; created: boolean } {
  const existing = readKeyFile(dataDir, name);
  if (existing !== undefined) return { key: existing, created: false };
  const file = join(dataDir, name);
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}

function readKeyFile(dataDir: string, name: string): Buffer | undefined {
  const file = join(dataDir, name);
  if (!existsSync(file)) return undefined;
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length < 32) throw new ConfigError(`${file} does not hold a 32-byte base64 key`);
  return key;
}
