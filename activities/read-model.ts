import type { Pool } from 'pg';
import { loadCalendarYearsNewerThan } from '../src/db/calendar';
import type { CalendarYear } from '../src/case/calendar';
import type { CaseView } from '../src/case/contract';
import { writeCaseRecords } from '../src/db/records';

export interface SaveCaseInput {
  view: CaseView<unknown>;
  revision: number;
}

/** Read model activities: the case and its obligations in PostgreSQL, for lists, KPIs and the station system. */
export function readModelActivities({ pool }: { pool: Pool }) {
  return {
    /**
     * The read model alone, as cases recorded before one flush per wake write it: the flush's own statement, so a
     * connection lost mid-way leaves nothing half written and a stale revision (an older attempt arriving late)
     * changes nothing. An open case also learns of the calendar years stored in a newer version than
     * it holds (`newerCalendarYears`), so a case that a broadcast missed catches up when it next writes its record.
     */
    async saveCase({ view: given, revision }: SaveCaseInput): Promise<{ saved: boolean; newerCalendarYears: CalendarYear[] }> {
      // The case sends its view without personal data; a view that carried it would still not be stored.
      const { personal: _personal, ...view } = given;
      const { saved } = await writeCaseRecords(pool, { caseId: view.caseId, notices: [], audit: [], view, revision, personal: { count: 0 } });
      const newerCalendarYears = view.status === 'closed' ? [] : await loadCalendarYearsNewerThan(pool, view.calendar);
      return { saved, newerCalendarYears };
    },
  };
}
