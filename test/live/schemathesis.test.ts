import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { mintToken } from '../../src/api/tokens';
import { testAuth, testSecret } from '../support/auth';
import { useRealApi } from '../support/real-api';

/**
 * The outside fuzzer: schemathesis (from PyPI, in the virtual environment `npm run setup:fuzzer` makes) reads the
 * served OpenAPI document and sends what it generates from it to the API on the real Temporal dev server and
 * PostgreSQL, with every one of its checks. Any finding fails the test; its seed and counts are printed.
 */

const seed = 20260302;
/**
 * Examples per operation and phase: five give every operation each of the fuzzer's phases and checks, with 13
 * operations and four phases well over 150 cases, in a minute or two; `npm run test:nightly` runs 10 (over 300).
 */
const maxExamples = Number(process.env.BEATFLOW_FUZZ_EXAMPLES ?? 5);
const minimumCases = maxExamples * 30;
/** The fuzzer's time bound, which its coverage and stateful phases reach first: a minute (3.5 minutes nightly). */
const maxSeconds = Number(process.env.BEATFLOW_FUZZ_SECONDS ?? 60);
const fuzzer = path.resolve(__dirname, '../../.venv-fuzz/bin/schemathesis');
const artifacts = path.resolve(__dirname, '../../test-artifacts/fuzz');

// A database of its own: the calendar years the fuzzer loads would otherwise reach other suites' cases.
const api = useRealApi('schemathesis', { ownDatabase: true });

test(`schemathesis finds nothing over at least ${minimumCases} generated cases (seed ${seed})`, async () => {
  if (!fs.existsSync(fuzzer)) {
    throw new Error(`schemathesis is not installed at ${fuzzer}: run \`npm run setup:fuzzer\` (a Python virtual environment in .venv-fuzz/)`);
  }
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = api.app.server.address() as AddressInfo;
  // One caller that may do most things at its station: start cases there, act on them, load the calendar, read.
  const token = await mintToken({
    secret: testSecret,
    issuer: testAuth.issuer,
    audience: testAuth.audience,
    sub: 'SYS-01',
    roles: ['station-system', 'admin'],
    stationIds: ['S-01'],
    ttlSeconds: 3600,
  });
  const args = [
    '--config-file',
    path.resolve(__dirname, 'schemathesis.toml'),
    'run',
    `http://127.0.0.1:${port}/docs/json`,
    '--checks',
    'all',
    // The bounds the contract states (the years 2000-2100, the case-id and date patterns) make hypothesis discard many
    // draws; on a loaded machine its health check then calls an operation unfit to fuzz. The checks still all run.
    '--suppress-health-check=filter_too_much',
    '--seed',
    String(seed),
    '--max-examples',
    String(maxExamples),
    '--max-time',
    String(maxSeconds),
    // One worker: hypothesis's threads meet a CPython bug ("AST constructor recursion depth mismatch") with more.
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--header',
    `Authorization: Bearer ${token}`,
    '--no-color',
  ];
  const { code, output } = await run(fuzzer, args, 330_000);
  const generated = casesGenerated(output);
  // Its report is kept in a file: its per-phase "N passed" lines are not the test run's counts.
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, 'schemathesis.log'), output);
  process.stdout.write(
    `schemathesis --seed ${seed} --max-examples ${maxExamples}: exit ${code}, ${generated} cases (test-artifacts/fuzz/schemathesis.log)\n`,
  );
  expect({ code, tail: output.slice(-4000) }).toEqual({ code: 0, tail: expect.any(String) });
  expect(generated).toBeGreaterThanOrEqual(minimumCases);
}, 390_000);

/** The number of test cases the run's summary reports, e.g. "Test cases: 412 generated, 412 passed". */
function casesGenerated(output: string): number {
  const match = /(\d+) generated/.exec(output);
  return match ? Number(match[1]) : 0;
}

/** Runs the fuzzer and collects what it prints; past `timeoutMs` it is stopped by its PID. */
function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
