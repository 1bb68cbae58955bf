import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

// The ground rule is Node 20: every package `npm ci` installs must declare that it runs there.
// npm only warns (EBADENGINE) and installs anyway, so this is where a wrong version is caught.
interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

const root = process.cwd();
const ourFloor = semver.minVersion(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node)!.version;
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

describe('the locked dependencies on Node 20', () => {
  it('given our engines floor, when every locked package is read, then each declares it runs on that Node', () => {
    const nodeRanges = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
      .map(([path, entry]) => ({ path, version: entry.version, node: (entry.engines as { node: string }).node }));
    expect(nodeRanges.length).toBeGreaterThan(50);
    expect(ourFloor).toMatch(/^20\./);

    const refusing = nodeRanges.filter(({ node }) => !semver.satisfies(ourFloor, node));
    expect(refusing).toEqual([]);
  });
});
