// What the benches share: their options, a free port, memory readings, a seeded random, and the
// machine and commit a report names.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';

/** `--name value` and bare `--flag` (as 'true') from the command line. */
export const benchArgs = (argv = process.argv.slice(2)) =>
  Object.fromEntries(
    argv.reduce((acc, a, i, all) => {
      if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
      return acc;
    }, []),
  );

/** A port nobody listens on right now. */
export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A field of /proc/<pid>/status in KiB (VmHWM, VmRSS), undefined once the process is gone. */
export const kib = (pid, field) => {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
};
export const mib = (k) => (k === undefined ? undefined : Math.round(k / 1024));

/** mulberry32: the same numbers for the same seed. */
export function makeRandom(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function machine() {
  let model = cpus()[0]?.model ?? 'cpu';
  try {
    model = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {}
  return `${model}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** The short commit, marked when the tree has uncommitted changes. */
export function commit() {
  try {
    const head = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'uncommitted';
  }
}

/** The service's own time of an answer, from its `Server-Timing: app;dur=<ms>` header (undefined without one). */
export function serverMsOf(res) {
  const m = /(?:^|,)\s*app;dur=([\d.]+)/.exec(res.headers['server-timing'] ?? '');
  return m ? Number(m[1]) : undefined;
}
