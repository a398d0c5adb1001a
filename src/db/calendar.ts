import type { Pool } from 'pg';
import { type CalendarYear, builtInCalendarYears } from '../domain/calendar';
import { canonicalJson } from '../domain/fingerprint';

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

/**
 * Replaces a year. The version goes up only when the content changes, so repeating a request changes nothing.
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
    await client.query('COMMIT');
    return { year: stored, changed: true };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
