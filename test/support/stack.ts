/**
 * The real processes of an end-to-end suite: the worker and the API built into dist/ by `npm test`, against the
 * Temporal dev server and PostgreSQL that the global setup started, on a task queue of the suite's own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { Pool } from 'pg';
import { freePort } from '../../src/dev/processes';
import { roles, type Role } from '../../src/domain/roles';
import { type ApiClient, apiClient } from './api-client';
import { authFor, type Caller, testAuthEnv, tokenFor } from './auth';
import { testPool, uniqueQueue } from './cases';
import { testDataConverter, testPayloadKeys } from './payload-codec';

const root = path.resolve(__dirname, '../..');

export interface ProcessStackOptions {
  /** A PostgreSQL of the suite's own; by default the one the global setup started. */
  databaseUrl?: string;
  /** More environment for both processes. */
  env?: Record<string, string>;
  /** The API's port; by default a free one. */
  port?: number;
}

export class ProcessStack {
  readonly output: string[] = [];
  readonly taskQueue: string;
  private api?: ChildProcess;
  private worker?: ChildProcess;
  private baseUrl = '';
  private port = 0;
  /** The station of each case started through `http`, so that an action on it is sent by a caller of that station. */
  private readonly stations = new Map<string, string>();
  /** One token per role, minted when the stack starts. */
  private readonly tokens = new Map<Role, string>();
  /** A Temporal client of the stack's own, opened when a test first reads a history. */
  private temporal?: Client;

  private constructor(
    name: string,
    readonly pool: Pool,
    private readonly options: ProcessStackOptions,
  ) {
    this.taskQueue = uniqueQueue(name);
  }

  /** Starts a worker and an API process and waits until the API is ready. */
  static async start(name: string, options: ProcessStackOptions = {}): Promise<ProcessStack> {
    const stack = new ProcessStack(name, await testPool(options.databaseUrl), options);
    for (const role of roles) {
      stack.tokens.set(role, await tokenFor({ role, stationIds: role === 'supervisor' ? ['*'] : ['S-01'], sub: `E2E-${role}` }));
    }
    stack.port = options.port ?? (await freePort());
    stack.baseUrl = `http://127.0.0.1:${stack.port}`;
    stack.startWorker();
    await stack.startApi();
    return stack;
  }

  /** Starts the API process (again, after a kill: on the same port) and waits until it is ready. */
  async startApi(): Promise<void> {
    this.api = this.launch('src/api/main.js', { PORT: String(this.port), HOST: '127.0.0.1' });
    await this.until(async () => ((await fetch(`${this.baseUrl}/readyz`)).ok ? true : undefined), 'the API to be ready');
  }

  /** Kills the API process as a crash would (SIGKILL to its PID). */
  async killApi(): Promise<void> {
    await stopProcess(this.api, 'SIGKILL');
  }

  async stop(): Promise<void> {
    await this.temporal?.connection.close();
    await Promise.all([stopProcess(this.api), stopProcess(this.worker)]);
    await this.pool.end();
  }

  /** A case's history as the dev server holds it. */
  async history(caseId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
    this.temporal ??= new Client({
      connection: await Connection.connect({ address: process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS ?? 'localhost:7233' }),
      namespace: process.env.BEATFLOW_TEST_TEMPORAL_NAMESPACE ?? 'default',
      dataConverter: testDataConverter,
    });
    return (await this.temporal.workflow.getHandle(caseId).fetchHistory()).events ?? [];
  }

  startWorker(): void {
    this.worker = this.launch('worker/main.js', {});
  }

  /** Kills the worker as a crash would. */
  async killWorker(): Promise<void> {
    await stopProcess(this.worker, 'SIGKILL');
  }

  /** Sends `signal` to the API or the worker (by its PID) and answers how it exits, once it has. */
  signal(which: 'api' | 'worker', signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = which === 'api' ? this.api : this.worker;
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`the ${which} is not running`);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    child.kill(signal);
    return exited;
  }

  /** Whether the API or the worker process is still running. */
  running(which: 'api' | 'worker'): boolean {
    const child = which === 'api' ? this.api : this.worker;
    return Boolean(child && child.exitCode === null && child.signalCode === null);
  }

  /** The API's base URL (http://127.0.0.1:<port>). */
  get url(): string {
    return this.baseUrl;
  }

  /** A bearer token for `role` (station S-01; a supervisor's for every station) that the API processes accept. */
  tokenFor(role: Role): string | undefined {
    return this.tokens.get(role);
  }

  /** A request as the caller that may make it (test/support/auth.ts `callerFor`), with its bearer token; `headers` win. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async http(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const caseSegment = /^\/v1\/cases\/([^/]+)\/actions$/.exec(url)?.[1];
    const station = caseSegment ? this.stations.get(decodeURIComponent(caseSegment)) : undefined;
    // Only /v1 gets a caller by default: a codec request names its own (or none).
    const auth = url.startsWith('/v1/') ? await authFor(method, url, body, station ? [station] : undefined) : {};
    const res = await fetch(this.baseUrl + url, {
      method,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
      // An action waits for a worker; a test must fail, not hang, when none comes.
      signal: AbortSignal.timeout(90_000),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const answer: { status: number; body: any } = { status: res.status, body: await res.json() };
    if (method === 'POST' && url === '/v1/cases' && answer.body?.caseId) {
      this.stations.set(answer.body.caseId, (body as { stationId: string }).stationId);
    }
    return answer;
  }

  /** The station of a case started through the typed client, so that `http` acts on it as that station's callers. */
  placeCase(caseId: string, stationId: string): void {
    this.stations.set(caseId, stationId);
  }

  /** The typed client (generated from the committed OpenAPI document) as a caller. */
  async client(caller: Caller): Promise<ApiClient> {
    return apiClient(this.baseUrl, await tokenFor(caller));
  }

  /** An officer's or the station system's report on a case. */
  report(caseId: string, action: unknown) {
    return this.http('POST', `${casePath(caseId)}/actions`, action);
  }

  /** The notices table's rows of a case, as `kind→recipient`. */
  async noticeRows(caseId: string): Promise<string[]> {
    const { rows } = await this.pool.query('SELECT kind, recipient FROM notices WHERE case_id = $1 ORDER BY kind, recipient', [caseId]);
    return rows.map((r) => `${r.kind}→${r.recipient}`);
  }

  async until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.output.join('').slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private launch(entry: string, env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, [path.join(root, 'dist', entry)], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233',
        DATABASE_URL: this.options.databaseUrl ?? process.env.BEATFLOW_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? '',
        TEMPORAL_TASK_QUEUE: this.taskQueue,
        PAYLOAD_ENCRYPTION_KEYS: testPayloadKeys,
        LOG_LEVEL: 'info',
        ...testAuthEnv,
        RATE_LIMIT_MAX: '100000',
        ...this.options.env,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => this.output.push(String(d)));
    child.stderr?.on('data', (d) => this.output.push(String(d)));
    return child;
  }
}

export const casePath = (caseId: string) => `/v1/cases/${encodeURIComponent(caseId)}`;

async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
