/**
 * `npm start`: beatflow on one machine with nothing installed or configured. Starts what is not given by the
 * environment — the Temporal dev server (state in BEATFLOW_DATA_DIR, Web UI) and an embedded PostgreSQL — then
 * runs the migrations, the worker and the API in this process. Production runs worker/main and src/api/main.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import Fastify from 'fastify';
import { createCaseWorker, startNoticeRelay, workerTuningOf } from '../../worker/run';
import { app as apiApp, serverOptions } from '../api/app';
import { roles } from '../domain/roles';
import { mintToken } from '../api/tokens';
import { developmentIdentities } from '../api/routes/session';
import { authConfig, loadConfig } from '../config';
import { runMigrations } from '../db/migrate';
import { createPool } from '../db/pool';
import { createLogger } from '../logger';
import { ensureCalendarWatch } from '../temporal/calendar';
import { connectClient } from '../temporal/client';
import { devSecret } from './dev-secret';
import { dataConverterOf, payloadCodecOf } from '../temporal/codec';
import { developmentPayloadKeys } from './payload-keys';
import { startEmbeddedPostgres } from './embedded-postgres';
import { ensureTemporalCli, ensureTemporalUiServer } from './provision';
import { startTemporalDevServer } from './temporal-dev-server';
import { startTemporalUiServer } from './temporal-ui-server';

async function main(): Promise<void> {
  // What npm start writes (the embedded databases, the development keys and secret) is the user's alone, and so is what
  // the servers it starts write: they inherit the mask.
  process.umask(0o077);
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const dataDir = path.resolve(config.BEATFLOW_DATA_DIR);
  // The folder itself the user's alone: files an earlier start wrote before the mask (or PGlite's own 0666) are closed too.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
  const stops: Array<() => Promise<void>> = [];
  const shutdown = async (code: number) => {
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, 'shutdown step failed'));
    process.exit(code);
  };

  try {
    const payloadKeys = developmentPayloadKeys(dataDir, config.PAYLOAD_ENCRYPTION_KEYS, (line) => logger.info(line));
    const payloadCodec = payloadCodecOf({ ...config, PAYLOAD_ENCRYPTION_KEYS: payloadKeys });
    const dataConverter = dataConverterOf(payloadCodec);
    const apiHost = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    let temporalAddress = config.TEMPORAL_ADDRESS;
    let uiUrl: string | undefined;
    if (!temporalAddress) {
      const cli = await ensureTemporalCli((line) => logger.info(line));
      if (!cli) throw new Error('no `temporal` CLI: install Go (to build it) or put `temporal` on PATH, or set TEMPORAL_ADDRESS');
      const server = await startTemporalDevServer({
        cliPath: cli.path,
        port: 7233,
        dbFile: path.join(dataDir, 'temporal.sqlite'),
        namespace: config.TEMPORAL_NAMESPACE,
      });
      stops.push(server.stop);
      temporalAddress = server.address;
      const uiServer = await ensureTemporalUiServer((line) => logger.info(line));
      if (uiServer) {
        // The UI decodes payloads through the API's codec endpoint, with the session of the person signed in there.
        const ui = await startTemporalUiServer({
          serverPath: uiServer.path,
          temporalAddress,
          port: config.TEMPORAL_UI_PORT,
          codecEndpoint: `http://${apiHost}:${config.PORT}/codec`,
        });
        stops.push(ui.stop);
        uiUrl = ui.url;
      } else logger.warn('no Temporal UI: its server could not be provisioned (no Go toolchain)');
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
    const client = await connectClient(temporalAddress, config.TEMPORAL_NAMESPACE, dataConverter);
    stops.push(() => client.connection.close());
    const worker = await createCaseWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      pool,
      logger,
      client,
      dataConverter,
      codec: payloadCodec,
      tuning: workerTuningOf(config),
    });
    await ensureCalendarWatch(client, config.TEMPORAL_TASK_QUEUE);
    const running = worker.run();
    stops.push(async () => {
      // The SDK's own SIGINT/SIGTERM handler may have begun the worker's shutdown already.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    // Without a configured key, a development secret generated once and kept in the data directory signs and verifies.
    const secret = config.AUTH_JWT_SECRET || config.AUTH_JWKS_URL ? undefined : await devSecret(dataDir);
    const auth = authConfig(config, secret);
    const app = Fastify(serverOptions(logger, { requestTimeoutMs: config.REQUEST_TIMEOUT_MS }));
    await app.register(apiApp, {
      temporal: { address: temporalAddress, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, dataConverter },
      db: { pool },
      auth,
      rateLimit: { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS },
      payloadCodec,
      // The UI started here, unless another origin is configured.
      codecCorsOrigin: process.env.CODEC_CORS_ORIGIN ? config.CODEC_CORS_ORIGIN : (uiUrl ?? config.CODEC_CORS_ORIGIN),
      devSignIn: auth.jwtSecret
        ? { identities: developmentIdentities, secret: auth.jwtSecret, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, uiUrl }
        : undefined,
    });
    stops.push(() => app.close());
    const address = await app.listen({ host: config.HOST, port: config.PORT });

    console.log(`\nbeatflow is running
  API         ${address}
  API docs    ${address}/docs
  Temporal UI ${uiUrl ?? '(external Temporal at ' + temporalAddress + ')'}${uiUrl ? `, decoding through ${address}/codec for the person signed in` : ''}
  Sign in     ${auth.jwtSecret ? `${address}/sign-in (development identities; the Temporal UI then decodes as that person)` : '(through the identity provider: POST /session)'}
  Data        ${config.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : dataDir}${
    uiUrl ? `\n  Temporal    ${temporalAddress}: the development server has no authentication; it listens on this machine only (127.0.0.1)` : ''
  }
Press Ctrl+C to stop.\n`);
    if (auth.jwtSecret) console.log(await developmentTokens(auth.jwtSecret, config.AUTH_ISSUER, config.AUTH_AUDIENCE));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(0));
    await running;
  } catch (err) {
    logger.error({ err }, 'beatflow could not start');
    await shutdown(1);
  }
}

/** Development station of the printed tokens. */
const devStation = 'S-01';

/** One token per role for station S-01 (the supervisor's for every station), valid a working day (12 h); subjects are role names, no person's. */
async function developmentTokens(secret: string, issuer: string, audience: string): Promise<string> {
  const lines = [
    'Development tokens, valid 12 hours (Authorization: Bearer <token>; mint others with `npm run token -- --role officer --station S-01 --sub P-20931`):',
  ];
  for (const role of roles) {
    const stationIds = role === 'supervisor' ? ['*'] : role === 'admin' ? [] : [devStation];
    const token = await mintToken({ secret, issuer, audience, sub: `dev-${role}`, roles: [role], stationIds, ttlSeconds: 12 * 3600 });
    lines.push(`  ${role.padEnd(15)} ${token}`);
  }
  return lines.join('\n') + '\n';
}

void main();
