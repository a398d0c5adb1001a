import { loadConfig } from '../config';
import { runMigrations } from '../db/migrate';
import { createLogger } from '../logger';
import { buildApp } from './app';

/** Production entry of the API process. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  if (!config.TEMPORAL_ADDRESS || !config.DATABASE_URL) {
    throw new Error('TEMPORAL_ADDRESS and DATABASE_URL are required (npm start runs embedded servers instead)');
  }
  await runMigrations(config.DATABASE_URL, logger);
  const app = await buildApp({
    logger,
    temporal: { address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE },
    db: { databaseUrl: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE },
    apiTokens: config.API_TOKENS?.split(',').map((t) => t.trim()).filter(Boolean),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'closing');
      app.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
  await app.listen({ host: config.HOST, port: config.PORT });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
