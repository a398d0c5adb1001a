import type { Pool, PoolClient } from 'pg';

/** Holds `table` locked (ACCESS EXCLUSIVE) until the returned release is called: work that touches it waits, certainly. */
export async function lockTable(pool: Pool, table: string): Promise<() => Promise<void>> {
  const holder: PoolClient = await pool.connect();
  await holder.query('BEGIN');
  await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  return async () => {
    await holder.query('COMMIT');
    holder.release();
  };
}

/** True once a statement matching `statement` waits on a lock; undefined until then (for `until`). */
export async function waitingOnLock(pool: Pool, statement: RegExp): Promise<true | undefined> {
  const { rows } = await pool.query<{ query: string }>(`SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock'`);
  return rows.some((r) => statement.test(r.query)) || undefined;
}
