// Lint: typescript-eslint's recommended rules, plus the workflow sandbox boundary of the design:
// nothing in workflows/ may reach the network, the database, Node's built-ins or zod.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const forbiddenInWorkflows = [
  'node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'worker_threads',
  'pg', 'pg-*', 'pino', 'fastify', 'fastify-*', '@fastify/*', 'zod', 'zod/*',
  '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing',
  '**/src/api/*', '**/src/db/*', '**/src/config', '**/src/logger', '**/src/dev/*',
];

module.exports = tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.data/', 'jest.config.js', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: forbiddenInWorkflows, message: 'workflow code is deterministic and sandboxed: no I/O, no Node built-ins, no zod.' },
            { group: ['**/activities', '**/activities/*', '**/*.schema'], allowTypeImports: true, message: 'import activities and schemas by type only.' },
          ],
        },
      ],
    },
  },
);
