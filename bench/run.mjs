// `npm run bench`: the HTTP command bench, the read-side bench, the bulk import bench, then the import and rebuild floors, each
// given every argument (each reads only the options it knows, so `npm run bench -- --smoke` reaches all).
// `--only http`, `--only read-side`, `--only import`, `--only import-floor` or `--only rebuild-floor` runs one of them. Exits non-zero if any fails.
import { spawnSync } from 'node:child_process';

const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
const passed = onlyAt >= 0 ? argv.filter((_, i) => i !== onlyAt && i !== onlyAt + 1) : argv;
const benches = [
  ['http', 'bench/http-commands.mjs'],
  ['read-side', 'bench/read-side.mjs'],
  ['import', 'bench/import.mjs'],
  ['import-floor', 'bench/import-floor.mjs'],
  ['rebuild-floor', 'bench/rebuild-floor.mjs'],
].filter(([name]) => only === undefined || only === name);
if (benches.length === 0) {
  process.stderr.write(`bench: --only takes http, read-side, import, import-floor or rebuild-floor, not "${only}"\n`);
  process.exit(2);
}
let failed = false;
for (const [name, script] of benches) {
  const run = spawnSync(process.execPath, [script, ...passed], { stdio: 'inherit' });
  if (run.status !== 0) {
    process.stderr.write(`bench: ${name} failed (exit ${run.status ?? run.signal})\n`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
