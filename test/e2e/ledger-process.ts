import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Principal } from '../../src/auth/principal.js';
import { Tokens } from '../../src/auth/tokens.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The built service (`node dist/src/main.js`) as a child process. */
export interface LedgerProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  readonly output: () => string;
  readonly exited: Promise<Exit>;
  /** Sends `signal` and waits (bounded) for the process to end. */
  readonly stop: (signal?: NodeJS.Signals, withinMs?: number) => Promise<Exit>;
}

const running = new Set<LedgerProcess>();

/** The signing key every test process gets, so the tests can sign their own tokens. */
export const TEST_SIGNING_KEY = Buffer.alloc(32, 7).toString('base64');
const testTokens = new Tokens(Buffer.from(TEST_SIGNING_KEY, 'base64'));
export const tokenFor = (principal: Principal = { sub: 'e2e-admin', role: 'provincial-admin' }) =>
  testTokens.issue(principal, '1h');

/**
 * Starts the service on a free port over `dataDir` and waits until GET /health answers.
 * `LEDGER_TOKEN_SIGNING_KEY: ''` in `env` starts it without a configured key (first-start path).
 */
export async function startProcess(dataDir: string, env: Record<string, string> = {}): Promise<LedgerProcess> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    LEDGER_TOKEN_SIGNING_KEY: TEST_SIGNING_KEY,
    ...env,
    PORT: String(port),
    LEDGER_DATA_DIR: dataDir,
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
  };
  if (childEnv.LEDGER_TOKEN_SIGNING_KEY === '') delete childEnv.LEDGER_TOKEN_SIGNING_KEY;
  const child = spawn(process.execPath, [MAIN], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const proc: LedgerProcess = {
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGKILL', withinMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the process did not exit within ${withinMs} ms of ${signal}`)), withinMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
        running.delete(proc);
      }
    },
  };
  running.add(proc);
  await waitUntilHealthy(proc);
  return proc;
}

/** Readiness probe: a bounded number of tries, a short pause between them. */
async function waitUntilHealthy(proc: LedgerProcess, tries = 150, pauseMs = 100): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`the service exited before it was ready:\n${proc.output()}`);
    try {
      const res = await fetch(`${proc.baseUrl}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  await proc.stop('SIGKILL');
  throw new Error(`the service did not answer GET /health in time:\n${proc.output()}`);
}

/** Kills every process still running (for afterAll/afterEach, whatever happened). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGKILL').catch(() => undefined)));
}

/** Polls `read` until `done` holds (bounded), for output a process writes after answering. */
export async function eventually<T>(read: () => T, done: (value: T) => boolean, tries = 100, pauseMs = 20): Promise<T> {
  let value = read();
  for (let i = 0; i < tries && !done(value); i++) {
    await new Promise((r) => setTimeout(r, pauseMs));
    value = read();
  }
  return value;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON, loosely typed: the tests assert its shape. */
  readonly body: any;
}

/** One HTTP call to the process, JSON in and out, signed in as a provincial admin unless `headers` say otherwise. */
export async function call(
  proc: LedgerProcess,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${proc.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokenFor()}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}
