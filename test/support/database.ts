import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { runMigrations } from '../../src/db/migrate';

export interface FreshDatabase {
  url: string;
  pool: Pool;
  /** Ends the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A migrated database of its own on the test PostgreSQL server, for tests whose relay passes claim every due notice:
 * other test files' notices would otherwise be in its outbox.
 */
export async function freshDatabase(name: string): Promise<FreshDatabase> {
  const serverUrl = process.env.BEATFLOW_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('no test database: the global setup sets BEATFLOW_TEST_DATABASE_URL');
  const database = `beatflow_${name.replace(/\W/g, '_')}_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  await runMigrations(url.toString());
  const pool = new Pool({ connectionString: url.toString(), max: 6 });
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      // pool.end() resolves before the server has seen every connection go; dropping with FORCE would cut those
      // short and their clients would report it. Wait for them instead.
      for (let tries = 0; ; tries++) {
        try {
          await admin.query(`DROP DATABASE ${database}`);
          break;
        } catch (err) {
          if ((err as { code?: string }).code !== '55006' || tries === 100) throw err;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      await admin.end();
    },
  };
}
