import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  // Vue single-file components: template rules, TypeScript in <script setup lang="ts">, and never v-html
  // (user text is always rendered as text: RELIABILITY A4).
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
    rules: {
      'vue/no-v-html': 'error',
      // Formatting is not what lint is for here; these only fight the existing layout.
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/attributes-order': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
    },
  },
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
