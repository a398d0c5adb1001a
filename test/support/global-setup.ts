/**
 * The jest projects' global setups (setup-fast.ts, setup-workflow.ts, setup-e2e.ts): the Temporal binaries, the servers
 * the tests share and the workflow bundle, each provisioned, started or built at most once per run, for the projects
 * that have tests in it.
 *
 * - The Java time-skipping test server is provisioned (cached, else from Maven Central) before any test file needs
 *   it, so that a first build never runs against a test's timeout.
 * - PostgreSQL: DATABASE_URL when set, else a private throwaway cluster (startPostgresCluster).
 * - Temporal: TEMPORAL_ADDRESS when set, else the `temporal` CLI's dev server (temp SQLite file, free ports),
 *   else the Java test server (real time, time skipping locked), else the SDK's own download of the dev server.
 *
 * The tests read BEATFLOW_TEST_DATABASE_URL, BEATFLOW_TEST_TEMPORAL_ADDRESS and BEATFLOW_TEST_TEMPORAL_NAMESPACE
 * (BEATFLOW_TEST_TEMPORAL_KIND says which Temporal it is; BEATFLOW_TEST_TEMPORAL_DB_FILE names the dev server's SQLite
 * file, which the end-to-end suite searches for personal data; BEATFLOW_TEST_TEMPORAL_UI_URL its Web UI, whose codec endpoint is
 * the API that the browser test starts on BEATFLOW_TEST_CODEC_API_PORT). The handles stay on globalThis for global-teardown.ts,
 * which stops each server by the PID started here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/dev/processes';
import { describeProvisioned, ensureTemporalCli, ensureTemporalUiServer, type Provisioned } from '../../src/dev/provision';
import { startTemporalUiServer } from '../../src/dev/temporal-ui-server';
import { startTemporalDevServer } from '../../src/dev/temporal-dev-server';
import { caseSearchAttributes } from '../../src/domain/search-attributes';
import { startPostgresCluster } from './postgres-cluster';
import { ensureTestServer } from './provision-test-server';
import { buildWorkflowBundle } from './cases';
import { startTemporalTestServer } from './temporal-test-server';

export interface StartedTestServer {
  what: string;
  stop(): Promise<void>;
}

declare global {
  var __beatflowTestServers: StartedTestServer[] | undefined;
  /** What has been started or is being started, across the projects' setups of one run (each awaits the same). */
  var __beatflowPrepared: Map<keyof Needs, Promise<void>> | undefined;
}

function log(line: string): void {
  process.stdout.write(`[global-setup] ${line}\n`);
}

function since(startedAt: number): string {
  return `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
}

async function startTemporal(servers: StartedTestServer[], testServerProvisioned: Promise<Provisioned | undefined>): Promise<void> {
  const namespace = 'default';
  process.env.BEATFLOW_TEST_TEMPORAL_NAMESPACE = namespace;
  const startedAt = Date.now();

  const cli = await ensureTemporalCli((line) => log(line));
  if (cli) {
    const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'beatflow-temporal-'));
    try {
      // The UI decodes payloads through the codec endpoint of an API that the browser test starts on this port.
      const codecApiPort = await freePort();
      const dev = await startTemporalDevServer({ cliPath: cli.path, port: await freePort(), dbFile: path.join(dbDir, 'temporal.db'), namespace });
      servers.push({
        what: `Temporal dev server (PID ${dev.pid})`,
        stop: async () => {
          await dev.stop();
          fs.rmSync(dbDir, { recursive: true, force: true });
        },
      });
      const uiServer = await ensureTemporalUiServer((line) => log(line));
      if (!uiServer) throw new Error('no Temporal UI server could be provisioned (no Go toolchain)');
      const ui = await startTemporalUiServer({
        serverPath: uiServer.path,
        temporalAddress: dev.address,
        port: await freePort(),
        codecEndpoint: `http://127.0.0.1:${codecApiPort}/codec`,
      });
      servers.push({ what: `Temporal UI server (PID ${ui.pid})`, stop: ui.stop });
      process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS = dev.address;
      process.env.BEATFLOW_TEST_TEMPORAL_KIND = 'dev-server';
      process.env.BEATFLOW_TEST_TEMPORAL_DB_FILE = path.join(dbDir, 'temporal.db');
      process.env.BEATFLOW_TEST_TEMPORAL_UI_URL = ui.url;
      process.env.BEATFLOW_TEST_CODEC_API_PORT = String(codecApiPort);
      log(`Temporal dev server ${dev.address} (PID ${dev.pid}), UI ${ui.url} (PID ${ui.pid}); CLI ${cli.source} ${cli.path} (${since(startedAt)})`);
      return;
    } catch (err) {
      fs.rmSync(dbDir, { recursive: true, force: true });
      throw err;
    }
  }

  const testServer = await testServerProvisioned;
  if (testServer) {
    log('no temporal CLI: falling back to the Java test server (real in-memory Temporal, no time skipping)');
    const server = await startTemporalTestServer({ path: testServer.path, port: await freePort(), namespace });
    servers.push({ what: `Temporal test server (PID ${server.pid})`, stop: () => server.stop() });
    process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS = server.address;
    process.env.BEATFLOW_TEST_TEMPORAL_KIND = 'test-server';
    log(`Temporal test server ${server.address} (PID ${server.pid}, ${testServer.path}, ${since(startedAt)})`);
    return;
  }

  log("no temporal CLI and no Java test server: falling back to the Temporal SDK's own download of the dev server");
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: { ip: '127.0.0.1', namespace, searchAttributes: [...caseSearchAttributes] },
  });
  servers.push({ what: 'Temporal dev server (SDK download)', stop: () => env.teardown() });
  process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS = env.address;
  process.env.BEATFLOW_TEST_TEMPORAL_KIND = 'dev-server';
  log(`Temporal dev server (SDK download) ${env.address} (${since(startedAt)})`);
}

/** What a jest project needs started before its tests; each project's setup module names its own. */
export interface Needs {
  /** A PostgreSQL server (every project). */
  postgres?: boolean;
  /** The Java time-skipping test server, provisioned (the workflow project starts one per file). */
  testServer?: boolean;
  /** A real Temporal server shared by the run (the e2e project). */
  temporal?: boolean;
  /** The workflow bundle, built once for the run (src: `bundleWorkflows` in cases.ts reads it). */
  bundle?: boolean;
}

/**
 * Starts what `needs` names and this run has not started yet. Jest runs the setup module of each project that has
 * tests selected, one after another, so `npm run test:fast` starts PostgreSQL only and `npm test` starts each once.
 */
export async function prepare(needs: Needs): Promise<void> {
  const startedAt = Date.now();
  const servers = (globalThis.__beatflowTestServers ??= []);
  const prepared = (globalThis.__beatflowPrepared ??= new Map());
  const once = (need: keyof Needs, start: () => Promise<void>): Promise<void> => {
    if (!needs[need]) return Promise.resolve();
    let promise = prepared.get(need);
    if (!promise) prepared.set(need, (promise = start()));
    return promise;
  };
  try {
    // All start concurrently: they are independent and each spends most of its time waiting.
    let testServer: Promise<Provisioned | undefined> | undefined;
    const provisionTestServer = () => {
      const testServerStartedAt = Date.now();
      return (testServer ??= ensureTestServer((line) => log(line)).then((provisioned) => {
        log(describeProvisioned('temporal test server', provisioned, testServerStartedAt, "the SDK's own download will be used"));
        return provisioned;
      }));
    };
    const results = await Promise.allSettled([
      once('testServer', async () => void (await provisionTestServer())),
      once('postgres', async () => {
        if (process.env.DATABASE_URL) {
          process.env.BEATFLOW_TEST_DATABASE_URL = process.env.DATABASE_URL;
          log('PostgreSQL: using DATABASE_URL');
          return;
        }
        const pgStartedAt = Date.now();
        const pg = await startPostgresCluster({ baseDir: os.tmpdir() });
        servers.push({ what: `PostgreSQL (PID ${pg.pid})`, stop: () => pg.stop() });
        process.env.BEATFLOW_TEST_DATABASE_URL = pg.url;
        log(`PostgreSQL ${pg.url} (PID ${pg.pid}, ${since(pgStartedAt)})`);
      }),
      once('temporal', async () => {
        if (process.env.TEMPORAL_ADDRESS) {
          process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS;
          process.env.BEATFLOW_TEST_TEMPORAL_NAMESPACE = process.env.TEMPORAL_NAMESPACE ?? 'default';
          process.env.BEATFLOW_TEST_TEMPORAL_KIND = 'external';
          log('Temporal: using TEMPORAL_ADDRESS');
          return;
        }
        await startTemporal(servers, provisionTestServer());
      }),
      once('bundle', async () => {
        const bundleStartedAt = Date.now();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beatflow-bundle-'));
        const file = path.join(dir, 'workflows.js');
        fs.writeFileSync(file, (await buildWorkflowBundle()).code);
        servers.push({ what: `workflow bundle ${file}`, stop: async () => fs.rmSync(dir, { recursive: true, force: true }) });
        process.env.BEATFLOW_TEST_WORKFLOW_BUNDLE = file;
        log(`workflow bundle built once for the run (${since(bundleStartedAt)})`);
      }),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    // Jest does not run globalTeardown when a globalSetup fails: stop what did start.
    await Promise.allSettled(servers.map((s) => s.stop()));
    globalThis.__beatflowTestServers = undefined;
    globalThis.__beatflowPrepared = undefined;
    throw err;
  }
  log(`ready in ${since(startedAt)}`);
}
