import type { Pool } from 'pg';
import type { CaseView } from '../case/contract';
import type { IssuedNotice } from '../case/obligation';
import type { AuditEntry } from '../case/state';

export type { AuditEntry };

/** What a case owes the database after a wake: its new notices, its new audit rows and its read model. */
export interface CaseRecords {
  caseId: string;
  notices: IssuedNotice[];
  audit: AuditEntry[];
  /** The view without its personal part. */
  view: CaseView<unknown>;
  revision: number;
  /** How many people the case names, and them sealed (none when the writer has no key: the API then asks the case). */
  personal: { count: number; sealed?: string };
}

export interface WrittenRecords {
  notices: number;
  audit: number;
  /** False when the read model already held a newer revision. */
  saved: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Writes a case's records in one statement, so one round trip and one implicit transaction: its new audit rows, its
 * new notices, the case's row and its obligations. Every part is idempotent (the audit log's and the outbox's unique
 * keys, the read model's revision), so a retry after a crash at any point, before or after the commit, leaves one row
 * of each. The audit rows are inserted in their order, each linked to its chain by the audit log's trigger. The audit
 * insert comes first in the text, which monitoring shows cut at 1 KB.
 */
export async function writeCaseRecords(
  pool: Pick<Pool, 'query'>,
  { caseId, notices, audit, view, revision, personal }: CaseRecords,
): Promise<WrittenRecords> {
  const auditRows = audit.map((a) => ({
    ...a,
    kind: a.kind ?? 'action',
    role: a.role ?? null,
    at: iso(a.at),
    receivedAt: iso(a.receivedAt),
    payload: a.payload ?? null,
  }));
  const noticeRows = notices.map((n) => ({ ...n, obligationKey: n.obligationKey ?? null, period: n.period ?? null, createdAt: iso(n.createdAt) }));
  const obligations = view.obligations.map((o) => ({
    key: o.key,
    period: o.period ?? '',
    article: o.article,
    responsible: o.responsible,
    status: o.status,
    opensAt: o.opensAt ?? null,
    dueAt: o.dueAt,
    completedAt: o.completedAt ?? null,
    late: o.late,
    overdueAt: o.overdueAt ?? null,
    // The last change of its due time, for the audit row of a deadline moved.
    changedAt: o.changes?.at(-1)?.at ?? null,
    changeReason: o.changes?.at(-1)?.reason ?? null,
  }));
  // The case's row and its obligations: obligations no longer in the view go, the others are upserted; nothing changes
  // when the row holds a newer revision (an older attempt arriving late).
  const { rows } = await pool.query<{ audit: number; notices: number; saved: number }>(
    `WITH audited AS (
       INSERT INTO audit_log (case_id, action_id, kind, type, actor, role, at, received_at, payload)
       SELECT $1, a."actionId", a.kind, a.type, a.actor, a.role, a.at, a."receivedAt", a.payload
         FROM ROWS FROM (jsonb_to_recordset($17::jsonb) AS ("actionId" text, kind text, type text, actor text, role text, at timestamptz,
                                                             "receivedAt" timestamptz, payload jsonb))
              WITH ORDINALITY AS a("actionId", kind, type, actor, role, at, "receivedAt", payload, ord)
        ORDER BY a.ord
       ON CONFLICT (case_id, action_id) DO NOTHING
       RETURNING 1
     ), noticed AS (
       INSERT INTO notices (case_id, notice_key, kind, recipient, article, obligation_key, period, title_zh, facts, created_at)
       SELECT $1, n.key, n.kind, n.recipient, n.article, n."obligationKey", n.period, n."titleZh", n.facts, n."createdAt"
         FROM ROWS FROM (jsonb_to_recordset($18::jsonb) AS (key text, kind text, recipient text, article text, "obligationKey" text,
                                                             period text, "titleZh" text, facts jsonb, "createdAt" timestamptz))
              WITH ORDINALITY AS n(key, kind, recipient, article, "obligationKey", period, "titleZh", facts, "createdAt", ord)
        ORDER BY n.ord
       ON CONFLICT (case_id, notice_key) DO NOTHING
       RETURNING notice_key, kind, recipient, obligation_key, period, created_at
     ), previous AS (
       SELECT key, period, status, due_at FROM obligations WHERE case_id = $1
     ), saved AS (
       INSERT INTO cases (case_id, procedure, case_number, station_id, officer_id, status, outcome, started_at, closed_at,
                          next_due_at, overdue_count, revision, view, personal_count, personal_sealed, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now())
       ON CONFLICT (case_id) DO UPDATE SET
         officer_id = EXCLUDED.officer_id, status = EXCLUDED.status, outcome = EXCLUDED.outcome, closed_at = EXCLUDED.closed_at,
         next_due_at = EXCLUDED.next_due_at, overdue_count = EXCLUDED.overdue_count, revision = EXCLUDED.revision,
         view = EXCLUDED.view, personal_count = EXCLUDED.personal_count, personal_sealed = EXCLUDED.personal_sealed, updated_at = now()
       WHERE cases.revision <= EXCLUDED.revision
       RETURNING case_id
     ), given AS (
       SELECT * FROM jsonb_to_recordset($16::jsonb) AS o(key text, period text, article text, responsible text, status text,
                                                         "opensAt" timestamptz, "dueAt" timestamptz, "completedAt" timestamptz,
                                                         late boolean, "overdueAt" timestamptz, "changedAt" timestamptz,
                                                         "changeReason" text)
     ), gone AS (
       DELETE FROM obligations d USING saved
        WHERE d.case_id = saved.case_id AND NOT EXISTS (SELECT 1 FROM given g WHERE g.key = d.key AND g.period = d.period)
     ), upserted AS (
       INSERT INTO obligations (case_id, key, period, article, responsible, status, opens_at, due_at, completed_at, late, overdue_at)
       SELECT saved.case_id, g.key, g.period, g.article, g.responsible, g.status, g."opensAt", g."dueAt", g."completedAt", g.late, g."overdueAt"
         FROM saved, given g
       ON CONFLICT (case_id, key, period) DO UPDATE SET
         article = EXCLUDED.article, responsible = EXCLUDED.responsible, status = EXCLUDED.status, opens_at = EXCLUDED.opens_at,
         due_at = EXCLUDED.due_at, completed_at = EXCLUDED.completed_at, late = EXCLUDED.late, overdue_at = EXCLUDED.overdue_at
     ), system AS (
       -- What the case did on its own since the read model last heard from it: each notice written (an escalation is a
       -- notice to its recipient), each duty turned overdue, each due time moved. Keyed, so a retry writes none twice.
       INSERT INTO audit_log (case_id, action_id, kind, type, actor, role, at, received_at, payload)
       SELECT $1, s.id, 'system', s.type, 'system', 'system', s.at, s.at, s.payload
         FROM (
           SELECT 'notice/' || n.notice_key AS id, 'notice-issued' AS type, n.created_at AS at,
                  jsonb_build_object('kind', n.kind, 'recipient', n.recipient, 'obligationKey', n.obligation_key, 'period', n.period) AS payload
             FROM noticed n
           UNION ALL
           SELECT 'overdue/' || g.key || '/' || g.period || '/' || to_char(g."overdueAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                  'duty-overdue', g."overdueAt", jsonb_build_object('key', g.key, 'period', nullif(g.period, ''), 'dueAt', g."dueAt")
             FROM saved, given g LEFT JOIN previous p ON p.key = g.key AND p.period = g.period
            WHERE g.status = 'overdue' AND g."overdueAt" IS NOT NULL AND p.status IS DISTINCT FROM 'overdue'
           UNION ALL
           SELECT 'moved/' || g.key || '/' || g.period || '/' || to_char(g."dueAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                  'deadline-moved', coalesce(g."changedAt", now()),
                  jsonb_build_object('key', g.key, 'period', nullif(g.period, ''), 'from', p.due_at, 'to', g."dueAt", 'reason', g."changeReason")
             FROM saved, given g JOIN previous p ON p.key = g.key AND p.period = g.period
            WHERE p.due_at <> g."dueAt"
         ) s
        ORDER BY s.at, s.id
       ON CONFLICT (case_id, action_id) DO NOTHING
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM audited)::int AS audit, (SELECT count(*) FROM noticed)::int AS notices,
            (SELECT count(*) FROM saved)::int AS saved`,
    [
      caseId,
      view.procedure,
      view.caseNumber,
      view.stationId,
      view.officerId,
      view.status,
      view.outcome ?? null,
      view.startedAt,
      view.closedAt ?? null,
      view.nextDueAt ?? null,
      view.overdueCount,
      revision,
      view,
      personal.count,
      personal.sealed ?? null,
      JSON.stringify(obligations),
      JSON.stringify(auditRows),
      JSON.stringify(noticeRows),
    ],
  );
  return { notices: rows[0].notices, audit: rows[0].audit, saved: rows[0].saved > 0 };
}
