/**
 * Provisioning of the two Temporal binaries used in development and tests, from the package registries this
 * project can reach (neither binary can be downloaded directly on the project's machines):
 *
 * - the `temporal` CLI (its `server start-dev` is the development server), built with `go install`;
 * - the Java time-skipping test server, resolved from Maven Central (`io.temporal:temporal-test-server`).
 *
 * Both land in a per-user cache (`$XDG_CACHE_HOME/beatflow` or `~/.cache/beatflow`) and are reused from there.
 * Every cache entry is built in a staging folder beside it and renamed into place, so an interrupted run never
 * leaves a broken entry behind.
 *
 * Run directly (`node dist/src/dev/provision.js`, `npm run provision`) it provisions both and prints one line each.
 *
 * Environment (development tooling only, not read by the worker or the API):
 * - TEMPORAL_CLI_PATH: use this `temporal` executable instead of looking for one.
 * - TEMPORAL_TEST_SERVER_PATH: use this test server executable (same arguments as the upstream one: `<port>`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEST_SERVER_ARTIFACT = 'io.temporal:temporal-test-server';
export const TEST_SERVER_VERSION = '1.33.0';
/** The upstream main class of the test server. It binds every interface, so the wrapper runs LOOPBACK_MAIN_CLASS. */
export const TEST_SERVER_MAIN_CLASS = 'io.temporal.testserver.TestServer';
/** Same services and arguments as TEST_SERVER_MAIN_CLASS, bound to 127.0.0.1 only (compiled at provisioning). */
export const LOOPBACK_MAIN_CLASS = 'beatflow.LoopbackTestServer';
/** JVM flags that keep the test server's start-up well inside the 5 s the SDK allows it. */
export const TEST_SERVER_JVM_FLAGS = [
  '-XX:TieredStopAtLevel=1',
  '-XX:+UseSerialGC',
  '-Xshare:auto',
  '-XX:-UsePerfData',
  '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
];
const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const SLF4J_VERSION = '1.7.36';

export type ProvisionSource = 'env' | 'path' | 'cache' | 'built';
export interface Provisioned {
  path: string;
  source: ProvisionSource;
}
export type ProvisionLog = (line: string) => void;

const defaultLog: ProvisionLog = (line) => console.log(line);

/** `$XDG_CACHE_HOME/beatflow` when XDG_CACHE_HOME is an absolute path, else `~/.cache/beatflow`. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'beatflow');
  return path.join(os.homedir(), '.cache', 'beatflow');
}

export function temporalCliCachePath(root = cacheRoot()): string {
  return path.join(root, `temporal-cli-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

export function testServerCachePath(root = cacheRoot()): string {
  return path.join(root, `temporal-test-server-${TEST_SERVER_VERSION}`, 'temporal-test-server');
}

// ---------------------------------------------------------------------------------------------------------------
// small helpers

function isExecutableFile(file: string): boolean {
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

async function runOrThrow(what: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const result = await run(cmd, args, opts);
  if (result.code !== 0) {
    const how = result.signal ? `signal ${result.signal}` : `exit code ${result.code}`;
    throw new Error(`${what} failed (${how}): ${cmd} ${args.join(' ')}\n${tail(result.output)}`);
  }
  return result.output;
}

/** Removes staging folders that an interrupted run left in the cache (older than an hour, so not a running one). */
function sweepStaleStaging(root: string, prefix: string): void {
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
function commitStaging(staging: string, finalDir: string): void {
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

/**
 * The `temporal` CLI: TEMPORAL_CLI_PATH, else `temporal` on PATH, else the cache, else built into the cache with
 * `go install` (a few minutes). Undefined when none of these is possible (no Go toolchain): callers then fall
 * back to the SDK's own download.
 */
export async function ensureTemporalCli(log: ProvisionLog = defaultLog): Promise<Provisioned | undefined> {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    return { path: path.resolve(fromEnv), source: 'env' };
  }
  const onPath = findOnPath('temporal');
  if (onPath) return { path: onPath, source: 'path' };

  const root = cacheRoot();
  const cached = temporalCliCachePath(root);
  if (isExecutableFile(cached)) return { path: cached, source: 'cache' };

  const go = findGo();
  if (!go) {
    log(
      `temporal CLI: not found (TEMPORAL_CLI_PATH unset, no 'temporal' on PATH, nothing in ${path.dirname(cached)}) ` +
        `and no Go toolchain to build it; falling back to the Temporal SDK's own download`,
    );
    return undefined;
  }

  fs.mkdirSync(root, { recursive: true });
  const stagingPrefix = `.tmp-temporal-cli-${TEMPORAL_CLI_VERSION}-`;
  sweepStaleStaging(root, stagingPrefix);
  const staging = fs.mkdtempSync(path.join(root, stagingPrefix));
  log(`temporal CLI: building ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} with ${go} install (takes a few minutes)...`);
  try {
    await runOrThrow('go install of the temporal CLI', go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
      cwd: staging,
      env: { ...process.env, GOBIN: staging, GOFLAGS: '-mod=mod' },
    });
    const built = path.join(staging, 'temporal');
    if (!isExecutableFile(built)) throw new Error(`go install finished but ${built} is missing`);
    commitStaging(staging, path.dirname(cached));
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return { path: cached, source: 'built' };
}

// ---------------------------------------------------------------------------------------------------------------
// Java time-skipping test server

interface JavaTools {
  java: string;
  javac?: string;
  mvn: string;
}

function findJavaTools(): JavaTools | { missing: string } {
  const javaHome = process.env.JAVA_HOME;
  const javaBin = javaHome ? [path.join(javaHome, 'bin')] : [];
  const javaOnPath = javaHome && isExecutableFile(path.join(javaHome, 'bin', 'java')) ? path.join(javaHome, 'bin', 'java') : findOnPath('java');
  if (!javaOnPath) return { missing: 'java (a JDK 11+)' };
  // javac from the same JDK as java, so the launcher's class files suit the JVM that runs them.
  const java = fs.realpathSync(javaOnPath);
  const sibling = path.join(path.dirname(java), 'javac');
  const javac = isExecutableFile(sibling) ? sibling : findOnPath('javac', javaBin);
  const mvn = findOnPath('mvn');
  if (!mvn) return { missing: 'mvn (Maven)' };
  return { java, javac, mvn };
}

function testServerPom(): string {
  const [groupId, artifactId] = TEST_SERVER_ARTIFACT.split(':');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by beatflow src/dev/provision.ts to resolve the Temporal test server's runtime classpath. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>beatflow.provision</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>${groupId}</groupId>
      <artifactId>${artifactId}</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
    <dependency>
      <!-- a logger for the server's slf4j calls (warnings and up), instead of slf4j's "no binding" notice -->
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-simple</artifactId>
      <version>${SLF4J_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

const LOOPBACK_LAUNCHER_SOURCE = `package beatflow;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetSocketAddress;

/**
 * ${TEST_SERVER_MAIN_CLASS} with the same arguments (<port> [--enable-time-skipping]) and services, but
 * listening on 127.0.0.1 (or -Dbeatflow.testserver.host) instead of every interface.
 * Generated by beatflow src/dev/provision.ts.
 */
public final class LoopbackTestServer {
  public static void main(String[] args) throws Exception {
    boolean enableTimeSkipping = args.length == 2 && "--enable-time-skipping".equalsIgnoreCase(args[1]);
    if (args.length < 1 || args.length > 2 || (args.length == 2 && !enableTimeSkipping)) {
      System.err.println("Usage: <command> <port> [--enable-time-skipping]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String host = System.getProperty("beatflow.testserver.host", "127.0.0.1");
    // As upstream: time skipping starts locked unless --enable-time-skipping; SDK clients unlock it as needed.
    TestServicesStarter services = new TestServicesStarter(!enableTimeSkipping, 0L);
    ServerBuilder<?> builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port));
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      services.close();
    }));
    server.awaitTermination();
  }
}
`;

function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function testServerWrapper(java: string, mainClass: string): string {
  const classpath = mainClass === LOOPBACK_MAIN_CLASS ? '"$DIR/classes:$DIR/lib/*"' : '"$DIR/lib/*"';
  return `#!/bin/sh
# Temporal time-skipping test server ${TEST_SERVER_ARTIFACT}:${TEST_SERVER_VERSION} (Maven Central),
# provisioned by beatflow src/dev/provision.ts. Arguments as ${TEST_SERVER_MAIN_CLASS}: <port> [--enable-time-skipping].
# Main class: ${mainClass}${mainClass === LOOPBACK_MAIN_CLASS ? ` (the services of ${TEST_SERVER_MAIN_CLASS}, bound to 127.0.0.1 only)` : ''}
# Extra JVM options: BEATFLOW_TEST_SERVER_JAVA_OPTS.
DIR=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
JAVA=${shQuote(java)}
[ -x "$JAVA" ] || JAVA=java
exec "$JAVA" ${TEST_SERVER_JVM_FLAGS.join(' ')} $BEATFLOW_TEST_SERVER_JAVA_OPTS -cp ${classpath} ${mainClass} "$@"
`;
}

/**
 * The Java time-skipping test server: TEMPORAL_TEST_SERVER_PATH, else the cached wrapper
 * `<cacheRoot>/temporal-test-server-<version>/temporal-test-server`, else built there from Maven Central (jars copied
 * into that folder, an sh wrapper that execs java). Undefined when Java or Maven is missing: callers then fall back
 * to the SDK's own download.
 */
export async function ensureTestServer(log: ProvisionLog = defaultLog): Promise<Provisioned | undefined> {
  const fromEnv = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) throw new Error(`TEMPORAL_TEST_SERVER_PATH=${fromEnv} is not an executable file`);
    return { path: path.resolve(fromEnv), source: 'env' };
  }
  const root = cacheRoot();
  const wrapperPath = testServerCachePath(root);
  if (isExecutableFile(wrapperPath)) return { path: wrapperPath, source: 'cache' };

  const tools = findJavaTools();
  if ('missing' in tools) {
    log(`temporal test server: not in ${path.dirname(wrapperPath)} and no ${tools.missing} to provision it; falling back to the Temporal SDK's own download`);
    return undefined;
  }

  fs.mkdirSync(root, { recursive: true });
  const stagingPrefix = `.tmp-temporal-test-server-${TEST_SERVER_VERSION}-`;
  sweepStaleStaging(root, stagingPrefix);
  const staging = fs.mkdtempSync(path.join(root, stagingPrefix));
  log(`temporal test server: resolving ${TEST_SERVER_ARTIFACT}:${TEST_SERVER_VERSION} from Maven Central...`);
  let mainClass = LOOPBACK_MAIN_CLASS;
  try {
    const build = fs.mkdtempSync(path.join(os.tmpdir(), 'beatflow-test-server-build-'));
    try {
      fs.writeFileSync(path.join(build, 'pom.xml'), testServerPom());
      await runOrThrow('Maven (copying the test server jars)', tools.mvn, [
        '-q', '-B', '-f', path.join(build, 'pom.xml'),
        `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
        `-DoutputDirectory=${path.join(staging, 'lib')}`,
        '-DincludeScope=runtime',
      ], { cwd: build });
      const jars = fs.readdirSync(path.join(staging, 'lib')).filter((f) => f.endsWith('.jar'));
      if (!jars.some((f) => f.startsWith(`temporal-test-server-${TEST_SERVER_VERSION}`))) {
        throw new Error(`Maven finished but temporal-test-server-${TEST_SERVER_VERSION}.jar is not among ${jars.join(', ')}`);
      }

      if (tools.javac) {
        const srcDir = path.join(build, 'src', 'beatflow');
        fs.mkdirSync(srcDir, { recursive: true });
        const source = path.join(srcDir, 'LoopbackTestServer.java');
        fs.writeFileSync(source, LOOPBACK_LAUNCHER_SOURCE);
        await runOrThrow('javac (the loopback launcher of the test server)', tools.javac, [
          '-nowarn', '-cp', `${path.join(staging, 'lib')}/*`, '-d', path.join(staging, 'classes'), source,
        ]);
      } else {
        mainClass = TEST_SERVER_MAIN_CLASS;
        log(`temporal test server: WARNING no javac next to ${tools.java}: running ${TEST_SERVER_MAIN_CLASS} as is, which listens on every interface, not only 127.0.0.1`);
      }
    } finally {
      fs.rmSync(build, { recursive: true, force: true });
    }
    const stagedWrapper = path.join(staging, path.basename(wrapperPath));
    fs.writeFileSync(stagedWrapper, testServerWrapper(tools.java, mainClass), { mode: 0o755 });
    fs.chmodSync(staging, 0o755);
    commitStaging(staging, path.dirname(wrapperPath));
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  return { path: wrapperPath, source: 'built' };
}

// ---------------------------------------------------------------------------------------------------------------

function describe(what: string, result: Provisioned | undefined, startedAt: number, fallback: string): string {
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
  let startedAt = Date.now();
  const cli = await ensureTemporalCli();
  console.log(describe('temporal CLI', cli, startedAt, "the SDK's own download will be used"));
  startedAt = Date.now();
  const testServer = await ensureTestServer();
  console.log(describe('temporal test server', testServer, startedAt, "the SDK's own download will be used"));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`provisioning failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
