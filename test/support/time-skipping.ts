/**
 * A time-skipping Temporal test environment on the Java test server that provision-test-server.ts provisions from
 * Maven Central (TEMPORAL_TEST_SERVER_PATH overrides it); the SDK's own download when it cannot be provisioned.
 * Each call starts its own server: call teardown() on the result.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTestServer } from './provision-test-server';
import { indexedSearchAttributes } from './temporal-test-server';

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const testServer = await ensureTestServer();
  const env = testServer
    ? await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer.path } } })
    : await TestWorkflowEnvironment.createTimeSkipping();
  await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: indexedSearchAttributes() });
  return env;
}
