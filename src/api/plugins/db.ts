import fp from 'fastify-plugin';
import type { Pool } from 'pg';
import { createPool } from '../../db/pool';

declare module 'fastify' {
  interface FastifyInstance {
    db: Pool;
  }
}

export interface DbPluginOptions {
  /** An existing pool (tests); otherwise one is created for `databaseUrl` and ended with the app. */
  pool?: Pool;
  databaseUrl?: string;
  poolSize?: number;
}

/** The PostgreSQL pool of the read model and the audit log. */
export const dbPlugin = fp<DbPluginOptions>(
  async (app, options) => {
    const owned = !options.pool;
    if (!options.pool && !options.databaseUrl) throw new Error('DATABASE_URL is required');
    const pool = options.pool ?? createPool(options.databaseUrl!, options.poolSize);
    app.decorate('db', pool);
    if (owned) app.addHook('onClose', async () => pool.end());
  },
  { name: 'db' },
);
