/**
 * The Java test server for the tests: started as a real in-memory Temporal (time skipping locked, so real time) when
 * no `temporal` CLI could be provisioned, and the search attributes in the form its OperatorService takes them.
 */
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType, type SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { describeExit, LOOPBACK, sleep, spawnOwned, stopOwned, waitForPort } from '../../src/dev/processes';
import type { TemporalServerHandle } from '../../src/dev/temporal-dev-server';
import { caseSearchAttributes } from '../../src/domain/search-attributes';

export interface TemporalTestServerOptions {
  /** The test server executable (see ensureTestServer in provision-test-server.ts): called with `<port>`. */
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
          throw new Error(
            `${what} (PID ${proc.pid}) at ${address} not ready within ${timeoutMs / 1000} s: ${(err as Error).message}. Its output:\n${proc.output.lines()}`,
          );
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
