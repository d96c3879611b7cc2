// ESLint, kept small: the recommended rules (real mistakes: undefined names, unused variables,
// unreachable code...) over the package, the bridge, the demo, the tests and the benchmarks.
// Formatting is not checked here.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: ['**/node_modules/**', 'build/**', 'bindings/js/wasm/**', 'web-demo/dist/**', 'test-results/**', 'bench/results/**', 'tests/fixtures/bundler-app/dist*/**'],
  },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      // `_`-prefixed names are deliberately unused (positional parameters, ignored results).
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Empty catch blocks that mean "best effort" are common and intended in cleanup paths.
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['tests/**', 'bench/**'],
    languageOptions: { globals: { ...globals.jest } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
];
