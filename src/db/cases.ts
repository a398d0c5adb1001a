import type { Pool } from 'pg';
import type { CaseStatus, CaseView } from '../domain/case';
import { formatInstant } from '../domain/legal-time';

/** A case as the read model lists it: the head of its case view. */
export type CaseSummary = Pick<
  CaseView,
  'caseId' | 'procedure' | 'caseNumber' | 'stationId' | 'officerId' | 'status' | 'outcome' | 'nextDueAt' | 'overdueCount'
>;

export interface CaseFilter {
  /** Only the cases of these stations; unset: every station. */
  stationIds?: string[];
  officerId?: string;
  procedure?: string;
  status?: CaseStatus;
  /** 'to-review': only adopted cases with duties due before adoption that the officer has still to review. */
  adoption?: 'to-review';
  limit: number;
}

/** Cases of the read model that match every given filter, soonest deadline first. */
export async function listCases(pool: Pick<Pool, 'query'>, filter: CaseFilter): Promise<CaseSummary[]> {
  const { stationIds, officerId, procedure, status, adoption, limit } = filter;
  const { rows } = await pool.query(
    `SELECT case_id, procedure, case_number, station_id, officer_id, status, outcome, next_due_at, overdue_count
       FROM cases
      WHERE ($1::text[] IS NULL OR station_id = ANY($1)) AND ($2::text IS NULL OR officer_id = $2)
        AND ($3::text IS NULL OR procedure = $3) AND ($4::text IS NULL OR status = $4)
        AND ($6::text IS NULL OR adoption_review_count > 0)
      ORDER BY next_due_at ASC NULLS LAST, case_id LIMIT $5`,
    [stationIds ?? null, officerId ?? null, procedure ?? null, status ?? null, limit, adoption ?? null],
  );
  return rows.map((r) => ({
    caseId: r.case_id,
    procedure: r.procedure,
    caseNumber: r.case_number,
    stationId: r.station_id,
    officerId: r.officer_id,
    status: r.status,
    outcome: r.outcome ?? undefined,
    nextDueAt: r.next_due_at ? formatInstant(r.next_due_at.getTime()) : undefined,
    overdueCount: r.overdue_count,
  }));
}

/** The station of a case the read model holds; undefined before the case's first write lands. */
export async function caseStation(pool: Pick<Pool, 'query'>, caseId: string): Promise<string | undefined> {
  const { rows } = await pool.query('SELECT station_id FROM cases WHERE case_id = $1', [caseId]);
  return rows[0]?.station_id;
}
