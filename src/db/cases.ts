import type { Pool } from 'pg';
import type { CaseStatus, CaseView } from '../case/contract';
import { formatInstant } from '../case/legal-time';
import { Conditions, decodeCursor, type Page, pageOf } from './paging';

/** A case as the read model lists it: the head of its case view. */
export type CaseSummary = Pick<
  CaseView,
  'caseId' | 'procedure' | 'caseNumber' | 'stationId' | 'officerId' | 'status' | 'outcome' | 'nextDueAt' | 'overdueCount' | 'recordsBlockedSince'
>;

/**
 * How long an open case may stay behind its next due time in the read model before it counts as stuck: the case
 * marks a duty overdue (and writes its record) when the time comes, so a due time long past means the case could
 * not write, or no worker ran it.
 */
export const stuckAfterMs = 60 * 60_000;

export interface CaseFilter {
  /** Only the cases of these stations; unset: every station. */
  stationIds?: string[];
  officerId?: string;
  procedure?: string;
  status?: CaseStatus;
  /** true: only cases with an overdue duty; false: only cases without. */
  overdue?: boolean;
  /** Only cases whose next due time is before this instant (epoch ms). */
  dueBefore?: number;
  /** true: only stuck cases (records blocked, or behind their next due time by `stuckAfterMs`); false: the others. */
  stuck?: boolean;
  /** Cases Temporal's visibility says have their records blocked (the read model may not know: it is what they cannot write). */
  blockedCaseIds?: string[];
  /** The instant `stuck` is judged at (epoch ms). */
  now?: number;
  /** 'to-review': only adopted cases with duties due before adoption that the officer has still to review. */
  adoption?: 'to-review';
  /** From a previous page's `nextCursor`. */
  cursor?: string;
  limit: number;
}

/** The sort key of a case in lists: next due time (none: last), then case id. */
const caseKeyLength = 2;

/** Whether a cursor is one a case list gave. */
export function isCaseCursor(cursor: string): boolean {
  const key = decodeCursor(cursor, caseKeyLength);
  return key !== undefined && isInstantKey(key[0]);
}

export const isInstantKey = (value: string) => value === 'infinity' || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value);

/** Records blocked (the case's last written view says so), or an open case long behind its next due time at `now`. */
const stuckAt = (now: string, blocked: string) =>
  `((view ? 'recordsBlockedSince') OR case_id = ANY(${blocked}::text[]) ` +
  `OR (status = 'open' AND coalesce(next_due_at < ${now} - interval '${stuckAfterMs / 1000} seconds', false)))`;

// The order of every case list, and the expression the indexes of the supervisor-lists migration are built on.
const caseSortKey = `coalesce(next_due_at, 'infinity'::timestamptz)`;

/** Cases of the read model that match every given filter, soonest next due time first, a page at a time. */
export async function listCases(pool: Pick<Pool, 'query'>, filter: CaseFilter): Promise<Page<CaseSummary>> {
  const {
    stationIds,
    officerId,
    procedure,
    status,
    adoption,
    overdue,
    dueBefore,
    stuck,
    blockedCaseIds = [],
    now = Date.now(),
    cursor,
    limit,
  } = filter;
  const after = cursor === undefined ? undefined : decodeCursor(cursor, caseKeyLength);
  const where = new Conditions();
  where
    .oneOf('station_id', stationIds)
    .when(officerId, (p) => `officer_id = ${p}`)
    .when(procedure, (p) => `procedure = ${p}`)
    .when(status, (p) => `status = ${p}`)
    .add(adoption === 'to-review' ? 'adoption_review_count > 0' : undefined)
    .add(overdue === undefined ? undefined : overdue ? 'overdue_count > 0' : 'overdue_count = 0')
    .when(dueBefore === undefined ? undefined : new Date(dueBefore), (p) => `next_due_at < ${p}`)
    .when(stuck === undefined ? undefined : new Date(now), (p) => (stuck ? '' : 'NOT ') + stuckAt(`${p}::timestamptz`, where.param(blockedCaseIds)))
    .when(after, (p) => `(${caseSortKey}, case_id) > ((${p}::text[])[1]::timestamptz, (${p}::text[])[2])`);
  const { rows } = await pool.query(
    `SELECT case_id, procedure, case_number, station_id, officer_id, status, outcome, next_due_at, overdue_count,
            view->>'recordsBlockedSince' AS records_blocked_since
       FROM cases ${where.where}
      ORDER BY ${caseSortKey}, case_id
      LIMIT ${where.param(limit + 1)}`,
    where.params,
  );
  return pageOf(
    rows,
    limit,
    (r) => ({
      caseId: r.case_id,
      procedure: r.procedure,
      caseNumber: r.case_number,
      stationId: r.station_id,
      officerId: r.officer_id,
      status: r.status,
      outcome: r.outcome ?? undefined,
      nextDueAt: r.next_due_at ? formatInstant(r.next_due_at.getTime()) : undefined,
      overdueCount: r.overdue_count,
      recordsBlockedSince: r.records_blocked_since ?? undefined,
    }),
    (r) => [r.next_due_at ? r.next_due_at.toISOString() : 'infinity', r.case_id],
  );
}

/** A case as the read model last stored it: its view without the people it names, which are sealed beside it. */
export interface StoredCase {
  view: CaseView;
  revision: number;
  /** When the row was written. */
  writtenAt: string;
  /** How many people the view names (null: a row written before they were stored) and them, sealed. */
  personal: { count: number | null; sealed?: string };
}

/** The read model's row of a case; undefined before the case's first write lands. */
export async function readStoredCase(pool: Pick<Pool, 'query'>, caseId: string): Promise<StoredCase | undefined> {
  const { rows } = await pool.query(
    'SELECT view, revision::int AS revision, updated_at, personal_count, personal_sealed FROM cases WHERE case_id = $1',
    [caseId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    view: row.view,
    revision: row.revision,
    writtenAt: formatInstant(row.updated_at.getTime()),
    personal: { count: row.personal_count, sealed: row.personal_sealed ?? undefined },
  };
}

/**
 * A case's station, remembered once found: it never changes (the case id is never reused), and every action asks for
 * it. The oldest of more than `limit` are forgotten.
 */
export function rememberedCaseStations(pool: Pick<Pool, 'query'>, limit = 10_000): (caseId: string) => Promise<string | undefined> {
  const known = new Map<string, string>();
  return async (caseId) => {
    const remembered = known.get(caseId);
    if (remembered !== undefined) return remembered;
    const station = await caseStation(pool, caseId);
    if (station === undefined) return undefined;
    if (known.size >= limit) known.delete(known.keys().next().value!);
    known.set(caseId, station);
    return station;
  };
}

/** The officer a case is assigned to, as the read model holds it; undefined before the case's first write lands. */
export async function caseOfficer(pool: Pick<Pool, 'query'>, caseId: string): Promise<string | undefined> {
  const { rows } = await pool.query('SELECT officer_id FROM cases WHERE case_id = $1', [caseId]);
  return rows[0]?.officer_id;
}

/** The station of a case the read model holds; undefined before the case's first write lands. */
export async function caseStation(pool: Pick<Pool, 'query'>, caseId: string): Promise<string | undefined> {
  const { rows } = await pool.query('SELECT station_id FROM cases WHERE case_id = $1', [caseId]);
  return rows[0]?.station_id;
}
