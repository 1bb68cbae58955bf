// How long the service takes to start on a data dir with its read models built: until /health
// answers 200 ("up") and until every follower's lag in it is 0 ("caught up"), polled every
// 200 ms; peak RSS is the server's VmHWM. Prints one line of JSON per run.
//
//   node bench/start-up.mjs --data-dir <dir> [--runs 1] [--main dist/src/main.js]
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { benchArgs, freePort, kib, mib, sleep } from './bench-kit.mjs';

const args = benchArgs();
if (!args['data-dir']) {
  console.error('usage: node bench/start-up.mjs --data-dir <dir> [--runs 1] [--main dist/src/main.js]');
  process.exit(2);
}
const main = resolve(args.main ?? 'dist/src/main.js');
const runs = Number(args.runs ?? 1);

for (let run = 1; run <= runs; run++) {
  const port = await freePort();
  const started = Date.now();
  const server = spawn(process.execPath, [main], {
    env: { ...process.env, PORT: String(port), LEDGER_DATA_DIR: args['data-dir'], LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((done) => server.on('exit', (code) => done(code)));
  let up;
  let caughtUp;
  while (caughtUp === undefined) {
    if (server.exitCode !== null) throw new Error(`the service stopped with exit code ${server.exitCode}`);
    const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
    if (res?.status === 200) {
      up ??= (Date.now() - started) / 1000;
      // Every follower's lag (figuresLag, membersByEnterpriseLag, …) is 0.
      const lags = JSON.stringify((await res.json()).info).match(/Lag":(\d+|null)/g) ?? [];
      if (lags.length > 0 && lags.every((l) => l.endsWith(':0'))) caughtUp = (Date.now() - started) / 1000;
    } else await res?.arrayBuffer();
    if (caughtUp === undefined) await sleep(200);
  }
  const peakRssMiB = mib(kib(server.pid, 'VmHWM'));
  server.kill('SIGTERM');
  await exited;
  console.log(JSON.stringify({ run, upSeconds: up, caughtUpSeconds: caughtUp, peakRssMiB }));
}
