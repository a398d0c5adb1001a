import fp from 'fastify-plugin';
import type { Pool } from 'pg';
import { createPool, type PoolOptions } from '../../db/pool';
import { createRepository, type Repository } from '../../db/repository';

declare module 'fastify' {
  interface FastifyInstance {
    db: Repository;
  }
}

export interface DbPluginOptions extends Omit<PoolOptions, 'logger'> {
  /** An existing pool, which its owner ends; otherwise one is created for `databaseUrl` and ended with the app. */
  pool?: Pool;
  databaseUrl?: string;
}

/** The read model, the audit log and the calendar in PostgreSQL, as repository functions. */
export const dbPlugin = fp<DbPluginOptions>(
  async (app, options) => {
    if (!options.pool && !options.databaseUrl) throw new Error('DATABASE_URL is required');
    const { pool: given, databaseUrl, ...poolOptions } = options;
    const pool = given ?? createPool(databaseUrl!, { ...poolOptions, logger: app.log });
    app.decorate('db', createRepository(pool));
    if (!given) app.addHook('onClose', async () => pool.end());
  },
  { name: 'db' },
);
