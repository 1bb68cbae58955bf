/** Boundaries of the codebase, checked on every `npm test` (conventions item 12). */
const PURE = '(\\.decide|\\.state|\\.events|\\.timeline|\\.rules)\\.ts$';
const ADAPTERS = '^src/event-store/(embedded|eventstoredb|in-memory)/';
const SLICE = '^src/(parks|enterprises|membership)/[^/]+/';

module.exports = {
  forbidden: [
    {
      name: 'pure-domain-imports-no-framework',
      comment: 'Deciders, states, events and timeline rules stay pure: no Nest, no store adapters, no I/O.',
      severity: 'error',
      from: { path: PURE },
      to: {
        path: [
          '^node_modules/@nestjs/',
          ADAPTERS,
          '^node_modules/(better-sqlite3|@eventstore/db-client|express|pino)/',
          '^(fs|node:fs|net|node:net|http|node:http|child_process|node:child_process)$',
        ],
      },
    },
    {
      name: 'pure-domain-imports-only-pure-code',
      comment: 'What a decider imports is itself pure (the shared kernel, other events/states/rules).',
      severity: 'error',
      from: { path: PURE },
      to: { path: '^src/', pathNot: [PURE, '^src/shared/(dates|domain-error|effective-date|ledger-event|resident-id|void-reason)\\.ts$', '^src/event-store/event-store\\.port\\.ts$'] },
    },
    {
      name: 'only-the-composition-root-picks-an-adapter',
      comment: 'The composition root, and its small twin for worker threads (no Nest), pick adapters.',
      severity: 'error',
      from: { path: '^(src|projections)/', pathNot: ['^src/infrastructure\\.module\\.ts$', '^src/event-store/event-store-at\\.ts$', ADAPTERS] },
      to: { path: ADAPTERS },
    },
    {
      name: 'eventstoredb-client-in-one-file',
      severity: 'error',
      from: { pathNot: '^src/event-store/eventstoredb/eventstoredb-event-store\\.ts$' },
      to: { path: '^node_modules/@eventstore/db-client/' },
    },
    {
      name: 'projections-import-no-slice',
      comment: 'Read models know event types, never the use cases that emit them.',
      severity: 'error',
      from: { path: '^projections/' },
      to: { path: [SLICE, '^node_modules/@nestjs/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
    exclude: { path: '^test/' },
  },
};
