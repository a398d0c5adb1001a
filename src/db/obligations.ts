import type { Pool } from 'pg';
import { formatInstant } from '../case/legal-time';
import { isInstantKey } from './cases';
import { Conditions, decodeCursor, type Page, pageOf } from './paging';

/** A duty as the read model lists it, with the case it belongs to. */
export interface ObligationRow {
  caseId: string;
  procedure: string;
  caseNumber: string;
  stationId: string;
  officerId: string;
  key: string;
  period?: string;
  article: string;
  responsible: string;
  status: string;
  dueAt: string;
  completedAt?: string;
  late: boolean;
  overdueAt?: string;
}

export interface ObligationFilter {
  status?: string;
  /** Only the duties of these stations' cases; unset: every station. */
  stationIds?: string[];
  officerId?: string;
  procedure?: string;
  key?: string;
  /** Only duties due before this instant (epoch ms). */
  dueBefore?: number;
  cursor?: string;
  limit: number;
}

/** The sort key of a duty in lists: due time, case id, key, period. */
const obligationKeyLength = 4;

export function isObligationCursor(cursor: string): boolean {
  const key = decodeCursor(cursor, obligationKeyLength);
  return key !== undefined && key[0] !== 'infinity' && isInstantKey(key[0]);
}

/** The columns of a duty and its case, as `rowOf` reads them. */
export const obligationColumns = `o.case_id, c.procedure, c.case_number, c.station_id, c.officer_id, o.key, o.period, o.article,
       o.responsible, o.status, o.due_at, o.completed_at, o.late, o.overdue_at`;

/** A row of `obligationColumns` as pg returns it. */
export interface DutyRecord {
  case_id: string;
  procedure: string;
  case_number: string;
  station_id: string;
  officer_id: string;
  key: string;
  period: string;
  article: string;
  responsible: string;
  status: string;
  due_at: Date;
  completed_at: Date | null;
  late: boolean;
  overdue_at: Date | null;
}

export function obligationRowOf(r: DutyRecord): ObligationRow {
  return {
    caseId: r.case_id,
    procedure: r.procedure,
    caseNumber: r.case_number,
    stationId: r.station_id,
    officerId: r.officer_id,
    key: r.key,
    period: r.period || undefined,
    article: r.article,
    responsible: r.responsible,
    status: r.status,
    dueAt: formatInstant(r.due_at.getTime()),
    completedAt: r.completed_at ? formatInstant(r.completed_at.getTime()) : undefined,
    late: r.late,
    overdueAt: r.overdue_at ? formatInstant(r.overdue_at.getTime()) : undefined,
  };
}

export const obligationKeyOf = (r: DutyRecord): string[] => [r.due_at.toISOString(), r.case_id, r.key, r.period];

/** Duties of the read model that match every given filter, soonest due first, a page at a time. */
export async function listObligations(pool: Pick<Pool, 'query'>, filter: ObligationFilter): Promise<Page<ObligationRow>> {
  const { status, stationIds, officerId, procedure, key, dueBefore, cursor, limit } = filter;
  const after = cursor === undefined ? undefined : decodeCursor(cursor, obligationKeyLength);
  const where = new Conditions()
    .when(status, (p) => `o.status = ${p}`)
    .oneOf('c.station_id', stationIds)
    .when(officerId, (p) => `c.officer_id = ${p}`)
    .when(procedure, (p) => `c.procedure = ${p}`)
    .when(key, (p) => `o.key = ${p}`)
    .when(dueBefore === undefined ? undefined : new Date(dueBefore), (p) => `o.due_at < ${p}`)
    .when(
      after,
      (p) => `(o.due_at, o.case_id, o.key, o.period) > ((${p}::text[])[1]::timestamptz, (${p}::text[])[2], (${p}::text[])[3], (${p}::text[])[4])`,
    );
  const { rows } = await pool.query(
    `SELECT ${obligationColumns}
       FROM obligations o JOIN cases c USING (case_id) ${where.where}
      ORDER BY o.due_at, o.case_id, o.key, o.period
      LIMIT ${where.param(limit + 1)}`,
    where.params,
  );
  return pageOf(rows, limit, obligationRowOf, obligationKeyOf);
}
