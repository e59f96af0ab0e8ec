// Lint for all JS in the repo: eslint recommended + eqeqeq, ES modules.
import globals from 'globals';
import js from '@eslint/js';

export default [
  {
    ignores: [
      'node_modules/**',
      '.venv/**',
      'tests/e2e/fixtures/dist/**',
      'shared_rules/dist/**',
      'extension/rules/**',
      'extension/src/vendor/**', // generated copies of npm packages (scripts/vendor-image-libs.mjs)
      '**/*.min.js',
    ],
  },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.webextensions },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['extension/src/content/loader.js'],
    languageOptions: { sourceType: 'script' },
  },
  {
    files: ['tests/**/*.js', 'tests/**/*.mjs', 'scripts/**', 'backend/**', 'shared_rules/**', '*.config.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
];
