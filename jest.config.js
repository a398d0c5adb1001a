// Tests are transpiled only (isolated modules): typechecking is the separate `tsc --noEmit` step of `npm test`.
// isolatedModules is set through the tsconfig that ts-jest uses (tsconfig.json's compilerOptions plus that flag),
// which is what ts-jest's own `isolatedModules` option does, without its deprecation warning on every run.
const ts = require('typescript');

const tsconfigPath = require.resolve('./tsconfig.json');
const { config: tsconfig, error } = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));

/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { ...tsconfig.compilerOptions, isolatedModules: true } }],
    // fastify's inject() loads `cookie`, published as an ES module only; jest's CommonJS runtime needs it compiled.
    '/node_modules/cookie/.+\\.js$': ['ts-jest', { tsconfig: { ...tsconfig.compilerOptions, isolatedModules: true, allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  // Starts PostgreSQL and Temporal once for the whole run (unless DATABASE_URL / TEMPORAL_ADDRESS are set) and
  // hands their addresses to the tests as BEATFLOW_TEST_DATABASE_URL / BEATFLOW_TEST_TEMPORAL_ADDRESS.
  setupFiles: ['./test/support/quiet-runtime.ts'],
  globalSetup: './test/support/global-setup.ts',
  globalTeardown: './test/support/global-teardown.ts',
  // Workflow tests run against real servers.
  testTimeout: 120_000,
  reporters: ['default', '<rootDir>/test/support/closing-line-reporter.js'],
};
