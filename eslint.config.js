// Lint: typescript-eslint's recommended rules, type-aware, plus the boundaries of the design's layout: what each
// folder may import. Relative imports are matched as written, so each pattern allows for any number of `../`.
const { builtinModules } = require('node:module');
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const oneOf = (names) => `(${names.map(escape).join('|')})`;

/** Every Node built-in, with or without `node:`, and its subpaths (fs, node:fs, fs/promises, node:test …). */
const nodeBuiltin = `^(node:.*|${oneOf(builtinModules)}(/.*)?)$`;
/** A relative import of `folder` (a top-level folder or one in src/) or of anything in it. */
const into = (folder) => `^(\\.\\./)+${folder}(/|$)`;

const builtinMessage = 'no Node built-ins here';
const restrict = (...patterns) => ['error', { patterns }];

/** The folders of src/ that neither the pure code nor workflow code may import, and what each is. */
const sideLayers = {
  api: 'the API (src/api)',
  db: 'the database layer (src/db)',
  temporal: 'the Temporal client side (src/temporal; search-attribute keys are in src/domain)',
  dev: 'the dev launcher (src/dev)',
  import: 'the import (src/import)',
  relay: 'the notice relay (src/relay)',
  '(config|logger)': 'the environment (src/config) or the logger (src/logger)',
};

/** The pure folders of src/: the case (src/case), the procedures (src/procedures) and the rest of the domain. */
const pureFolders = 'src/(case|procedures|domain)';

/** Zod schemas and the procedure registry that holds them: the workflow bundle takes them by type only. */
const zodModules = {
  regex: '^((\\.{1,2}/)+((src/)?(procedures/)?([a-z-]+/)?schema|(src/)?domain/[^/]+\\.schema|(src/)?procedures(/index)?|index)|\\.\\.)$',
  allowTypeImports: true,
  message: 'import zod schemas (and the procedure registry that holds them) by type only: zod stays out of the workflow bundle.',
};

/**
 * The pure folders: deterministic, no I/O, no Node built-ins, shared by the API, the import, the simulator and the
 * workflow bundle. Where `zod` is false (the case, the procedures' descriptors and rules), zod and the schemas are
 * out of reach too, so that what the bundle takes carries no zod.
 */
const pureImports = ({ zod, what }) =>
  restrict(
    ...Object.entries(sideLayers).map(([folder, side]) => ({
      regex: `^(\\.\\./)+(src/)?${folder}(/|$)`,
      message: `${what} is pure: it never imports ${side}.`,
    })),
    { regex: into('activities'), allowTypeImports: true, message: `${what} imports activities by type only: they are side effects.` },
    { regex: into('workflows'), message: `${what} never imports workflow code: workflows import the case and the procedures, not the reverse.` },
    { regex: nodeBuiltin, message: `${what} is pure and runs in the workflow sandbox: ${builtinMessage}.` },
    {
      regex:
        '^(pg|pg-.*|node-pg-migrate|fastify|fastify-.*|@fastify/.*|pino|pino-.*|@electric-sql/.*|@temporalio/(client|worker|activity|testing))(/.*)?$',
      message: `${what} is pure: no I/O packages (database, HTTP, logging, Temporal client or worker); @temporalio/common and @temporalio/workflow are fine.`,
    },
    ...(zod
      ? []
      : [
          {
            regex: '^zod(/.*)?$',
            message:
              'zod belongs in the schemas (src/procedures/<name>/schema.ts, src/procedures/schema.ts, src/domain/*.schema.ts) and the registry src/procedures/index.ts, so that the workflow bundle stays free of it.',
          },
          zodModules,
        ]),
  );

/** workflows/: Temporal wiring, deterministic and sandboxed; of src/ only the pure folders, activities by type. */
const workflowImports = restrict(
  { regex: nodeBuiltin, message: `workflow code is deterministic and sandboxed: ${builtinMessage}.` },
  {
    regex: `^(?![./]|node:|${oneOf(builtinModules)}(/|$)|@temporalio/(workflow|common)(/|$))`,
    message:
      'workflow code imports no packages but @temporalio/workflow and @temporalio/common: no I/O, and no zod (every cached workflow holds its own copy of the bundle).',
  },
  ...Object.entries(sideLayers).map(([folder, what]) => ({
    regex: `^(\\.\\./)+src/${folder}(/|$)`,
    message: `workflow code never imports ${what}: of src/ it imports src/case, src/procedures and src/domain only.`,
  })),
  {
    regex: `^(\\.\\./)+(?!\\.\\./)(?!${pureFolders}(/|$)|src/(${Object.keys(sideLayers).join('|')})(/|$)|activities(/|$))`,
    message: 'outside workflows/, workflow code imports only src/case, src/procedures, src/domain and activities (by type).',
  },
  { regex: into('activities'), allowTypeImports: true, message: 'import activities by type only (`import type`, then proxyActivities).' },
  zodModules,
);

module.exports = tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      '.data/',
      'jest.config.js',
      'test/support/closing-line-reporter.js',
      'eslint.config.js',
      'test/support/api-schema.d.ts',
      '.venv-fuzz/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['src/case/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': pureImports({ zod: false, what: 'the case (src/case)' }) },
  },
  {
    files: ['src/procedures/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': pureImports({ zod: false, what: 'a procedure (src/procedures)' }) },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': pureImports({ zod: false, what: 'src/domain' }) },
  },
  {
    files: ['src/procedures/index.ts', 'src/procedures/schema.ts', 'src/procedures/*/schema.ts', 'src/domain/**/*.schema.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': pureImports({ zod: true, what: 'a schema' }) },
  },
  { files: ['workflows/**/*.ts'], rules: { '@typescript-eslint/no-restricted-imports': workflowImports } },
  {
    files: ['src/api/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict({
        regex: into('workflows'),
        message: 'the API reaches a case through its contract in src/domain and the Temporal client, never by importing workflow code.',
      }),
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict({
        regex: into('(src/)?api'),
        message: 'activities never import the API (src/api): share code through src/domain, src/db or src/temporal.',
      }),
    },
  },
);
