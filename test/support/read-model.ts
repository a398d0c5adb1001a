import type { Pool } from 'pg';
import type { CaseView } from '../../src/case/contract';

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

const listProcedures = ['bail-surveillance', 'dispute', 'hazard-rectification', 'deprived-rights', 'case-follow-up'];
const hour = 3_600_000;
/** The first instant of the list fixture's due times. */
export const listBase = Date.parse('2026-03-01T00:00:00+08:00');

/**
 * `n` cases spread over 4 stations, 3 officers and 5 procedures, in an order unlike their case ids: every tenth
 * closed (nothing due), every 37th open with nothing due, next due times on 600 hourly slots from 2026-03-01 (so two
 * cases share each slot and the case id decides), every fifth with overdue duties, every 97th with blocked records;
 * each with one progress-check duty (pending, overdue or done).
 */
export function listFixture(n: number, prefix = 'L'): CaseFixture[] {
  const statuses = ['pending', 'overdue', 'done'];
  return Array.from({ length: n }, (_, i) => {
    const closed = i % 10 === 9;
    const due = closed || i % 37 === 0 ? undefined : new Date(listBase + ((i * 7919) % 600) * hour).toISOString();
    return {
      caseId: `${listProcedures[i % 5]}:${prefix}-${String((i * 31) % n).padStart(5, '0')}`,
      stationId: `S-0${(i % 4) + 1}`,
      officerId: `P-${(i % 3) + 1}`,
      status: closed ? 'closed' : 'open',
      nextDueAt: due,
      overdueCount: i % 5 === 0 ? (i % 3) + 1 : 0,
      recordsBlockedSince: i % 97 === 0 ? '2026-03-10T08:00:00+08:00' : undefined,
      duties: [
        {
          key: 'progress-check',
          period: String(i % 2),
          status: statuses[i % 3],
          dueAt: new Date(listBase + ((i * 104729) % 900) * hour).toISOString(),
        },
      ],
    };
  });
}

/** A bail case's view as the case sends it to the read model, with the duties given (all due 2026-03-05). */
export function caseView(caseId: string, status: 'open' | 'closed', obligations: Array<{ key: string; status: 'pending' | 'done' }>): CaseView {
  return {
    caseId,
    procedure: 'bail-surveillance',
    caseNumber: caseId.split(':')[1],
    stationId: 'S-01',
    officerId: 'P-20931',
    status,
    startedAt: '2026-03-02T09:00:00+08:00',
    overdueCount: 0,
    obligations: obligations.map((o) => ({
      key: o.key,
      article: '41(8)',
      titleZh: '义务',
      titleEn: 'duty',
      responsible: 'officer',
      status: o.status,
      dueAt: '2026-03-05T23:59:59+08:00',
      late: false,
    })),
    notices: [],
    records: {},
    policy: {},
    warnings: [],
    calendar: [],
    run: 0,
  };
}
