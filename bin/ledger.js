#!/usr/bin/env node
// `npx ledger …`: runs the compiled CLI, building it first if this checkout was never built.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'src', 'cli', 'ledger.js');
if (!existsSync(entry)) {
  process.stderr.write('ledger: building the CLI first (npm run build)…\n');
  execSync('npm run build --silent', { cwd: root, stdio: ['ignore', 2, 2] });
}
await import(pathToFileURL(entry).href);
