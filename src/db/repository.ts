import type { Pool } from 'pg';
import type { CalendarYear } from '../case/calendar';
import type { CalendarBroadcast } from '../domain/calendar-broadcast';
import type { KpiDeclaration, KpiOutcome } from '../domain/kpis';
import { localDate } from '../case/legal-time';
import { provisionalCalendarYear, provisionalYearsAhead, withProvisionalYears } from '../case/statutory-holidays';
import { type AccessEntry, actionRecorded, type AuditRow, auditChain, type ChainCheck, recordAccess } from './audit';
import { loadCalendarBroadcast, loadCalendarYear, loadCalendarYears, loadYearsAwaitingBroadcast, replaceCalendarYear } from './calendar';
import { type CaseFilter, type CaseSummary, listCases, readStoredCase, rememberedCaseStations, caseOfficer, type StoredCase } from './cases';
import { type KpiCounts, kpiCounts, type KpiDuty, kpiDuties, type KpiScope } from './kpis';
import { listObligations, type ObligationFilter, type ObligationRow } from './obligations';
import type { Page } from './paging';
import { listNotices, noticeCase, type NoticeFilter, type OutboxNotice, redeliverNotice } from './notices';

/** What the API reads and writes in PostgreSQL, by resource; tests give an in-memory one of the same shape. */
export interface Repository {
  cases: {
    /** A page of the cases that match the filter, soonest next due time first. */
    list(filter: CaseFilter): Promise<Page<CaseSummary>>;
    /** The station of a case the read model holds. */
    station(caseId: string): Promise<string | undefined>;
    /** The officer a case is assigned to now (a station leader may reassign it), as the read model holds it. */
    officer(caseId: string): Promise<string | undefined>;
    /** A case's row in the read model, none before its first write. */
    read(caseId: string): Promise<StoredCase | undefined>;
  };
  obligations: {
    /** A page of the duties that match the filter, soonest due first. */
    list(filter: ObligationFilter): Promise<Page<ObligationRow>>;
  };
  kpis: {
    /** A rate's duties due in the scope's period, by outcome. */
    counts(kpi: KpiDeclaration, scope: KpiScope): Promise<KpiCounts>;
    /** The duties behind a rate's numbers, a page at a time. */
    duties(kpi: KpiDeclaration, scope: KpiScope & { outcome?: KpiOutcome; cursor?: string; limit: number }): Promise<Page<KpiDuty>>;
  };
  audit: {
    actionRecorded(caseId: string, actionId: string): Promise<boolean>;
    /** Appends a refused attempt, a calendar load or an unmasked read to its chain. */
    record(entry: AccessEntry): Promise<void>;
    /** A case's chain, oldest first, and whether it verifies. */
    chain(caseId: string): Promise<{ rows: AuditRow[]; chain: ChainCheck }>;
  };
  calendar: {
    /** The years in force: the stored ones, and a provisional year for each of the next years the State Council has not published. */
    years(): Promise<CalendarYear[]>;
    /** A stored year, or the provisional one while a year within the next few has none. */
    year(year: number): Promise<CalendarYear | undefined>;
    replace(year: Omit<CalendarYear, 'version'>): Promise<{ year: CalendarYear; changed: boolean }>;
    broadcast(year: number, version: number): Promise<CalendarBroadcast | undefined>;
    /** The years whose current version is still to be told to the open cases. */
    awaitingBroadcast(): Promise<CalendarYear[]>;
  };
  notices: {
    list(filter: NoticeFilter): Promise<OutboxNotice[]>;
    /** The case of a notice and its station (none while the case has no row in the read model). */
    caseOf(id: string): Promise<{ caseId: string; stationId?: string } | undefined>;
    /** `stationIds`: only a notice of these stations' cases; another is 'not-found'. */
    redeliver(id: string, stationIds?: string[]): Promise<OutboxNotice | 'not-found' | 'delivered'>;
  };
  /** Resolves when the database answers. */
  ping(): Promise<void>;
}

export function createRepository(pool: Pool): Repository {
  return {
    cases: {
      list: (filter) => listCases(pool, filter),
      station: rememberedCaseStations(pool),
      officer: (caseId) => caseOfficer(pool, caseId),
      read: (caseId) => readStoredCase(pool, caseId),
    },
    obligations: { list: (filter) => listObligations(pool, filter) },
    kpis: { counts: (kpi, scope) => kpiCounts(pool, kpi, scope), duties: (kpi, scope) => kpiDuties(pool, kpi, scope) },
    audit: {
      actionRecorded: (caseId, actionId) => actionRecorded(pool, caseId, actionId),
      record: (entry) => recordAccess(pool, entry),
      chain: (caseId) => auditChain(pool, caseId),
    },
    calendar: {
      years: async () => withProvisionalYears(await loadCalendarYears(pool), thisYear(), thisYear() + provisionalYearsAhead),
      year: async (year) => (await loadCalendarYear(pool, year)) ?? (inProvisionalReach(year) ? provisionalCalendarYear(year) : undefined),
      replace: (year) => replaceCalendarYear(pool, year),
      broadcast: (year, version) => loadCalendarBroadcast(pool, year, version),
      awaitingBroadcast: () => loadYearsAwaitingBroadcast(pool),
    },
    notices: {
      list: (filter) => listNotices(pool, filter),
      caseOf: (id) => noticeCase(pool, id),
      redeliver: (id, stationIds) => redeliverNotice(pool, id, stationIds),
    },
    ping: async () => {
      await pool.query('SELECT 1');
    },
  };
}

const thisYear = () => Number(localDate(Date.now()).slice(0, 4));
const inProvisionalReach = (year: number) => year >= thisYear() && year <= thisYear() + provisionalYearsAhead;
