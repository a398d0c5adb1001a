import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '../../src/db/migrate';

const serverUrl = process.env.BEATFLOW_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? '';

test('the worker and the API migrating a fresh database at the same moment both start', async () => {
  const name = `beatflow_migrate_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const results = await Promise.all([runMigrations(url.toString()), runMigrations(url.toString()), runMigrations(url.toString())]);
    // Exactly one process applied the migrations; the others waited and found nothing to do.
    expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    const { rows } = await db.query('SELECT year, version FROM calendar_years ORDER BY year');
    await db.end();
    expect(rows).toEqual([
      { year: 2025, version: 1 },
      { year: 2026, version: 1 },
    ]);
  } finally {
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
});
