/**
 * A time-skipping Temporal test environment on the Java test server that provision-test-server.ts provisions from
 * Maven Central (TEMPORAL_TEST_SERVER_PATH overrides it); the SDK's own download when it cannot be provisioned.
 * Each call starts its own server: call teardown() on the result.
 */
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../../src/dev/processes';
import { testDataConverter } from './payload-codec';
import { ensureTestServer } from './provision-test-server';
import { indexedSearchAttributes, startTemporalTestServer } from './temporal-test-server';

interface TimeSkippingOnExistingServer {
  create(opts: {
    server: { type: 'existing' };
    address: string;
    namespace: string;
    supportsTimeSkipping: true;
    client: { dataConverter: DataConverter };
  }): Promise<TestWorkflowEnvironment>;
}

/** The environment's client seals payloads with the tests' codec; workers pass it too (cases.ts `caseWorker`). */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const testServer = await ensureTestServer();
  if (!testServer) {
    const env = await TestWorkflowEnvironment.createTimeSkipping({ client: { dataConverter: testDataConverter } });
    await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: indexedSearchAttributes() });
    return env;
  }
  // The SDK gives a server it starts itself 5 s, which a JVM on a busy machine can miss; this one waits up to a minute
  // and the SDK's (untyped) factory for a time-skipping environment connects to it.
  const server = await startTemporalTestServer({ path: testServer.path, port: await freePort() });
  try {
    const env = await (TestWorkflowEnvironment as unknown as TimeSkippingOnExistingServer).create({
      server: { type: 'existing' },
      address: server.address,
      namespace: 'default',
      supportsTimeSkipping: true,
      client: { dataConverter: testDataConverter },
    });
    const teardown = env.teardown.bind(env);
    return Object.assign(env, { teardown: () => teardown().finally(() => server.stop()) });
  } catch (err) {
    await server.stop();
    throw err;
  }
}
