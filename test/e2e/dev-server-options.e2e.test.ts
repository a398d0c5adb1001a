/**
 * The dev server takes dynamic configuration (the bench sizes Temporal's caches with it): a value given at start
 * governs the server, as a limit it then enforces shows.
 */
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../src/dev/processes';
import { ensureTemporalCli } from '../../src/dev/provision';
import { type TemporalDevServerHandle, startTemporalDevServer } from '../../src/dev/temporal-dev-server';

let server: TemporalDevServerHandle;
let connection: Connection;

beforeAll(async () => {
  const cli = await ensureTemporalCli(() => undefined);
  if (!cli) throw new Error('no temporal CLI could be provisioned');
  server = await startTemporalDevServer({ cliPath: cli.path, port: await freePort(), dynamicConfig: { 'limit.maxIDLength': 40 } });
  connection = await Connection.connect({ address: server.address });
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

test('a dynamic configuration value given at start is in force: workflow ids longer than the limit are refused', async () => {
  const client = new Client({ connection });
  const start = (workflowId: string) => client.workflow.start('anything', { taskQueue: 'nobody-polls', workflowId });
  const refused = (await start('case-' + 'x'.repeat(50)).catch((err: unknown) => err)) as Error & { cause?: Error };
  expect(refused).toBeInstanceOf(Error);
  expect(refused.cause?.message).toMatch(/length/i);
  const accepted = await start('case-short');
  expect(accepted.workflowId).toBe('case-short');
  await accepted.terminate('the test is over');
});
