import { Pool } from 'pg';
import type { Logger } from 'pino';

export interface PoolOptions {
  /** `1` for the embedded PGlite, which serves one connection at a time. */
  max?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
  logger?: Pick<Logger, 'warn'>;
}

/**
 * A pg pool that fails fast when PostgreSQL is down or hangs: a bounded wait for a connection, statements cancelled by
 * the server after `statementTimeoutMs`, and a client-side bound a second later for a server that no longer answers.
 */
export function createPool(databaseUrl: string, options: PoolOptions = {}): Pool {
  const { max = 10, connectTimeoutMs = 3_000, statementTimeoutMs = 15_000, logger } = options;
  const pool = new Pool({
    connectionString: databaseUrl,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 1_000,
  });
  // An idle connection that the server drops (a restart, a failover) is emitted here; unheard, it would end the process.
  pool.on('error', (err: Error & { code?: string }) => logger?.warn({ code: err.code }, 'idle database connection lost'));
  return pool;
}
