/**
 * The `temporal` CLI's dev server (`temporal server start-dev`, SQLite file, headless) on 127.0.0.1 with beatflow's
 * search attributes registered: the Temporal of `npm start`, and of the tests when they start their own.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { caseSearchAttributes } from '../domain/search-attributes';
import { describeExit, LOOPBACK, type OwnedProcess, sleep, spawnOwned, stopOwned, waitForPort } from './processes';

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

export type TemporalDevServerHandle = TemporalServerHandle;

export interface TemporalDevServerOptions {
  cliPath: string;
  port: number;
  /** SQLite file that keeps the server's state across restarts; undefined: in memory. */
  dbFile?: string;
  /** SQLite pragmas for `dbFile` (`--sqlite-pragma`); by default a write-ahead log, still synced at every commit. */
  sqlitePragmas?: string[];
  /** Dynamic configuration values (`--dynamic-config-value key=json`). */
  dynamicConfig?: Record<string, unknown>;
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
      throw new Error(
        `${what} (PID ${proc.pid}) at ${address} not ready within ${timeoutMs / 1000} s: ${lastError}. Its output:\n${proc.output.lines()}`,
      );
    }
    await sleep(200);
  }
}

/**
 * SQLite's rollback journal syncs the journal and the database file on every commit; with many open cases the server
 * then waits on the disk. A write-ahead log syncs one file per commit (synchronous=full keeps every acknowledged
 * commit across a power loss, which `normal` would not).
 */
export const durableWriteAheadLog = ['journal_mode=wal', 'synchronous=full'];

/**
 * Starts `temporal server start-dev` on 127.0.0.1 with the search attributes registered, and waits until it is
 * ready. `stop()` ends that process by PID (SIGTERM, SIGKILL after a grace period).
 */
export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServerHandle> {
  const namespace = opts.namespace ?? 'default';
  const keys = opts.searchAttributes ?? caseSearchAttributes;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const args = ['server', 'start-dev', '--ip', LOOPBACK, '--port', String(opts.port)];
  // Its UI is the UI server's (temporal-ui-server.ts), which can be configured as production's.
  args.push('--headless');
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(path.resolve(opts.dbFile)), { recursive: true });
    args.push('--db-filename', opts.dbFile);
    for (const pragma of opts.sqlitePragmas ?? durableWriteAheadLog) args.push('--sqlite-pragma', pragma);
  }
  for (const [key, value] of Object.entries(opts.dynamicConfig ?? {})) args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
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
  return { address, pid: proc.pid, stop };
}
