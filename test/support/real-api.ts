import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { app as apiApp, serverOptions } from '../../src/api/app';
import { testAuth } from './auth';
import { bundleWorkflows, silentLogger, testPool, uniqueQueue } from './cases';
import { type FreshDatabase, freshDatabase } from './database';
import { testDataConverter, testPayloadCodec } from './payload-codec';

export interface RealApi {
  app: FastifyInstance;
  pool: Pool;
  client: Client;
  nativeConnection: NativeConnection;
  taskQueue: string;
}

/**
 * The API on the real Temporal dev server and PostgreSQL, with a real worker on a task queue of its own, built before
 * the file's tests and closed after them. `ownDatabase`: a fresh database, for a file whose writes (calendar years)
 * would otherwise reach other files' cases.
 */
export function useRealApi(name: string, options: { ownDatabase?: boolean } = {}): RealApi {
  const api = {} as RealApi;
  const address = process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  let database: FreshDatabase | undefined;
  let connection: Connection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  beforeAll(async () => {
    api.taskQueue = uniqueQueue(name);
    if (options.ownDatabase) database = await freshDatabase(name);
    api.pool = database ? database.pool : await testPool();
    connection = await Connection.connect({ address });
    api.nativeConnection = await NativeConnection.connect({ address });
    api.client = new Client({ connection, dataConverter: testDataConverter });
    worker = await Worker.create({
      connection: api.nativeConnection,
      taskQueue: api.taskQueue,
      workflowBundle: await bundleWorkflows(),
      dataConverter: testDataConverter,
      activities: createActivities({ pool: api.pool, logger: silentLogger, client: api.client, codec: testPayloadCodec }),
    });
    running = worker.run();
    api.app = Fastify(serverOptions(silentLogger));
    await api.app.register(apiApp, {
      temporal: { client: api.client, namespace: 'default', taskQueue: api.taskQueue },
      db: { pool: api.pool },
      auth: testAuth,
      rateLimit: { max: 100_000, windowMs: 60_000 },
      payloadCodec: testPayloadCodec,
    });
  });

  afterAll(async () => {
    await api.app?.close();
    worker?.shutdown();
    await running;
    await connection?.close();
    await api.nativeConnection?.close();
    if (database) await database.drop();
    else await api.pool?.end();
  });

  return api;
}
