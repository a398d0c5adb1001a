/**
 * The one-shot migration job of production's compose (`node dist/src/db/migrate-main.js`): on an empty database it
 * applies every migration and seeds the calendar, again it finds nothing to do; the worker and the API then start with
 * MIGRATE_ON_START=false and hold no owner's URL (test/unit/docker-compose.test.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { migrationsDir } from '../../src/db/migrate';

const job = path.resolve(__dirname, '../../dist/src/db/migrate-main.js');

test('the migration job brings an empty database to the current schema, then finds it up to date', async () => {
  const serverUrl = process.env.BEATFLOW_TEST_DATABASE_URL!;
  const database = `beatflow_migrate_job_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const run = () =>
    spawnSync(process.execPath, [job], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DATABASE_URL: '', DATABASE_MIGRATION_URL: url.toString(), LOG_LEVEL: 'info' },
    });
  try {
    const first = run();
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    const applied = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
    expect(applied).toMatchObject({ msg: 'migrations applied' });
    expect(applied.applied).toHaveLength(fs.readdirSync(migrationsDir).filter((f) => /\.(sql|js)$/.test(f)).length);

    const second = run();
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout.trim().split('\n').at(-1)!)).toMatchObject({ msg: 'the schema is up to date', applied: [] });

    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM calendar_years`);
    await db.end();
    expect(rows[0].n).toBeGreaterThan(0);
  } finally {
    await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
    await admin.end();
  }
}, 90_000);
