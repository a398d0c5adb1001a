/**
 * Provisioning of the `temporal` CLI (its `server start-dev` is the Temporal of `npm start` and of the tests) and of
 * the Temporal UI server, from
 * the package registries this project can reach (the binary cannot be downloaded directly on the project's
 * machines): built with `go install` into a per-user cache (`$XDG_CACHE_HOME/beatflow` or `~/.cache/beatflow`) and
 * reused from there. Every cache entry is built in a staging folder beside it and renamed into place, so an
 * interrupted run never leaves a broken entry behind; the tests provision the Java test server into the same cache
 * with the helpers exported here.
 *
 * Run directly (`npm run provision`, after `npm run build`) it provisions both and prints what it found.
 *
 * Environment (development tooling only, not read by the worker or the API):
 * - TEMPORAL_CLI_PATH: use this `temporal` executable instead of looking for one;
 * - TEMPORAL_UI_SERVER_PATH: likewise for the UI server.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export type ProvisionSource = 'env' | 'path' | 'cache' | 'built';
export interface Provisioned {
  path: string;
  source: ProvisionSource;
}
export type ProvisionLog = (line: string) => void;

export const defaultLog: ProvisionLog = (line) => console.log(line);

/** `$XDG_CACHE_HOME/beatflow` when XDG_CACHE_HOME is an absolute path, else `~/.cache/beatflow`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'beatflow');
  return path.join(os.homedir(), '.cache', 'beatflow');
}

export function temporalCliCachePath(root = cacheRoot()): string {
  return path.join(root, `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

// ---------------------------------------------------------------------------------------------------------------
// cache entries and commands (the tests provision the Java test server with these too)

/** A regular file we may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on PATH (or among `extraDirs`), like `command -v`. */
export function findOnPath(name: string, extraDirs: string[] = [], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean).concat(extraDirs);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function seconds(startedAt: number): string {
  return `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs a command to completion, keeping the tail of its combined output for error messages. */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > 64_000) output = output.slice(-32_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export async function runOrThrow(what: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const result = await run(cmd, args, opts);
  if (result.code !== 0) {
    const how = result.signal ? `signal ${result.signal}` : `exit code ${result.code}`;
    throw new Error(`${what} failed (${how}): ${cmd} ${args.join(' ')}\n${tail(result.output)}`);
  }
  return result.output;
}

/** Removes staging folders that an interrupted run left in the cache (older than an hour, so not a running one). */
export function sweepStaleStaging(root: string, prefix: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return;
  }
  const cutoff = Date.now() - 60 * 60 * 1000;
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const full = path.join(root, entry);
    try {
      if (fs.statSync(full).mtimeMs < cutoff) fs.rmSync(full, { recursive: true, force: true });
    } catch {
      // another run may have removed it
    }
  }
}

/**
 * Moves a fully built staging folder to its final place. If another run got there first, its result is kept and
 * ours is dropped.
 */
export function commitStaging(staging: string, finalDir: string): void {
  try {
    fs.renameSync(staging, finalDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && fs.existsSync(finalDir)) {
      fs.rmSync(staging, { recursive: true, force: true });
      return;
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// temporal CLI

function findGo(): string | undefined {
  const extra = ['/usr/local/go/bin', '/usr/lib/go/bin'];
  if (process.env.GOROOT) extra.unshift(path.join(process.env.GOROOT, 'bin'));
  return findOnPath('go', extra);
}

/** A Go program this project runs, built from its module with `go install` into the cache. */
interface GoBinary {
  what: string;
  module: string;
  version: string;
  /** The file `go install` writes (the module's last path element). */
  built: string;
  /** The cache entry's path. */
  cached: (root: string) => string;
  /** The variable naming an executable to use instead. */
  envVar: string;
  /** The name looked for on PATH, if any. */
  onPath?: string;
}

const temporalCli: GoBinary = {
  what: 'temporal CLI',
  module: TEMPORAL_CLI_MODULE,
  version: TEMPORAL_CLI_VERSION,
  built: 'temporal',
  cached: temporalCliCachePath,
  envVar: 'TEMPORAL_CLI_PATH',
  onPath: 'temporal',
};

/**
 * The Temporal UI server, the same version as the UI image of docker-compose.yml: run beside the dev server (started
 * headless) so that `npm start` and the tests configure the UI as production does (the codec with credentials, write
 * actions off), which the dev server's own UI flags cannot.
 */
export const TEMPORAL_UI_SERVER_MODULE = 'github.com/temporalio/ui-server/v2/cmd/server';
export const TEMPORAL_UI_SERVER_VERSION = 'v2.42.1';
const temporalUiServer: GoBinary = {
  what: 'Temporal UI server',
  module: TEMPORAL_UI_SERVER_MODULE,
  version: TEMPORAL_UI_SERVER_VERSION,
  built: 'server',
  cached: (root) => path.join(root, `temporal-ui-server-${TEMPORAL_UI_SERVER_VERSION}`, 'server'),
  envVar: 'TEMPORAL_UI_SERVER_PATH',
};

/**
 * A Go program: its variable, else on PATH, else the cache, else built into the cache with `go install` (a minute or
 * a few). Undefined when none of these is possible (no Go toolchain).
 */
async function ensureGoBinary(binary: GoBinary, log: ProvisionLog): Promise<Provisioned | undefined> {
  const fromEnv = process.env[binary.envVar];
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) throw new Error(`${binary.envVar}=${fromEnv} is not an executable file`);
    return { path: path.resolve(fromEnv), source: 'env' };
  }
  const onPath = binary.onPath && findOnPath(binary.onPath);
  if (onPath) return { path: onPath, source: 'path' };

  const root = cacheRoot();
  const cached = binary.cached(root);
  if (isExecutableFile(cached)) return { path: cached, source: 'cache' };

  const go = findGo();
  if (!go) {
    log(`${binary.what}: not found (${binary.envVar} unset, nothing in ${path.dirname(cached)}) and no Go toolchain to build it`);
    return undefined;
  }

  fs.mkdirSync(root, { recursive: true });
  const stagingPrefix = `.tmp-${path.basename(path.dirname(cached))}-`;
  sweepStaleStaging(root, stagingPrefix);
  const staging = fs.mkdtempSync(path.join(root, stagingPrefix));
  log(`${binary.what}: building ${binary.module}@${binary.version} with ${go} install (takes a minute or a few)...`);
  try {
    await runOrThrow(`go install of the ${binary.what}`, go, ['install', `${binary.module}@${binary.version}`], {
      cwd: staging,
      env: { ...process.env, GOBIN: staging, GOFLAGS: '-mod=mod' },
    });
    const built = path.join(staging, binary.built);
    if (!isExecutableFile(built)) throw new Error(`go install finished but ${built} is missing`);
    if (binary.built !== path.basename(cached)) fs.renameSync(built, path.join(staging, path.basename(cached)));
    commitStaging(staging, path.dirname(cached));
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return { path: cached, source: 'built' };
}

/**
 * The `temporal` CLI: TEMPORAL_CLI_PATH, else `temporal` on PATH, else the cache, else built into the cache. Undefined
 * without a Go toolchain: callers then fall back to the SDK's own download.
 */
export function ensureTemporalCli(log: ProvisionLog = defaultLog): Promise<Provisioned | undefined> {
  return ensureGoBinary(temporalCli, log);
}

/** The Temporal UI server: TEMPORAL_UI_SERVER_PATH, else the cache, else built into the cache; undefined without Go. */
export function ensureTemporalUiServer(log: ProvisionLog = defaultLog): Promise<Provisioned | undefined> {
  return ensureGoBinary(temporalUiServer, log);
}

// ---------------------------------------------------------------------------------------------------------------

/** One line saying where a binary came from, or what happens without it. */
export function describeProvisioned(what: string, result: Provisioned | undefined, startedAt: number, fallback: string): string {
  if (!result) return `${what}: unavailable, ${fallback} (${seconds(startedAt)})`;
  const how: Record<ProvisionSource, string> = {
    env: 'from the environment',
    path: 'found on PATH',
    cache: 'found in the cache',
    built: 'built into the cache',
  };
  return `${what}: ${how[result.source]}: ${result.path} (${seconds(startedAt)})`;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const cli = await ensureTemporalCli();
  console.log(describeProvisioned('temporal CLI', cli, startedAt, "the SDK's own download will be used"));
  const ui = await ensureTemporalUiServer();
  console.log(describeProvisioned('Temporal UI server', ui, startedAt, 'no Temporal UI'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`provisioning failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
