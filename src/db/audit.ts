import type { Pool } from 'pg';

/** Whether the case accepted an action with this id: the audit log holds one row per accepted action. */
export async function actionRecorded(pool: Pick<Pool, 'query'>, caseId: string, actionId: string): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM audit_log WHERE case_id = $1 AND action_id = $2', [caseId, actionId]);
  return Boolean(rowCount);
}
