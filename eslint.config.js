// ESLint (flat config): typescript-eslint's recommended rules plus the few Steward relies on.
// Formatting is prettier's job (npm run format:check); import layering is dependency-cruiser's
// (npm run lint:layers). Run by .ci/run as `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', 'reports/', '.steward/', 'schemas/', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused names are tsc's job (noUnusedLocals); `_`-prefixed parameters are deliberate.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
      // Regexes match the CLI's aligned output: literal spaces read as the output does.
      'no-regex-spaces': 'off',
    },
  },
  {
    // Tests poke at raw JSON-RPC and websocket answers whose shape is the thing under test.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The console's page script runs in the browser (served as is, no build step).
    files: ['src/cli/console/assets/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', EventSource: 'readonly', console: 'readonly' } },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // Every failure that can reach an operator is a StewardError with a code (docs/ERRORS.md).
      'no-restricted-syntax': [
        'error',
        {
          selector: "ThrowStatement > NewExpression[callee.name='Error']",
          message: 'throw a StewardError with a code (src/errors), not a raw Error',
        },
      ],
      // Output goes through the CLI's io (tests capture it); logs through the logger.
      'no-console': 'error',
    },
  },
);
