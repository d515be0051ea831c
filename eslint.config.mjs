import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // The layering rules of ARCHITECTURE.md: the contract is pure; the engine and the store know nothing of
    // Electron, HTTP or each other; only src-main/app imports electron.
    files: ['src-main/contract/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', 'electron', 'better-sqlite3', '../engine/*', '../store/*', '../services/*'] }] },
  },
  {
    files: ['src-main/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['electron', 'better-sqlite3', '**/store/**', '**/services/**', '**/server/**', '**/app/**', '**/cli/**'] }] },
  },
  {
    files: ['src-main/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['electron', '**/engine/**', '**/services/**', '**/server/**', '**/app/**', '**/cli/**'] }] },
  },
  {
    files: ['src-main/services/**/*.ts', 'src-main/server/**/*.ts', 'src-main/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['electron'] }] },
  },
);
