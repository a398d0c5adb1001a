import type { Pool } from 'pg';
import { loadCalendarYearsNewerThan } from '../src/db/calendar';
import type { CalendarYear } from '../src/domain/calendar';
import type { CaseView } from '../src/domain/case';

export interface SaveCaseInput {
  view: CaseView<unknown>;
  revision: number;
}

/** Read model activities: the case and its obligations in PostgreSQL, for lists, KPIs and the station system. */
export function readModelActivities({ pool }: { pool: Pool }) {
  return {
    /**
     * Upserts the case and its obligations in one transaction, so a connection lost mid-way leaves nothing half
     * written; a retry of the same revision writes the same rows again, and a stale revision (an older attempt
     * arriving late) changes nothing. An open case also learns of the calendar years stored in a newer version than
     * it holds (`newerCalendarYears`), so a case that a broadcast missed catches up when it next writes its record.
     */
    async saveCase({ view: given, revision }: SaveCaseInput): Promise<{ saved: boolean; newerCalendarYears: CalendarYear[] }> {
      // The case sends its view without personal data; a view that carried it would still not be stored.
      const { personal: _personal, ...view } = given;
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        await client.query('BEGIN');
        const { rowCount } = await client.query(
          `INSERT INTO cases (case_id, procedure, case_number, station_id, officer_id, status, outcome, started_at, closed_at,
                              next_due_at, overdue_count, revision, view, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, now())
           ON CONFLICT (case_id) DO UPDATE SET
             status = EXCLUDED.status, outcome = EXCLUDED.outcome, closed_at = EXCLUDED.closed_at,
             next_due_at = EXCLUDED.next_due_at, overdue_count = EXCLUDED.overdue_count, revision = EXCLUDED.revision,
             view = EXCLUDED.view, updated_at = now()
           WHERE cases.revision <= EXCLUDED.revision`,
          [
            view.caseId,
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
          ],
        );
        if (rowCount) {
          await client.query('DELETE FROM obligations WHERE case_id = $1', [view.caseId]);
          for (const o of view.obligations) {
            await client.query(
              `INSERT INTO obligations (case_id, key, period, article, responsible, status, opens_at, due_at, completed_at, late, overdue_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
              [
                view.caseId,
                o.key,
                o.period ?? '',
                o.article,
                o.responsible,
                o.status,
                o.opensAt ?? null,
                o.dueAt,
                o.completedAt ?? null,
                o.late,
                o.overdueAt ?? null,
              ],
            );
          }
        }
        await client.query('COMMIT');
        const newerCalendarYears = view.status === 'closed' ? [] : await loadCalendarYearsNewerThan(client, view.calendar);
        return { saved: Boolean(rowCount), newerCalendarYears };
      } catch (err) {
        failure = err as Error;
        throw err;
      } finally {
        // A failed transaction's connection is discarded, which rolls it back: a ROLLBACK on a lost connection, or one
        // still busy with a timed-out statement, would only wait.
        client.release(failure);
      }
    },
  };
}
