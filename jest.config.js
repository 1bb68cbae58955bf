// Three tiers, one project each, picked by the file name (*.unit / *.int / *.e2e .spec.ts).
// ts-jest transpiles file by file (types are checked once, by `npm run typecheck`); jest 29 and
// ts-jest need no native binaries, which keeps `npm ci` working from any npm registry mirror.
const common = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/projections', '<rootDir>/test'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }] },
};
export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['**/*.int.spec.ts'] },
    // Process tests start node (a second or more each on two busy cores): `npm run test:e2e` gives
    // them --testTimeout 30000 (jest reads testTimeout from the command line or the root, not a project).
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
  ],
};
