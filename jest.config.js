// Tests are transpiled only (isolated modules): typechecking is the separate `tsc --noEmit` step of `npm test`.
// isolatedModules is set through the tsconfig that ts-jest uses (tsconfig.json's compilerOptions plus that flag),
// which is what ts-jest's own `isolatedModules` option does, without its deprecation warning on every run.
const ts = require('typescript');

const tsconfigPath = require.resolve('./tsconfig.json');
const { config: tsconfig, error } = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));

/** What every project shares: TypeScript by ts-jest, node, the quiet Temporal runtime. */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { ...tsconfig.compilerOptions, isolatedModules: true } }],
    // fastify's inject() loads `cookie`, published as an ES module only; jest's CommonJS runtime needs it compiled.
    '/node_modules/cookie/.+\\.js$': ['ts-jest', { tsconfig: { ...tsconfig.compilerOptions, isolatedModules: true, allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  setupFiles: ['<rootDir>/test/support/quiet-runtime.ts'],
};

/**
 * Three projects, each with a global setup that starts only what its tests need (test/support/global-setup.ts):
 * - fast: the simulator, the pure units, the repositories on PostgreSQL and the API on a fake Temporal; no Temporal
 *   server, and no dependence on the real clock beyond what `npm run test:dates` sweeps;
 * - workflow: the runtime on the time-skipping test server;
 * - e2e: the real processes, the API with a real worker, the relay and the Temporal UI, against one Temporal dev server
 *   and PostgreSQL cluster shared by the run.
 * `npm test` runs all three; `npm run test:fast`, `test:workflow` and `test:e2e` one each.
 */
/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'fast',
      testMatch: ['<rootDir>/test/{simulator,unit,api}/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/setup-fast.ts',
    },
    {
      ...common,
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflow/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/setup-workflow.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/{e2e,ui,live,activities,relay}/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/setup-e2e.ts',
    },
  ],
  // Stops, by PID, whatever the projects' setups started.
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Workflow tests run against real servers.
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.js'],
};
