import type { Pool } from 'pg';
import { type CalendarYear, builtInCalendarYears } from '../case/calendar';
import { type CalendarBroadcast, calendarBroadcastId } from '../domain/calendar-broadcast';
import { calendarWatchId, yearsDueOn } from '../domain/calendar-watch';
import { canonicalJson } from '../case/fingerprint';
import { localDate, parseInstant } from '../case/legal-time';

interface CalendarRow {
  year: number;
  holidays: CalendarYear['holidays'];
  workdays: string[];
  source: string;
  version: number;
}

const toYear = (r: CalendarRow): CalendarYear => ({ year: r.year, holidays: r.holidays, workdays: r.workdays, source: r.source, version: r.version });

/** Seeds the years the project ships (2025, 2026); a year already in the database is left as it is. */
export async function seedCalendar(pool: Pick<Pool, 'query'>): Promise<void> {
  for (const y of builtInCalendarYears) {
    await pool.query(
      `INSERT INTO calendar_years (year, holidays, workdays, source, version) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (year) DO NOTHING`,
      [y.year, JSON.stringify(y.holidays), JSON.stringify(y.workdays), y.source, y.version],
    );
  }
}

export async function loadCalendarYears(pool: Pool): Promise<CalendarYear[]> {
  const { rows } = await pool.query<CalendarRow>('SELECT year, holidays, workdays, source, version FROM calendar_years ORDER BY year');
  return rows.map(toYear);
}

export async function loadCalendarYear(pool: Pool, year: number): Promise<CalendarYear | undefined> {
  const { rows } = await pool.query<CalendarRow>('SELECT year, holidays, workdays, source, version FROM calendar_years WHERE year = $1', [year]);
  return rows[0] && toYear(rows[0]);
}

/** The stored years in a newer version than `held` (a case's calendar versions), or not held at all. */
export async function loadCalendarYearsNewerThan(db: Pick<Pool, 'query'>, held: Array<{ year: number; version: number }>): Promise<CalendarYear[]> {
  const { rows } = await db.query<CalendarRow>(
    `SELECT y.year, y.holidays, y.workdays, y.source, y.version FROM calendar_years y
       LEFT JOIN jsonb_to_recordset($1::jsonb) AS held(year integer, version integer) ON held.year = y.year
      WHERE held.version IS NULL OR y.version > held.version ORDER BY y.year`,
    [JSON.stringify(held)],
  );
  return rows.map(toYear);
}

/**
 * Replaces a year. The version goes up only when the content changes, so repeating a request changes nothing.
 * A new version is stored with its broadcast still to do, in one transaction, so no version is ever left untold.
 * Returns the year as stored and whether it changed.
 */
export async function replaceCalendarYear(pool: Pool, year: Omit<CalendarYear, 'version'>): Promise<{ year: CalendarYear; changed: boolean }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<CalendarRow>(
      'SELECT year, holidays, workdays, source, version FROM calendar_years WHERE year = $1 FOR UPDATE',
      [year.year],
    );
    const held = rows[0] && toYear(rows[0]);
    const same = held && canonicalJson({ ...held, version: 0 }) === canonicalJson({ ...year, version: 0 });
    if (held && same) {
      await client.query('COMMIT');
      return { year: held, changed: false };
    }
    const stored: CalendarYear = { ...year, version: (held?.version ?? 0) + 1 };
    await client.query(
      `INSERT INTO calendar_years (year, holidays, workdays, source, version, updated_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays, source = EXCLUDED.source,
         version = EXCLUDED.version, updated_at = now()`,
      [stored.year, JSON.stringify(stored.holidays), JSON.stringify(stored.workdays), stored.source, stored.version],
    );
    await client.query('INSERT INTO calendar_broadcasts (year, version, workflow_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      stored.year,
      stored.version,
      calendarBroadcastId(stored.year, stored.version),
    ]);
    await client.query('COMMIT');
    return { year: stored, changed: true };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

interface BroadcastRow {
  workflow_id: string;
  version: number;
  requested_at: Date;
  cases_reached: number | null;
  finished_at: Date | null;
}

const toBroadcast = (r: BroadcastRow): CalendarBroadcast => ({
  id: r.workflow_id,
  version: r.version,
  requestedAt: r.requested_at.toISOString(),
  casesReached: r.cases_reached,
  finishedAt: r.finished_at?.toISOString() ?? null,
});

/** The broadcast of a year's version; none for the versions the project ships (every case starts with them). */
export async function loadCalendarBroadcast(pool: Pool, year: number, version: number): Promise<CalendarBroadcast | undefined> {
  const { rows } = await pool.query<BroadcastRow>(
    'SELECT workflow_id, version, requested_at, cases_reached, finished_at FROM calendar_broadcasts WHERE year = $1 AND version = $2',
    [year, version],
  );
  return rows[0] && toBroadcast(rows[0]);
}

/** The years whose current version has a broadcast not yet finished: begun, or never started at all. */
export async function loadYearsAwaitingBroadcast(pool: Pool): Promise<CalendarYear[]> {
  const { rows } = await pool.query<CalendarRow>(
    `SELECT y.year, y.holidays, y.workdays, y.source, y.version FROM calendar_years y
       JOIN calendar_broadcasts b ON b.year = y.year AND b.version = y.version
      WHERE b.finished_at IS NULL ORDER BY y.year`,
  );
  return rows.map(toYear);
}

/** Records how many cases a broadcast has reached; with `finished`, that it is done (the first finish time stays). */
export async function recordCalendarBroadcast(
  pool: Pool,
  { year, version, casesReached, finished }: { year: number; version: number; casesReached: number; finished: boolean },
): Promise<CalendarBroadcast> {
  const { rows } = await pool.query<BroadcastRow>(
    `INSERT INTO calendar_broadcasts (year, version, workflow_id, cases_reached, finished_at) VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)
     ON CONFLICT (year, version) DO UPDATE SET cases_reached = EXCLUDED.cases_reached,
       finished_at = COALESCE(calendar_broadcasts.finished_at, EXCLUDED.finished_at)
     RETURNING workflow_id, version, requested_at, cases_reached, finished_at`,
    [year, version, calendarBroadcastId(year, version), casesReached, finished],
  );
  return toBroadcast(rows[0]);
}

/**
 * The years due on the day of `at` that have no published schedule stored, each raising one notice to the
 * administrators for that day (the outbox's unique key makes a retried check write it once).
 */
export async function remindMissingCalendarYears(pool: Pick<Pool, 'query'>, at: string): Promise<number[]> {
  const date = localDate(parseInstant(at));
  const due = yearsDueOn(date);
  const { rows } = await pool.query<{ year: number }>('SELECT year FROM calendar_years WHERE year = ANY($1::int[])', [due]);
  const missing = due.filter((year) => !rows.some((r) => r.year === year));
  for (const year of missing) {
    await pool.query(
      `INSERT INTO notices (case_id, notice_key, kind, recipient, article, title_zh, facts, created_at)
       VALUES ($1, $2, 'calendar-missing', 'admin', '—', $3, $4, $5) ON CONFLICT (case_id, notice_key) DO NOTHING`,
      [
        calendarWatchId,
        `calendar-${year}-missing-${date}`,
        `${year} 年国务院放假安排尚未载入：期限暂按法定节假日计算，请尽快载入`,
        JSON.stringify({ year, checkedOn: date }),
        new Date(parseInstant(at)),
      ],
    );
  }
  return missing;
}
