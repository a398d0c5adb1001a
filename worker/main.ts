import { loadConfig } from '../src/config';
import { runMigrations } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { createLogger } from '../src/logger';
import { ensureCalendarWatch } from '../src/temporal/calendar';
import { connectClient } from '../src/temporal/client';
import { dataConverterOf, payloadCodecOf } from '../src/temporal/codec';
import { NativeConnection, createCaseWorker, installRuntime, startNoticeRelay, workerTuningOf } from './run';

/**
 * Production entry of the worker process. On SIGINT/SIGTERM the SDK's own handler shuts the worker down: it polls no
 * more, lets the tasks and activities in flight finish (SHUTDOWN_GRACE_MS), then `run()` returns and the connection
 * and the pool are closed. A second signal exits at once.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  installRuntime(config);
  if (!config.TEMPORAL_ADDRESS || !config.DATABASE_URL) {
    throw new Error('TEMPORAL_ADDRESS and DATABASE_URL are required (npm start runs embedded servers instead)');
  }
  const codec = payloadCodecOf(config, (message) => logger.warn(message));
  const dataConverter = dataConverterOf(codec);
  if (config.MIGRATE_ON_START) await runMigrations(config.DATABASE_MIGRATION_URL ?? config.DATABASE_URL, logger);
  const pool = createPool(config.DATABASE_URL, {
    max: config.DATABASE_POOL_SIZE,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    logger,
  });
  const relay = startNoticeRelay(config, pool, logger);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = await connectClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, dataConverter);
  const worker = await createCaseWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    pool,
    logger,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    client,
    dataConverter,
    codec,
    tuning: workerTuningOf(config),
  });
  await ensureCalendarWatch(client, config.TEMPORAL_TASK_QUEUE);
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) {
      logger.warn({ signal }, 'stopping at once');
      process.exit(1);
    }
    draining = true;
    logger.info({ signal }, 'draining');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, ...workerTuningOf(config) }, 'worker running');
  // Resolves once shut down and drained; rejects when the drain outlasts the grace (shutdownForceTime).
  await worker.run();
  await relay?.stop();
  await connection.close();
  await client.connection.close();
  await pool.end();
  logger.info('worker stopped');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
