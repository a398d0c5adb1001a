/**
 * Servers that `npm start` and the tests run themselves, each listening on 127.0.0.1 only and stopped by the PID
 * that was started here (never by name):
 *
 * - startTemporalDevServer: the `temporal` CLI's dev server (SQLite file), with beatflow's search attributes;
 * - startTemporalTestServer: the Java test server (a real in-memory Temporal), when no CLI could be provisioned;
 * - startEmbeddedPostgres: PGlite (PostgreSQL in WebAssembly, persistent in a folder) behind a socket server;
 * - startPostgresCluster: a throwaway PostgreSQL cluster from the Debian server binaries, for tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType, type SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { caseSearchAttributes } from '../domain/search-attributes';

const LOOPBACK = '127.0.0.1';

/** A TCP port that is free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// child processes owned by PID

/** Keeps the last lines a child process printed, for error messages. */
class OutputTail {
  private text = '';
  constructor(private readonly maxChars = 16_000) {}
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars);
  }
  lines(count = 40): string {
    return this.text.trimEnd().split('\n').slice(-count).join('\n');
  }
}

interface OwnedProcess {
  child: ChildProcess;
  pid: number;
  output: OutputTail;
  /** Set once the process has exited. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  exited: Promise<void>;
  /** Synchronous clean-up after a last-resort kill (e.g. removing a throwaway data folder). */
  cleanupSync?: () => void;
}

interface SpawnOwnedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Receives each output line (stdout and stderr) as it comes. */
  onOutput?: (line: string) => void;
}

const owned = new Set<OwnedProcess>();
let exitHookInstalled = false;

function killAllOwned(): void {
  for (const proc of owned) {
    if (!proc.exit) {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      proc.cleanupSync?.();
    } catch {
      // best effort
    }
  }
}

/**
 * Last resort: a process that exits without stopping its servers still takes them down with it, on a normal exit
 * and on a terminating signal that nobody else handles (when someone does, e.g. `npm start`'s graceful shutdown,
 * it stays theirs to stop the servers).
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllOwned);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      if (process.listenerCount(signal) > 0) return;
      killAllOwned();
      process.kill(process.pid, signal);
    });
  }
}

function spawnOwned(cmd: string, args: string[], opts: SpawnOwnedOptions = {}): OwnedProcess {
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    uid: opts.uid,
    gid: opts.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputTail();
  let pending = '';
  const onData = (chunk: Buffer): void => {
    output.push(chunk);
    if (opts.onOutput) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) opts.onOutput(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const proc: OwnedProcess = {
    child,
    pid: child.pid ?? -1,
    output,
    exit: undefined,
    exited: new Promise<void>((resolve) => {
      child.once('error', (err) => {
        output.push(`spawn error: ${err.message}\n`);
        proc.exit ??= { code: null, signal: null };
        resolve();
      });
      child.once('exit', (code, signal) => {
        proc.exit = { code, signal };
        resolve();
      });
    }),
  };
  if (child.pid === undefined) {
    // spawn failed synchronously enough that there is no PID; the 'error' event carries the reason
    proc.exit = { code: null, signal: null };
  }
  owned.add(proc);
  void proc.exited.then(() => owned.delete(proc));
  installExitHook();
  return proc;
}

/** Stops a process by its PID: `signal` first, SIGKILL after `graceMs`. Resolves once it has exited. */
async function stopOwned(proc: OwnedProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (proc.exit || proc.pid < 0) return;
  try {
    process.kill(proc.pid, signal);
  } catch {
    return; // already gone
  }
  const timer = new Promise<'timeout'>((resolve) => {
    const t = setTimeout(() => resolve('timeout'), graceMs);
    t.unref();
  });
  if ((await Promise.race([proc.exited.then(() => 'exited' as const), timer])) === 'timeout') {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
    await proc.exited;
  }
}

function describeExit(proc: OwnedProcess): string {
  if (!proc.exit) return 'still running';
  return proc.exit.signal ? `killed by ${proc.exit.signal}` : `exited with code ${proc.exit.code}`;
}

/**
 * Waits until `host:port` accepts TCP connections. Fails early when the process exits, and after `timeoutMs`;
 * either error carries the tail of the process's output.
 */
async function waitForPort(proc: OwnedProcess, what: string, host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exit) {
      await proc.exited; // so that a spawn error is in the output
      throw new Error(`${what} ${describeExit(proc)} before listening on ${host}:${port}. Its output:\n${proc.output.lines()}`);
    }
    if (await canConnect(host, port)) return;
    if (Date.now() > deadline) {
      throw new Error(`${what} (PID ${proc.pid}) did not listen on ${host}:${port} within ${timeoutMs / 1000} s. Its output:\n${proc.output.lines()}`);
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Temporal

const CLI_SEARCH_ATTRIBUTE_TYPES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `Name=Type` arguments of `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(keys: readonly SearchAttributeKey<SearchAttributeType>[] = caseSearchAttributes): string[] {
  return keys.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_SEARCH_ATTRIBUTE_TYPES[key.type]}`]);
}

export interface TemporalServerHandle {
  /** host:port of the frontend, for TEMPORAL_ADDRESS. */
  address: string;
  pid: number;
  stop(): Promise<void>;
}

export interface TemporalDevServerHandle extends TemporalServerHandle {
  /** The Web UI, or undefined when started headless. */
  uiUrl: string | undefined;
}

export interface TemporalDevServerOptions {
  cliPath: string;
  port: number;
  /** Web UI port; 0 or undefined: no UI (`--headless`). */
  uiPort?: number;
  /** SQLite file that keeps the server's state across restarts; undefined: in memory. */
  dbFile?: string;
  namespace?: string;
  /** Registered at start; defaults to beatflow's case search attributes. */
  searchAttributes?: readonly SearchAttributeKey<SearchAttributeType>[];
  /** Time to wait for the server to be ready (ms). */
  timeoutMs?: number;
  /** Receives the server's output lines (warnings and errors only, at --log-level warn). */
  onOutput?: (line: string) => void;
}

/**
 * Waits until the frontend answers and the namespace has the expected search attributes, so that the first
 * workflow started does not race the server's own start-up.
 */
async function waitForTemporalReady(
  address: string,
  namespace: string,
  keys: readonly SearchAttributeKey<SearchAttributeType>[],
  proc: OwnedProcess,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const { Connection: Conn } = await import('@temporalio/client');
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (proc.exit) throw new Error(`${what} ${describeExit(proc)}. Its output:\n${proc.output.lines()}`);
    let connection: Connection | undefined;
    try {
      connection = await Conn.connect({ address, connectTimeout: 2000 });
      const listed = await connection.operatorService.listSearchAttributes({ namespace });
      const custom = Object.keys(listed.customAttributes ?? {});
      const missing = keys.map((k) => k.name).filter((name) => !custom.includes(name));
      if (missing.length === 0) return;
      lastError = `search attributes not registered yet: ${missing.join(', ')}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    } finally {
      await connection?.close().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} (PID ${proc.pid}) at ${address} not ready within ${timeoutMs / 1000} s: ${lastError}. Its output:\n${proc.output.lines()}`);
    }
    await sleep(200);
  }
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1 with the search attributes registered, and waits until it is
 * ready. `stop()` ends that process by PID (SIGTERM, SIGKILL after a grace period).
 */
export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServerHandle> {
  const namespace = opts.namespace ?? 'default';
  const keys = opts.searchAttributes ?? caseSearchAttributes;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const args = ['server', 'start-dev', '--ip', LOOPBACK, '--port', String(opts.port)];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(path.resolve(opts.dbFile)), { recursive: true });
    args.push('--db-filename', opts.dbFile);
  }
  args.push('--namespace', namespace, '--log-level', 'warn', ...searchAttributeFlags(keys));

  const what = 'Temporal dev server';
  const proc = spawnOwned(opts.cliPath, args, { onOutput: opts.onOutput });
  const address = `${LOOPBACK}:${opts.port}`;
  const stop = (): Promise<void> => stopOwned(proc, 'SIGTERM', 10_000);
  try {
    await waitForPort(proc, what, LOOPBACK, opts.port, timeoutMs);
    await waitForTemporalReady(address, namespace, keys, proc, what, timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://${LOOPBACK}:${opts.uiPort}` : undefined,
    pid: proc.pid,
    stop,
  };
}

export interface TemporalTestServerOptions {
  /** The test server executable (see ensureTestServer in provision.ts): called with `<port>`. */
  path: string;
  port: number;
  namespace?: string;
  /** Registered once the server is up; defaults to beatflow's case search attributes. */
  searchAttributes?: readonly SearchAttributeKey<SearchAttributeType>[];
  timeoutMs?: number;
  onOutput?: (line: string) => void;
}

/** The search attributes as OperatorService.AddSearchAttributes takes them (the test servers have no CLI flag). */
export function indexedSearchAttributes(
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = caseSearchAttributes,
): Record<string, ReturnType<typeof encodeSearchAttributeIndexedValueType> & number> {
  return Object.fromEntries(
    keys.map((k) => {
      const type = encodeSearchAttributeIndexedValueType(k.type);
      if (type === undefined) throw new Error(`unknown search attribute type ${k.type} of ${k.name}`);
      return [k.name, type];
    }),
  );
}

/**
 * Starts the Java test server (a real in-memory Temporal; time skipping stays locked, so it runs in real time)
 * and registers the search attributes on it. For when no `temporal` CLI is available.
 */
export async function startTemporalTestServer(opts: TemporalTestServerOptions): Promise<TemporalServerHandle> {
  const namespace = opts.namespace ?? 'default';
  const keys = opts.searchAttributes ?? caseSearchAttributes;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const what = 'Temporal test server';
  const proc = spawnOwned(opts.path, [String(opts.port)], { onOutput: opts.onOutput });
  const address = `${LOOPBACK}:${opts.port}`;
  const stop = (): Promise<void> => stopOwned(proc, 'SIGTERM', 5_000);
  try {
    await waitForPort(proc, what, LOOPBACK, opts.port, timeoutMs);
    // The test server has no ListSearchAttributes; a successful AddSearchAttributes is its sign of readiness.
    const { Connection: Conn } = await import('@temporalio/client');
    const searchAttributes = indexedSearchAttributes(keys);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (proc.exit) throw new Error(`${what} ${describeExit(proc)}. Its output:\n${proc.output.lines()}`);
      let connection: Connection | undefined;
      try {
        connection = await Conn.connect({ address, connectTimeout: 2000 });
        await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
        break;
      } catch (err) {
        if (Date.now() > deadline) {
          throw new Error(`${what} (PID ${proc.pid}) at ${address} not ready within ${timeoutMs / 1000} s: ${(err as Error).message}. Its output:\n${proc.output.lines()}`);
        }
      } finally {
        await connection?.close().catch(() => undefined);
      }
      await sleep(200);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, pid: proc.pid, stop };
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL: embedded (PGlite)

export interface EmbeddedPostgresHandle {
  /** postgres://… URL for DATABASE_URL. */
  url: string;
  port: number;
  /**
   * PGlite is a single session: the socket server admits this many client connections at a time (1), and refuses
   * the others. Size connection pools accordingly (DATABASE_POOL_SIZE=1).
   */
  maxConnections: number;
  stop(): Promise<void>;
}

/**
 * PostgreSQL for `npm start` without anything installed: PGlite persisted under `dataDir`, served on
 * 127.0.0.1:`port` (0: any free port) by pglite-socket. One client connection at a time.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number }): Promise<EmbeddedPostgresHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const maxConnections = 1;
  const server = new PGLiteSocketServer({ db, host: LOOPBACK, port: opts.port, maxConnections });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  const port = Number(server.getServerConn().split(':').pop());
  let stopped = false;
  return {
    url: `postgres://postgres@${LOOPBACK}:${port}/postgres?sslmode=disable`,
    port,
    maxConnections,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL: a private throwaway cluster (tests)

interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** initdb and postgres from the newest /usr/lib/postgresql/<major>/bin, else from PATH. */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  const base = '/usr/lib/postgresql';
  let majors: string[] = [];
  try {
    majors = fs.readdirSync(base).filter((d) => /^\d+(\.\d+)?$/.test(d)).sort((a, b) => Number(b) - Number(a));
  } catch {
    // not a Debian layout
  }
  for (const major of majors) {
    const bin = path.join(base, major, 'bin');
    const found = { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
    if (isExecutable(found.initdb) && isExecutable(found.postgres)) return found;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const initdb = path.join(dir, 'initdb');
    if (!isExecutable(initdb)) continue;
    // keep initdb and postgres of the same installation: look beside the real initdb first
    const realBin = path.dirname(fs.realpathSync(initdb));
    for (const candidate of [path.join(realBin, 'postgres'), path.join(dir, 'postgres')]) {
      if (isExecutable(candidate)) return { initdb: path.join(realBin, 'initdb'), postgres: candidate };
    }
  }
  return undefined;
}

function systemUser(name: string): { uid: number; gid: number; home: string } | undefined {
  let passwd: string;
  try {
    passwd = fs.readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields.length >= 6) {
      return { uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] };
    }
  }
  return undefined;
}

async function runOwned(what: string, cmd: string, args: string[], opts: SpawnOwnedOptions): Promise<void> {
  const proc = spawnOwned(cmd, args, opts);
  await proc.exited;
  if (proc.exit?.code !== 0) {
    throw new Error(`${what} ${describeExit(proc)}: ${cmd} ${args.join(' ')}\n${proc.output.lines()}`);
  }
}

export interface PostgresClusterHandle {
  /** postgres://postgres@127.0.0.1:<port>/beatflow_test */
  url: string;
  /** The same server's `postgres` database, for creating more databases. */
  adminUrl: string;
  port: number;
  pid: number;
  /** Where the cluster lives (data and socket folders); removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

export interface PostgresClusterOptions {
  /** A folder in which a private cluster folder is created; it must be traversable by the `postgres` user when root. */
  baseDir: string;
  /** Defaults to a free port. */
  port?: number;
  database?: string;
  timeoutMs?: number;
}

/**
 * A private PostgreSQL cluster for tests: initdb into a fresh folder under `baseDir`, then `postgres` spawned
 * directly (so its PID is ours) on 127.0.0.1 with durability turned off, and a database `beatflow_test`.
 * PostgreSQL refuses to run as root: as root, both run as the `postgres` system user (Debian's package creates it).
 * `stop()` ends the server by PID (fast shutdown, SIGKILL after a grace period) and removes the folder.
 */
export async function startPostgresCluster(opts: PostgresClusterOptions): Promise<PostgresClusterHandle> {
  const bins = findPostgresBinaries();
  if (!bins) {
    throw new Error('PostgreSQL server binaries (initdb, postgres) not found under /usr/lib/postgresql/*/bin or on PATH: apt-get install -y postgresql');
  }
  const database = opts.database ?? 'beatflow_test';
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`invalid database name ${database}`);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let runAs: { uid: number; gid: number; home: string } | undefined;
  if (process.getuid?.() === 0) {
    runAs = systemUser('postgres');
    if (!runAs) throw new Error("PostgreSQL refuses to run as root and there is no 'postgres' system user (apt-get install -y postgresql creates it)");
  }

  fs.mkdirSync(opts.baseDir, { recursive: true });
  const dir = fs.mkdtempSync(path.join(opts.baseDir, 'beatflow-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'sock');
  fs.mkdirSync(socketDir);
  if (runAs) {
    fs.chownSync(dir, runAs.uid, runAs.gid);
    fs.chownSync(socketDir, runAs.uid, runAs.gid);
  }
  const removeDir = (): void => fs.rmSync(dir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  if (runAs) {
    env.HOME = runAs.home;
    env.USER = 'postgres';
    env.LOGNAME = 'postgres';
  }
  const as = { cwd: dir, env, uid: runAs?.uid, gid: runAs?.gid };

  try {
    await runOwned('initdb', bins.initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], as);
  } catch (err) {
    removeDir();
    const hint = runAs ? ` (the postgres user must be able to reach ${opts.baseDir})` : '';
    throw new Error(`${(err as Error).message}${hint}`);
  }

  const port = opts.port ?? (await freePort());
  const proc = spawnOwned(bins.postgres, [
    '-D', dataDir, '-k', socketDir, '-h', LOOPBACK, '-p', String(port),
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'max_connections=200', '-c', 'log_min_messages=warning',
  ], as);
  proc.cleanupSync = removeDir;
  // SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to disconnect).
  const stop = async (): Promise<void> => {
    await stopOwned(proc, 'SIGINT', 10_000);
    removeDir();
  };

  try {
    await waitForPort(proc, 'PostgreSQL', LOOPBACK, port, timeoutMs);
    const adminUrl = `postgres://postgres@${LOOPBACK}:${port}/postgres`;
    const { Client } = await import('pg');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = new Client({ connectionString: adminUrl });
      try {
        await client.connect();
        await client.query(`CREATE DATABASE ${database}`);
        break;
      } catch (err) {
        // "the database system is starting up" until recovery is done
        if (proc.exit || Date.now() > deadline) {
          throw new Error(`PostgreSQL (PID ${proc.pid}) not ready on port ${port}: ${(err as Error).message}\n${proc.output.lines()}`);
        }
        await sleep(100);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    return { url: `postgres://postgres@${LOOPBACK}:${port}/${database}`, adminUrl, port, pid: proc.pid, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A fresh temporary folder (for dev server db files and the like). */
export function tempDir(prefix = 'beatflow-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
