import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint/layers.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.cache/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // The layer order (eslint/layers.mjs): each layer imports only the layers below it; only the
    // extension's layers import vscode, only the SQL client and bulk load import tedious.
    files: ['src/**/*.ts', 'webview-ui/src/**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/order': 'error' },
  },
  {
    // No unit too big to read at once: a longer function says why beside it
    // (// eslint-disable-next-line max-lines-per-function -- <the reason>).
    files: ['src/**/*.ts', 'webview-ui/src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 800 }],
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
