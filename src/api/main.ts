import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { authConfig, loadConfig } from '../config';
import { runMigrations } from '../db/migrate';
import { createLogger } from '../logger';
import { dataConverterOf, payloadCodecOf } from '../temporal/codec';
import { app, serverOptions } from './app';
import { developmentIdentities } from './routes/session';
import { createApiMetrics, serveMetrics } from './metrics';

/** Production entry of the API process: builds Fastify, registers the app, listens, and closes on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  // No verification key, no API: it never runs open.
  const auth = authConfig(config);
  const logger = createLogger(config.LOG_LEVEL);
  if (!config.TEMPORAL_ADDRESS || !config.DATABASE_URL) {
    throw new Error('TEMPORAL_ADDRESS and DATABASE_URL are required (npm start runs embedded servers instead)');
  }
  const payloadCodec = payloadCodecOf(config, (message) => logger.warn(message));
  if (config.MIGRATE_ON_START) await runMigrations(config.DATABASE_MIGRATION_URL ?? config.DATABASE_URL, logger);
  const server = Fastify(serverOptions(logger, { requestTimeoutMs: config.REQUEST_TIMEOUT_MS }));
  closeOnSignals(server, logger, config.SHUTDOWN_GRACE_MS);
  const metrics = config.API_METRICS_PORT ? createApiMetrics() : undefined;
  await server.register(app, {
    temporal: {
      address: config.TEMPORAL_ADDRESS,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      dataConverter: dataConverterOf(payloadCodec),
    },
    payloadCodec,
    codecCorsOrigin: config.CODEC_CORS_ORIGIN,
    devSignIn:
      config.AUTH_DEV_SIGN_IN && config.AUTH_JWT_SECRET
        ? {
            identities: developmentIdentities,
            secret: config.AUTH_JWT_SECRET,
            issuer: config.AUTH_ISSUER,
            audience: config.AUTH_AUDIENCE,
            uiUrl: config.CODEC_CORS_ORIGIN,
          }
        : undefined,
    metrics,
    db: {
      databaseUrl: config.DATABASE_URL,
      max: config.DATABASE_POOL_SIZE,
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    },
    auth,
    rateLimit: { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS },
  });
  if (metrics && config.API_METRICS_PORT) {
    const metricsServer = await serveMetrics(metrics.registry, config.METRICS_HOST, config.API_METRICS_PORT);
    server.addHook('onClose', async () => {
      metricsServer.closeAllConnections();
      await new Promise((resolve) => metricsServer.close(resolve));
    });
    logger.info({ host: config.METRICS_HOST, port: config.API_METRICS_PORT }, 'metrics at /metrics');
  }
  await server.listen({ host: config.HOST, port: config.PORT });
}

/**
 * The first signal stops new requests (503) and lets those in flight finish, then ends the pool and the Temporal
 * connection (the plugins' onClose); a second signal, or the grace running out, exits at once.
 */
function closeOnSignals(server: FastifyInstance, logger: Logger, graceMs: number): void {
  let closing = false;
  // An answer given while closing ends its keep-alive connection, which would otherwise hold the close until it idles out.
  server.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'closing at once');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'closing');
    setTimeout(() => {
      logger.error({ graceMs }, 'requests still in flight after the grace period');
      process.exit(1);
    }, graceMs).unref();
    server.close().then(
      () => {
        logger.info('closed');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'closing failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
