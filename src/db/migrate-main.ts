/**
 * `npm run migrate` (production: `node dist/src/db/migrate-main.js`, compose's one-shot \`beatflow-migrate\`): brings
 * the schema up to date with DATABASE_MIGRATION_URL (the owner), or DATABASE_URL, seeds the shipped calendar years and
 * exits. The worker and the API then start with MIGRATE_ON_START=false and the application role only.
 */
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { runMigrations } from './migrate';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const url = config.DATABASE_MIGRATION_URL ?? config.DATABASE_URL;
  if (!url) throw new Error('DATABASE_MIGRATION_URL or DATABASE_URL is required');
  const applied = await runMigrations(url, logger);
  logger.info({ applied }, applied.length ? 'migrations applied' : 'the schema is up to date');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
