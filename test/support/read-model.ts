import type { Pool } from 'pg';

/** A duty row of the read model, as a case's activity writes it; times as ISO strings. */
export interface DutyFixture {
  key: string;
  period?: string;
  article?: string;
  status: string;
  dueAt: string;
  completedAt?: string;
  late?: boolean;
  overdueAt?: string;
}

/** A case row of the read model with its duties, written straight into the tables (no workflow behind it). */
export interface CaseFixture {
  caseId: string;
  stationId: string;
  officerId?: string;
  status?: 'open' | 'closed';
  nextDueAt?: string;
  overdueCount?: number;
  recordsBlockedSince?: string;
  duties?: DutyFixture[];
}

/** Inserts read-model rows in batches (one statement per table per batch). */
export async function insertCases(pool: Pick<Pool, 'query'>, cases: CaseFixture[]): Promise<void> {
  for (let i = 0; i < cases.length; i += 500) {
    const batch = cases.slice(i, i + 500);
    await pool.query(
      `INSERT INTO cases (case_id, procedure, case_number, station_id, officer_id, status, started_at, next_due_at, overdue_count, revision, view)
       SELECT c->>'caseId', split_part(c->>'caseId', ':', 1), split_part(c->>'caseId', ':', 2), c->>'stationId', c->>'officerId',
              c->>'status', '2026-01-01T00:00:00+08:00', (c->>'nextDueAt')::timestamptz, (c->>'overdueCount')::int, 1, c->'view'
         FROM jsonb_array_elements($1::jsonb) c`,
      [
        JSON.stringify(
          batch.map((c) => ({
            caseId: c.caseId,
            stationId: c.stationId,
            officerId: c.officerId ?? 'P-20931',
            status: c.status ?? 'open',
            nextDueAt: c.nextDueAt ?? null,
            overdueCount: c.overdueCount ?? 0,
            view: { caseId: c.caseId, ...(c.recordsBlockedSince ? { recordsBlockedSince: c.recordsBlockedSince } : {}) },
          })),
        ),
      ],
    );
    const duties = batch.flatMap((c) => (c.duties ?? []).map((d) => ({ caseId: c.caseId, ...d })));
    if (!duties.length) continue;
    await pool.query(
      `INSERT INTO obligations (case_id, key, period, article, responsible, status, due_at, completed_at, late, overdue_at)
       SELECT d->>'caseId', d->>'key', coalesce(d->>'period', ''), coalesce(d->>'article', '0'), 'officer', d->>'status',
              (d->>'dueAt')::timestamptz, (d->>'completedAt')::timestamptz, coalesce((d->>'late')::boolean, false),
              (d->>'overdueAt')::timestamptz
         FROM jsonb_array_elements($1::jsonb) d`,
      [JSON.stringify(duties)],
    );
  }
}
