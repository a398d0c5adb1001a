import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { AuditEntry } from '../src/db/records';

export type { AuditEntry } from '../src/db/records';

/** Audit activities: one row per accepted action, written once whatever the retries. */
export function auditActivities({ pool, logger }: { pool: Pool; logger: Logger }) {
  return {
    async recordAction(entry: AuditEntry & { caseId: string }): Promise<void> {
      await pool.query(
        `INSERT INTO audit_log (case_id, action_id, type, actor, at, received_at, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, action_id) DO NOTHING`,
        [entry.caseId, entry.actionId, entry.type, entry.actor, new Date(entry.at), new Date(entry.receivedAt), entry.payload],
      );
      logger.info({ caseId: entry.caseId, action: entry.type, actor: entry.actor }, 'action recorded');
    },
  };
}
