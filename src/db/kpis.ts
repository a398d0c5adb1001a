import type { Pool } from 'pg';
import type { KpiDeclaration, KpiOutcome } from '../domain/kpis';
import { type DutyRecord, isObligationCursor, obligationColumns, obligationKeyOf, type ObligationRow, obligationRowOf } from './obligations';
import { decodeCursor, type Page, pageOf } from './paging';

export interface KpiScope {
  /** Only these stations' cases; unset: every station. */
  stationIds?: string[];
  /** The duties due in [from, to), epoch ms. */
  from: number;
  to: number;
}

export interface KpiCounts {
  onTime: number;
  late: number;
  missed: number;
}

/**
 * The one query every rate is computed by: the duties of the rate's procedures and keys due in the period, each with
 * its outcome. Only the statuses named here count; any other (pending, waived, a duty from before the case's adoption,
 * whatever a later version adds) has no outcome and is in no rate.
 */
const counted = `
  SELECT ${obligationColumns},
         CASE WHEN o.status = 'done' AND NOT o.late THEN 'on-time'
              WHEN o.status = 'done' THEN 'late'
              WHEN o.status = 'overdue' OR (o.status = 'cancelled' AND o.overdue_at IS NOT NULL) THEN 'missed'
         END AS outcome
    FROM obligations o JOIN cases c USING (case_id)
   WHERE o.key = ANY($1) AND c.procedure = ANY($2) AND o.due_at >= $3 AND o.due_at < $4
     AND ($5::text[] IS NULL OR c.station_id = ANY($5))`;

const params = (kpi: KpiDeclaration, scope: KpiScope) => [
  kpi.keys,
  kpi.procedures,
  new Date(scope.from),
  new Date(scope.to),
  scope.stationIds ?? null,
];

/** How many duties of a rate were discharged on time, late, or missed in the period. */
export async function kpiCounts(pool: Pick<Pool, 'query'>, kpi: KpiDeclaration, scope: KpiScope): Promise<KpiCounts> {
  const { rows } = await pool.query(
    `SELECT count(*) FILTER (WHERE outcome = 'on-time')::int AS on_time, count(*) FILTER (WHERE outcome = 'late')::int AS late,
            count(*) FILTER (WHERE outcome = 'missed')::int AS missed
       FROM (${counted}) d`,
    params(kpi, scope),
  );
  return { onTime: rows[0].on_time, late: rows[0].late, missed: rows[0].missed };
}

export type KpiDuty = ObligationRow & { outcome: KpiOutcome };

export { isObligationCursor as isKpiCursor };

/** The duties behind a rate's numbers, soonest due first, a page at a time; `outcome` narrows to one kind. */
export async function kpiDuties(
  pool: Pick<Pool, 'query'>,
  kpi: KpiDeclaration,
  scope: KpiScope & { outcome?: KpiOutcome; cursor?: string; limit: number },
): Promise<Page<KpiDuty>> {
  const after = scope.cursor === undefined ? undefined : decodeCursor(scope.cursor, 4);
  const { rows } = await pool.query(
    `SELECT * FROM (${counted}) d
      WHERE outcome IS NOT NULL AND ($6::text IS NULL OR outcome = $6)
        AND ($7::timestamptz IS NULL OR (due_at, case_id, key, period) > ($7::timestamptz, $8::text, $9::text, $10::text))
      ORDER BY due_at, case_id, key, period
      LIMIT $11`,
    [...params(kpi, scope), scope.outcome ?? null, ...(after ?? [null, null, null, null]), scope.limit + 1],
  );
  return pageOf(
    rows as Array<DutyRecord & { outcome: KpiOutcome }>,
    scope.limit,
    (r) => ({ ...obligationRowOf(r), outcome: r.outcome }),
    obligationKeyOf,
  );
}
