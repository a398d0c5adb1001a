import { Pool } from 'pg';

/** A pg pool; `max: 1` for the embedded PGlite, which serves one connection at a time. */
export function createPool(databaseUrl: string, max = 10): Pool {
  return new Pool({ connectionString: databaseUrl, max, idleTimeoutMillis: 30_000 });
}
