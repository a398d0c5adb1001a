import { addDays, dayOfWeek, localDate, startOfDay } from '../case/legal-time';

/**
 * The contract of the calendar watch: one workflow for the whole service reminds the administrators, every week from
 * 1 December, of a year about to start (or started) without the State Council's schedule, until it is loaded. Its
 * deadlines run on the provisional year meanwhile, with a warning each.
 */
export const calendarWatchWorkflowType = 'calendarWatchWorkflow';
export const calendarWatchId = 'calendar-watch';

/** When the watch looks: Mondays at 09:00, Asia/Shanghai, the start of an administrator's week. */
const watchHourMs = 9 * 3_600_000;

/** The first Monday 09:00 (Asia/Shanghai) after `nowMs`. */
export function nextWatchAt(nowMs: number): number {
  let date = localDate(nowMs);
  for (;;) {
    const at = startOfDay(date) + watchHourMs;
    if (dayOfWeek(date) === 1 && at > nowMs) return at;
    date = addDays(date, 1);
  }
}

/** The years whose schedule should be loaded on `date`: the current one, and from 1 December the next. */
export function yearsDueOn(date: string): number[] {
  const year = Number(date.slice(0, 4));
  return date.slice(5) >= '12-01' ? [year, year + 1] : [year];
}

export interface CalendarWatchCheck {
  /** The time of the check (the workflow's clock), an instant with offset. */
  at: string;
}
