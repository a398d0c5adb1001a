import fp from 'fastify-plugin';
import type { Pool } from 'pg';
import { createPool } from '../../db/pool';
import { createRepository, type Repository } from '../../db/repository';

declare module 'fastify' {
  interface FastifyInstance {
    db: Repository;
  }
}

export interface DbPluginOptions {
  /** An existing pool, which its owner ends; otherwise one is created for `databaseUrl` and ended with the app. */
  pool?: Pool;
  databaseUrl?: string;
  poolSize?: number;
}

/** The read model, the audit log and the calendar in PostgreSQL, as repository functions. */
export const dbPlugin = fp<DbPluginOptions>(
  async (app, options) => {
    if (!options.pool && !options.databaseUrl) throw new Error('DATABASE_URL is required');
    const pool = options.pool ?? createPool(options.databaseUrl!, options.poolSize);
    app.decorate('db', createRepository(pool));
    if (!options.pool) app.addHook('onClose', async () => pool.end());
  },
  { name: 'db' },
);
