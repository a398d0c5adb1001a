import { existsSync } from 'node:fs';
import path from 'node:path';
import runner from 'node-pg-migrate';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { seedCalendar } from './calendar';

/** The SQL migrations ship as source, so the same folder serves `src/` under jest and `dist/` in production. */
export const migrationsDir = path.join(packageRoot(__dirname), 'src', 'db', 'migrations');

/** Brings the schema up to date and seeds the shipped calendar years; safe to run from several processes at once (node-pg-migrate takes a lock). */
export async function runMigrations(databaseUrl: string, logger?: Logger): Promise<string[]> {
  // One connection for the migrations and the seed: the embedded PGlite serves one connection at a time.
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const migrate = () =>
      runner({
        dbClient: client,
        dir: migrationsDir,
        direction: 'up',
        migrationsTable: 'schema_migrations',
        count: Infinity,
        log: (message) => logger?.debug({ migration: message }, 'migration'),
      });
    // The worker and the API start together and both migrate: node-pg-migrate's lock refuses the second at once,
    // so the second waits for the first to finish, then finds nothing left to do.
    let applied: Awaited<ReturnType<typeof migrate>> | undefined;
    for (let attempt = 1; !applied; attempt++) {
      try {
        applied = await migrate();
      } catch (err) {
        if (!/another migration is already running/i.test(String((err as Error)?.message)) || attempt >= 240) throw err;
        logger?.info('waiting for another process to finish the migrations');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    await seedCalendar(client);
    return applied.map((m) => m.name);
  } finally {
    await client.end();
  }
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
