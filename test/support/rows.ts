/**
 * Rows written straight into the audit log and the outbox, for tests whose subject is what reads them (the audit
 * chain's trigger and checks, the notice relay); the case writes them through its one flush (activities/records.ts).
 */
import type { Pool } from 'pg';
import type { IssuedNotice } from '../../src/case/obligation';
import type { AuditEntry } from '../../src/db/records';

export type AuditRowInput = AuditEntry & { caseId: string };
export type NoticeRowInput = IssuedNotice & { caseId: string };

/** One action's row of the audit log; the trigger links it into its chain. Written once per (case, action). */
export async function insertAuditRow(pool: Pick<Pool, 'query'>, entry: AuditRowInput): Promise<void> {
  await pool.query(
    `INSERT INTO audit_log (case_id, action_id, type, actor, at, received_at, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id, action_id) DO NOTHING`,
    [entry.caseId, entry.actionId, entry.type, entry.actor, new Date(entry.at), new Date(entry.receivedAt), entry.payload],
  );
}

/** One notice in the outbox, once under its key; true when this call wrote it. */
export async function insertNotice(pool: Pick<Pool, 'query'>, n: NoticeRowInput): Promise<{ written: boolean }> {
  const { rows } = await pool.query(
    `INSERT INTO notices (case_id, notice_key, kind, recipient, article, obligation_key, period, title_zh, facts, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (case_id, notice_key) DO NOTHING RETURNING 1`,
    [n.caseId, n.key, n.kind, n.recipient, n.article, n.obligationKey ?? null, n.period ?? null, n.titleZh, n.facts ?? null, new Date(n.createdAt)],
  );
  return { written: rows.length > 0 };
}
