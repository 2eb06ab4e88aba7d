/**
 * Layer check for src/ (run by `npm run lint:layers` and by .ci/run).
 *
 * The table in docs/ARCHITECTURE.md ("Layout and dependency direction") says the same thing in
 * prose; when one changes, change the other. Type-only imports are allowed where a layer needs a
 * shape (e.g. policy reading config types) but not its code.
 */
const domain = (name) => `^src/${name}/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make load order matter and hide layering mistakes.',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'bottom-stays-bottom',
      severity: 'error',
      comment: 'src/errors and src/shared are the bottom layer: they import no other domain.',
      from: { path: '^src/(errors|shared)/' },
      to: { path: '^src/', pathNot: '^src/(errors|shared)/' },
    },
    {
      name: 'policy-is-pure',
      severity: 'error',
      comment:
        'src/policy decides from values it is given: it imports errors, shared and config types, never the store, the chain or a model.',
      from: { path: domain('policy') },
      to: {
        path: '^src/',
        pathNot: '^src/(policy|errors|shared)/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'chain-and-llm-apart',
      severity: 'error',
      comment: 'src/chain and src/llm do not import each other or the store.',
      from: { path: '^src/(chain|llm)/' },
      to: { path: '^src/(chain|llm|store)/', pathNot: '^src/$1/' },
    },
    {
      name: 'store-below-domains',
      severity: 'error',
      comment: 'src/config and src/store sit under the domains: they import only errors, shared and each other.',
      from: { path: '^src/(config|store)/' },
      to: { path: '^src/', pathNot: '^src/(config|store|errors|shared)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'demo-only-from-cli',
      severity: 'error',
      comment: 'The demo DAO (seed, oracle, demo cluster) is for the CLI and tests; production code must not depend on it.',
      from: { path: '^src/', pathNot: '^src/(demo|cli)/' },
      to: { path: domain('demo'), dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'cli-on-top',
      severity: 'error',
      comment: 'Nothing imports the CLI but src/langchain, the steward/langchain entry, which opens an agent session the way commands do.',
      from: { path: '^src/', pathNot: '^src/(cli|langchain)/' },
      to: { path: domain('cli') },
    },
    {
      name: 'commands-do-not-import-commands',
      severity: 'error',
      comment:
        'A command is parse, call a service, render. Shared logic lives in its domain (or src/cli/*.ts helpers), not in another command.',
      from: { path: '^src/cli/commands/([^/]+)\\.ts$', pathNot: '^src/cli/commands/index\\.ts$' },
      to: { path: '^src/cli/commands/', pathNot: '^src/cli/commands/$1' },
    },
    {
      name: 'test-hooks-behind-one-module',
      severity: 'error',
      comment:
        'Kill points and other test hooks live in src/execute/test-hooks.ts; only execution code may call them, and no barrel re-exports them.',
      from: { path: '^src/', pathNot: '^src/execute/(?!index\\.ts$)[^/]+\\.ts$' },
      to: { path: '^src/execute/test-hooks\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
