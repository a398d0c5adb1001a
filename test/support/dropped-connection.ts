import type { Pool, PoolClient } from 'pg';

/**
 * Runs `attempt` while the test holds `lock` on `table`; once the attempt's statement `statement` waits on the lock,
 * its backend is terminated, as a server restart or a network drop would. Returns the attempt's error.
 */
export async function droppedMidStatement(admin: Pool, table: string, statement: RegExp, attempt: () => Promise<unknown>): Promise<Error> {
  const holder: PoolClient = await admin.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const outcome = attempt().then(
      () => new Error('the attempt went through while the table was locked'),
      (err: Error) => err,
    );
    const pid = await waitingBackend(admin, statement);
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    const error = await outcome;
    await holder.query('COMMIT');
    return error;
  } finally {
    holder.release();
  }
}

async function waitingBackend(admin: Pool, statement: RegExp): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await admin.query<{ pid: number; query: string }>(
      `SELECT pid, query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
    );
    const waiting = rows.find((r) => statement.test(r.query));
    if (waiting) return waiting.pid;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no backend waited on ${statement}`);
}
