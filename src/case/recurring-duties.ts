/**
 * Duties owed every calendar month, quarter or half-year (每月报告、每季度…): each period opens on its first day and is
 * due at the end of its last day, or of the term when the term ends first. The engine declares each period as time
 * reaches it. Pure: bundled into workflows.
 */
import { addMonths, endOfDay, endOfMonth, startOfDay } from './legal-time';
import type { ObligationSpec } from './obligation';

/** A duty that recurs every `everyMonths` calendar months from `from` (inclusive) to `until` (inclusive). */
export interface RecurrenceSpec extends Omit<ObligationSpec, 'period' | 'dueAt' | 'opensAt'> {
  everyMonths: 1 | 3 | 6;
  from: string;
  until?: string;
}

export interface Recurrence extends RecurrenceSpec {
  /** First local date of the next period to open. */
  next: string;
  stopped: boolean;
}

export function recurrenceOf(spec: RecurrenceSpec): Recurrence {
  return { ...spec, next: periodStart(spec.from, spec.everyMonths), stopped: false };
}

/** The periods of `r` opened by `now` and not yet owed, in order, each as the duty to declare; `r` moves past them. */
export function periodsOpenedBy(r: Recurrence, now: number): ObligationSpec[] {
  const opened: ObligationSpec[] = [];
  while (!r.stopped && (!r.until || r.next <= r.until) && startOfDay(r.next) <= now) {
    const { everyMonths, from, until, next: _next, stopped: _stopped, ...spec } = r;
    const last = endOfMonth(addMonths(r.next, everyMonths - 1));
    const opens = r.next < from ? from : r.next;
    const closes = until && until < last ? until : last;
    opened.push({ ...spec, period: periodName(r.next, everyMonths), opensAt: startOfDay(opens), dueAt: endOfDay(closes) });
    r.next = addMonths(r.next, everyMonths);
  }
  return opened;
}

/** The next period of `r` still to open, if any, and when it opens. */
export function nextPeriod(r: Recurrence): { period: string; opensAt: number } | undefined {
  if (r.stopped || (r.until && r.next > r.until)) return undefined;
  return { period: periodName(r.next, r.everyMonths), opensAt: startOfDay(r.next) };
}

/** First day of the calendar period (month, quarter, half-year) that contains `date`. */
function periodStart(date: string, everyMonths: number): string {
  const [y, m] = date.split('-').map(Number);
  const firstMonth = Math.floor((m - 1) / everyMonths) * everyMonths + 1;
  return `${y}-${String(firstMonth).padStart(2, '0')}-01`;
}

function periodName(start: string, everyMonths: number): string {
  const month = start.slice(0, 7);
  if (everyMonths === 1) return month;
  const [y, m] = month.split('-').map(Number);
  return everyMonths === 3 ? `${y}-Q${(m + 2) / 3}` : `${y}-H${(m + 5) / 6}`;
}
