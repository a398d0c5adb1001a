/**
 * `npm start`: beatflow on one machine with nothing installed or configured. Starts what is not given by the
 * environment — the Temporal dev server (state in BEATFLOW_DATA_DIR, Web UI) and an embedded PostgreSQL — then
 * runs the migrations, the worker and the API in this process. Production runs worker/main and src/api/main.
 */
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import Fastify from 'fastify';
import { createCaseWorker, startNoticeRelay } from '../../worker/run';
import { app as apiApp, serverOptions } from '../api/app';
import { loadConfig } from '../config';
import { runMigrations } from '../db/migrate';
import { createPool } from '../db/pool';
import { createLogger } from '../logger';
import { ensureCalendarWatch } from '../temporal/calendar';
import { connectClient } from '../temporal/client';
import { startEmbeddedPostgres } from './embedded-postgres';
import { ensureTemporalCli } from './provision';
import { startTemporalDevServer } from './temporal-dev-server';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const dataDir = path.resolve(config.BEATFLOW_DATA_DIR);
  const stops: Array<() => Promise<void>> = [];
  const shutdown = async (code: number) => {
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, 'shutdown step failed'));
    process.exit(code);
  };

  try {
    let temporalAddress = config.TEMPORAL_ADDRESS;
    let uiUrl: string | undefined;
    if (!temporalAddress) {
      const cli = await ensureTemporalCli((line) => logger.info(line));
      if (!cli) throw new Error('no `temporal` CLI: install Go (to build it) or put `temporal` on PATH, or set TEMPORAL_ADDRESS');
      const server = await startTemporalDevServer({
        cliPath: cli.path,
        port: 7233,
        uiPort: config.TEMPORAL_UI_PORT,
        dbFile: path.join(dataDir, 'temporal.sqlite'),
        namespace: config.TEMPORAL_NAMESPACE,
      });
      stops.push(server.stop);
      temporalAddress = server.address;
      uiUrl = server.uiUrl;
    }

    let databaseUrl = config.DATABASE_URL;
    let poolSize = config.DATABASE_POOL_SIZE;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pglite'), port: 5433 });
      stops.push(pg.stop);
      databaseUrl = pg.url;
      poolSize = pg.maxConnections;
    }
    // The embedded database has one role: the migration URL applies only to a PostgreSQL given by DATABASE_URL.
    await runMigrations((config.DATABASE_URL && config.DATABASE_MIGRATION_URL) || databaseUrl, logger);

    const pool = createPool(databaseUrl, {
      max: poolSize,
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      logger,
    });
    stops.push(() => pool.end());
    const relay = startNoticeRelay(config, pool, logger);
    if (relay) stops.push(() => relay.stop());
    const connection = await NativeConnection.connect({ address: temporalAddress });
    stops.push(() => connection.close());
    const client = await connectClient(temporalAddress, config.TEMPORAL_NAMESPACE);
    stops.push(() => client.connection.close());
    const worker = await createCaseWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      pool,
      logger,
      client,
    });
    await ensureCalendarWatch(client, config.TEMPORAL_TASK_QUEUE);
    const running = worker.run();
    stops.push(async () => {
      // The SDK's own SIGINT/SIGTERM handler may have begun the worker's shutdown already.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const app = Fastify(serverOptions(logger));
    await app.register(apiApp, {
      temporal: { address: temporalAddress, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE },
      db: { pool },
      apiTokens: config.API_TOKENS?.split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    });
    stops.push(() => app.close());
    const address = await app.listen({ host: config.HOST, port: config.PORT });

    console.log(`\nbeatflow is running
  API         ${address}
  API docs    ${address}/docs
  Temporal UI ${uiUrl ?? '(external Temporal at ' + temporalAddress + ')'}
  Data        ${config.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : dataDir}
Press Ctrl+C to stop.\n`);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(0));
    await running;
  } catch (err) {
    logger.error({ err }, 'beatflow could not start');
    await shutdown(1);
  }
}

void main();
