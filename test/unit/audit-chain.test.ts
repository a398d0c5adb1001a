/**
 * The audit log on the real PostgreSQL: append-only for the application role and for the owner, hash-chained per case
 * by the database itself, one chain whatever the concurrency, and a check that names the first row a superuser
 * altered behind the triggers' back.
 */
import { randomUUID } from 'node:crypto';
import runner from 'node-pg-migrate';
import { Client, Pool } from 'pg';
import { insertAuditRow } from '../support/rows';
import { actionRecorded, auditChain, recordAccess } from '../../src/db/audit';
import { migrationsDir, runMigrations } from '../../src/db/migrate';
import { appRole, type AppRole } from '../support/app-role';
import { type FreshDatabase, freshDatabase } from '../support/database';

let db: FreshDatabase;
let role: AppRole;
/** The application's connections: a login role in the group beatflow_app. */
let app: Pool;

beforeAll(async () => {
  db = await freshDatabase('audit_chain');
  role = await appRole(db.url);
  app = new Pool({ connectionString: role.url, max: 10 });
});

afterAll(async () => {
  await app?.end();
  await db?.drop();
  await role?.drop();
});

const newCaseId = () => `bail-surveillance:AU-${randomUUID().slice(0, 8)}`;

/** An accepted action, as the case's activity writes it. */
function actionEntry(caseId: string, type = 'subject-reported') {
  return { caseId, actionId: randomUUID(), type, actor: 'P-20931', at: Date.now(), receivedAt: Date.now(), payload: { type } };
}

async function writeActions(caseId: string, count: number): Promise<string[]> {
  for (let i = 0; i < count; i++) await insertAuditRow(app, actionEntry(caseId, `action-${i + 1}`));
  const { rows } = await db.pool.query<{ id: string }>('SELECT id::text FROM audit_log WHERE case_id = $1 ORDER BY id', [caseId]);
  return rows.map((r) => r.id);
}

/** Runs `sql` as the superuser with ordinary triggers off, as an intruder with the server's keys would. */
async function behindTheTriggers(sql: string, params: unknown[]): Promise<void> {
  const intruder = new Client({ connectionString: db.url });
  await intruder.connect();
  try {
    await intruder.query('SET session_replication_role = replica');
    await intruder.query(sql, params);
  } finally {
    await intruder.end();
  }
}

describe('append-only', () => {
  test('the application role may INSERT and SELECT the audit log; UPDATE, DELETE and TRUNCATE are refused', async () => {
    const caseId = newCaseId();
    const [id] = await writeActions(caseId, 1);
    expect(await actionRecorded(app, caseId, (await db.pool.query('SELECT action_id FROM audit_log WHERE id = $1', [id])).rows[0].action_id)).toBe(
      true,
    );
    for (const sql of [
      `UPDATE audit_log SET actor = 'someone-else' WHERE id = ${id}`,
      `DELETE FROM audit_log WHERE id = ${id}`,
      'TRUNCATE audit_log',
    ]) {
      await expect(app.query(sql)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/permission denied/) });
    }
    expect((await db.pool.query('SELECT actor FROM audit_log WHERE id = $1', [id])).rows).toEqual([{ actor: 'P-20931' }]);
  });

  test('the owner cannot rewrite it either: the triggers refuse UPDATE, DELETE and TRUNCATE', async () => {
    const caseId = newCaseId();
    const [id] = await writeActions(caseId, 1);
    for (const sql of [
      `UPDATE audit_log SET actor = 'someone-else' WHERE id = ${id}`,
      `DELETE FROM audit_log WHERE id = ${id}`,
      'TRUNCATE audit_log',
    ]) {
      await expect(db.pool.query(sql)).rejects.toMatchObject({ message: expect.stringMatching(/audit_log is append-only/) });
    }
    expect((await auditChain(app, caseId)).chain).toEqual({ verified: true, rows: 1 });
  });

  test('the application role may read and write every other table, and only INSERT and SELECT the audit log', async () => {
    const { rows } = await db.pool.query<{ table: string; privileges: string[] }>(
      `SELECT c.relname AS table,
              ARRAY(SELECT p FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p WHERE has_table_privilege($1, c.oid, p)) AS privileges
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
        ORDER BY c.relname`,
      [role.name],
    );
    expect(Object.fromEntries(rows.map((r) => [r.table, r.privileges]))).toEqual({
      audit_log: ['SELECT', 'INSERT'],
      calendar_broadcasts: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
      calendar_years: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
      cases: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
      notices: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
      obligations: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    });
    // and it cannot turn the triggers off
    await expect(app.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only')).rejects.toMatchObject({ code: '42501' });
    await expect(app.query('SET session_replication_role = replica')).rejects.toMatchObject({ code: '42501' });
  });
});

describe('the chain', () => {
  test('each row links to the previous row of its case; other events go to the named chains', async () => {
    const caseId = newCaseId();
    await writeActions(caseId, 2);
    await recordAccess(app, { kind: 'refused', actor: 'P-30001', caseId, type: 'feedback-sent', at: new Date(), details: { reason: 'role' } });
    await recordAccess(app, { kind: 'calendar-loaded', actor: 'A-1', at: new Date(), details: { year: 2031, version: 1 } });
    const { rows, chain } = await auditChain(app, caseId);
    expect(chain).toEqual({ verified: true, rows: 3 });
    expect(rows.map((r) => [r.kind, r.type, r.actor])).toEqual([
      ['action', 'action-1', 'P-20931'],
      ['action', 'action-2', 'P-20931'],
      ['refused', 'feedback-sent', 'P-30001'],
    ]);
    expect(rows[0].prevHash).toBeNull();
    expect(rows[1].prevHash).toBe(rows[0].hash);
    expect(rows[2].prevHash).toBe(rows[1].hash);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
    const calendar = await auditChain(app, 'calendar');
    expect(calendar.chain.verified).toBe(true);
    expect(calendar.rows.at(-1)).toMatchObject({ kind: 'calendar-loaded', actor: 'A-1', payload: { year: 2031, version: 1 } });
  });

  test('the writer chooses neither the hashes, the chain nor the id', async () => {
    const caseId = newCaseId();
    await writeActions(caseId, 1);
    await app.query(
      `INSERT INTO audit_log (id, chain, kind, case_id, type, actor, at, received_at, payload, prev_hash, hash, recorded_at)
       VALUES (1, 'calendar', 'refused', $1, NULL, 'P-1', now(), now(), '{}', 'forged', 'forged', '2000-01-01')`,
      [caseId],
    );
    const { rows, chain } = await auditChain(app, caseId);
    expect(chain).toEqual({ verified: true, rows: 2 });
    expect(rows[1]).toMatchObject({ prevHash: rows[0].hash });
    expect(rows[1].hash).not.toBe('forged');
    expect(Number(rows[1].id)).toBeGreaterThan(Number(rows[0].id));
    expect(rows[1].recordedAt.startsWith('2000')).toBe(false);
  });

  test('an action is recorded once whatever the retries; a refusal on the case is no accepted action', async () => {
    const caseId = newCaseId();
    const entry = actionEntry(caseId);
    await insertAuditRow(app, entry);
    await insertAuditRow(app, entry);
    await recordAccess(app, {
      kind: 'refused',
      actor: 'P-20931',
      caseId,
      type: 'subject-reported',
      at: new Date(),
      details: { reason: 'action-rejected' },
    });
    expect((await auditChain(app, caseId)).chain).toEqual({ verified: true, rows: 2 });
    expect(await actionRecorded(app, caseId, entry.actionId)).toBe(true);
    expect(await actionRecorded(app, caseId, randomUUID())).toBe(false);
  });

  test('60 writers at once on one case keep one chain: no two rows link to the same predecessor', async () => {
    const caseId = newCaseId();
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? recordAccess(app, { kind: 'unmasked-read', actor: `P-${i}`, caseId, at: new Date(), details: { route: '/v1/cases/:caseId' } })
          : insertAuditRow(app, actionEntry(caseId, `action-${i}`)),
      ),
    );
    const { rows, chain } = await auditChain(app, caseId);
    expect(chain).toEqual({ verified: true, rows: 60 });
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(60);
  });

  test('a REPEATABLE READ transaction may not write (its snapshot could predate the head of the chain)', async () => {
    const client = await app.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await expect(
        client.query(`INSERT INTO audit_log (chain, kind, actor, at, received_at, payload) VALUES ('access', 'refused', 'P-1', now(), now(), '{}')`),
      ).rejects.toMatchObject({ code: '40001' });
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});

describe('the check after tampering by a superuser with the triggers bypassed', () => {
  test('an altered row: the check names exactly that row', async () => {
    const caseId = newCaseId();
    const ids = await writeActions(caseId, 5);
    await behindTheTriggers(`UPDATE audit_log SET actor = 'P-99999' WHERE id = $1`, [ids[2]]);
    expect((await auditChain(app, caseId)).chain).toEqual({ verified: false, rows: 5, firstBrokenId: ids[2] });
  });

  test('a row altered with its hash recomputed: the next row no longer links to it', async () => {
    const caseId = newCaseId();
    const ids = await writeActions(caseId, 5);
    await behindTheTriggers(`UPDATE audit_log SET payload = '{"type": "nothing"}' WHERE id = $1`, [ids[1]]);
    await behindTheTriggers('UPDATE audit_log a SET hash = audit_log_hash(a) WHERE id = $1', [ids[1]]);
    expect((await auditChain(app, caseId)).chain).toEqual({ verified: false, rows: 5, firstBrokenId: ids[2] });
  });

  test('a row removed: the row after it is the first broken one; the first row removed breaks the new first', async () => {
    const caseId = newCaseId();
    const ids = await writeActions(caseId, 4);
    await behindTheTriggers('DELETE FROM audit_log WHERE id = $1', [ids[1]]);
    expect((await auditChain(app, caseId)).chain).toEqual({ verified: false, rows: 3, firstBrokenId: ids[2] });
    await behindTheTriggers('DELETE FROM audit_log WHERE id = $1', [ids[0]]);
    expect((await auditChain(app, caseId)).chain).toEqual({ verified: false, rows: 2, firstBrokenId: ids[2] });
  });

  test('a row moved to another case breaks both chains', async () => {
    const [first, second] = [newCaseId(), newCaseId()];
    const ids = await writeActions(first, 3);
    const others = await writeActions(second, 2);
    await behindTheTriggers('UPDATE audit_log SET case_id = $2, chain = $2 WHERE id = $1', [ids[1], second]);
    expect((await auditChain(app, first)).chain).toEqual({ verified: false, rows: 2, firstBrokenId: ids[2] });
    expect((await auditChain(app, second)).chain).toEqual({ verified: false, rows: 3, firstBrokenId: ids[1] });
    expect(others).toHaveLength(2);
  });
});

test('the migration chains the rows written before it, case by case', async () => {
  const older = await freshDatabaseAtMigration(4);
  try {
    const [a, b] = [newCaseId(), newCaseId()];
    for (const [caseId, type] of [
      [a, 'subject-reported'],
      [b, 'triaged'],
      [a, 'feedback-sent'],
      [a, 'rules-explained'],
    ]) {
      await older.client.query(
        `INSERT INTO audit_log (case_id, action_id, type, actor, at, received_at, payload) VALUES ($1, $2, $3, 'P-20931', now(), now(), $4)`,
        [caseId, randomUUID(), type, { type }],
      );
    }
    // The audit chain's migration runs first over these rows (later migrations follow it).
    expect((await runMigrations(older.url))[0]).toBe('1700000000003_audit-chain');
    const chainA = await auditChain(older.client, a);
    expect(chainA.chain).toEqual({ verified: true, rows: 3 });
    expect(chainA.rows.map((r) => [r.kind, r.type])).toEqual([
      ['action', 'subject-reported'],
      ['action', 'feedback-sent'],
      ['action', 'rules-explained'],
    ]);
    expect((await auditChain(older.client, b)).chain).toEqual({ verified: true, rows: 1 });
    // new rows continue the migrated chain
    await insertAuditRow(older.client, actionEntry(a, 'violation-reported'));
    expect((await auditChain(older.client, a)).chain).toEqual({ verified: true, rows: 4 });
  } finally {
    await older.drop();
  }
});

/** A database of its own with only the first `count` migrations applied. */
async function freshDatabaseAtMigration(count: number) {
  const admin = new Client({ connectionString: db.url });
  await admin.connect();
  const name = `beatflow_audit_older_${randomUUID().slice(0, 8)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(db.url);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  await runner({ dbClient: client, dir: migrationsDir, direction: 'up', migrationsTable: 'schema_migrations', count, log: () => undefined });
  return {
    url: url.toString(),
    client,
    drop: async () => {
      await client.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** A refusal as the API wrote it before roles were recorded (the current writer names a column such a schema lacks). */
async function insertRefusalOfOldSchema(client: Client, caseId: string): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (chain, kind, case_id, actor, at, received_at, payload) VALUES ($1, 'refused', $1, 'P-1', now(), now(), '{"reason":"role"}')`,
    [caseId],
  );
}

test('rows written before roles were recorded keep their hashes: a chain begun then verifies after the migration, new rows with roles extend it', async () => {
  const older = await freshDatabaseAtMigration(8);
  try {
    const caseId = newCaseId();
    await insertAuditRow(older.client, actionEntry(caseId));
    await insertRefusalOfOldSchema(older.client, caseId);
    await runner({
      dbClient: older.client,
      dir: migrationsDir,
      direction: 'up',
      migrationsTable: 'schema_migrations',
      count: 1,
      log: () => undefined,
    });
    expect((await auditChain(older.client, caseId)).chain).toEqual({ verified: true, rows: 2 });
    await recordAccess(older.client, {
      kind: 'redelivered',
      actor: 'L-1',
      role: 'station-leader',
      caseId,
      at: new Date(),
      details: { noticeId: '1' },
    });
    const after = await auditChain(older.client, caseId);
    expect(after.chain).toEqual({ verified: true, rows: 3 });
    expect(after.rows.map((r) => r.role)).toEqual([undefined, undefined, 'station-leader']);
  } finally {
    await older.drop();
  }
});

test('the migration can be undone: the old table comes back with the accepted actions, and redone', async () => {
  const older = await freshDatabaseAtMigration(5);
  try {
    const caseId = newCaseId();
    await insertAuditRow(older.client, actionEntry(caseId));
    await insertRefusalOfOldSchema(older.client, caseId);
    const migrate = (direction: 'up' | 'down') =>
      runner({ dbClient: older.client, dir: migrationsDir, direction, migrationsTable: 'schema_migrations', count: 1, log: () => undefined });
    await migrate('down');
    const { rows } = await older.client.query('SELECT * FROM audit_log');
    expect(rows).toMatchObject([{ case_id: caseId, type: 'subject-reported' }]);
    expect(Object.keys(rows[0])).not.toContain('hash');
    await runner({ dbClient: older.client, dir: migrationsDir, direction: 'up', migrationsTable: 'schema_migrations', log: () => undefined });
    expect((await auditChain(older.client, caseId)).chain).toEqual({ verified: true, rows: 1 });
  } finally {
    await older.drop();
  }
});
