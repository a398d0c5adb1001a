import { existsSync } from 'node:fs';
import path from 'node:path';
import runner from 'node-pg-migrate';
import { Pool } from 'pg';
import type { Logger } from 'pino';
import { seedCalendar } from './calendar';

/** The SQL migrations ship as source, so the same folder serves `src/` under jest and `dist/` in production. */
export const migrationsDir = path.join(packageRoot(__dirname), 'src', 'db', 'migrations');

/** Brings the schema up to date and seeds the shipped calendar years; safe to run from several processes at once (node-pg-migrate takes a lock). */
export async function runMigrations(databaseUrl: string, logger?: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'schema_migrations',
    count: Infinity,
    log: (message) => logger?.debug({ migration: message }, 'migration'),
  });
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  try {
    await seedCalendar(pool);
  } finally {
    await pool.end();
  }
  return applied.map((m) => m.name);
}

function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + from);
    dir = parent;
  }
  return dir;
}
