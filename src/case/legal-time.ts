import type { DayInfo, WorkingCalendar } from './calendar';

// Asia/Shanghai is UTC+8 all year (no daylight saving since 1991), so a fixed offset is exact.
const OFFSET_MS = 8 * 3_600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LOCAL_DATE = /^([1-9]\d{3})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/;

/** How a deadline is derived from its starting point. */
export type DeadlineRule = 'within-hours' | 'within-days' | 'within-working-days' | 'days-before' | 'working-days-before';

/** Every deadline rule, e.g. for validating policy. */
export const deadlineRules: readonly DeadlineRule[] = Object.freeze([
  'within-hours',
  'within-days',
  'within-working-days',
  'days-before',
  'working-days-before',
] as const);

/** A computed deadline with the reasoning behind it. */
export interface Deadline {
  rule: DeadlineRule;
  n: number;
  from: string;
  due: string;
  dueMs: number;
  explanation: string[];
  warnings: string[];
  yearsConsulted: number[];
}

/** True for a real calendar date written 'YYYY-MM-DD' (years 1000–9999). */
export function isValidLocalDate(date: string): boolean {
  const match = LOCAL_DATE.exec(date);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Number of days in a month (1–12) of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function parts(date: string): [number, number, number] {
  if (!isValidLocalDate(date)) throw new RangeError(`invalid local date: ${JSON.stringify(date)}`);
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

function formatDate(year: number, month: number, day: number): string {
  const date = `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
  if (!isValidLocalDate(date)) throw new RangeError(`date out of range: ${year}-${month}-${day}`);
  return date;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

function requireInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer, got ${n}`);
}

function requireInstant(ms: number): void {
  if (!Number.isFinite(ms)) throw new RangeError(`invalid instant: ${ms}`);
}

/** Epoch ms of 00:00:00+08:00 on the local date. */
export function startOfDay(date: string): number {
  const [year, month, day] = parts(date);
  return Date.UTC(year, month - 1, day) - OFFSET_MS;
}

/** Epoch ms of 23:59:59+08:00 (.000) on the local date. */
export function endOfDay(date: string): number {
  return startOfDay(date) + DAY_MS - 1000;
}

/** The local date (+08:00) containing the instant. */
export function localDate(ms: number): string {
  requireInstant(ms);
  const shifted = new Date(ms + OFFSET_MS);
  return formatDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

/** ISO 8601 in +08:00 at seconds precision (milliseconds are truncated). */
export function formatInstant(ms: number): string {
  requireInstant(ms);
  const shifted = new Date(Math.floor(ms / 1000) * 1000 + OFFSET_MS);
  const time = [shifted.getUTCHours(), shifted.getUTCMinutes(), shifted.getUTCSeconds()].map(pad2).join(':');
  return `${localDate(ms)}T${time}+08:00`;
}

/** Epoch ms of 'YYYY-MM-DD' (start of that local day) or of an ISO date-time with 'Z' or an offset. */
export function parseInstant(value: string): number {
  if (typeof value !== 'string') throw new RangeError(`invalid instant: ${String(value)}`);
  if (isValidLocalDate(value)) return startOfDay(value);
  const match = DATE_TIME.exec(value);
  // A date-time without an offset is refused: it would silently depend on who wrote it where.
  if (!match || !isValidLocalDate(match[1])) throw new RangeError(`invalid instant: ${JSON.stringify(value)}`);
  const [, date, hh, mm, ss = '0', fraction = '', zulu, sign, offH = '0', offM = '0'] = match;
  const [hour, minute, second] = [Number(hh), Number(mm), Number(ss)];
  if (hour > 23 || minute > 59 || second > 59 || Number(offH) > 23 || Number(offM) > 59) {
    throw new RangeError(`invalid instant: ${JSON.stringify(value)}`);
  }
  const [year, month, day] = parts(date);
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const offset = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * HOUR_MS + Number(offM) * 60_000);
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset;
}

/** The local date n days later (earlier for negative n). */
export function addDays(date: string, n: number): string {
  requireInteger(n, 'days');
  return localDate(startOfDay(date) + n * DAY_MS);
}

/** The local date n calendar months later, clamped to the last day of the target month. */
export function addMonths(date: string, n: number): string {
  requireInteger(n, 'months');
  const [year, month, day] = parts(date);
  const index = year * 12 + (month - 1) + n;
  const [toYear, toMonth] = [Math.floor(index / 12), (index % 12) + 1];
  if (toYear < 1000 || toYear > 9999) throw new RangeError(`date out of range: ${date} + ${n} months`);
  return formatDate(toYear, toMonth, Math.min(day, daysInMonth(toYear, toMonth)));
}

/** The last day of the date's month. */
export function endOfMonth(date: string): string {
  const [year, month] = parts(date);
  return formatDate(year, month, daysInMonth(year, month));
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return new Date(startOfDay(date) + OFFSET_MS).getUTCDay();
}

/** English name of the day of the week, e.g. 'Saturday'. */
export function weekdayName(date: string): string {
  return WEEKDAYS[dayOfWeek(date)];
}

/** Reads the calendar, remembering which years' data were used and warning once per missing year. */
class CalendarReader {
  readonly consulted = new Set<number>();
  readonly warnings: string[] = [];
  private readonly missing = new Set<number>();

  constructor(private readonly calendar: WorkingCalendar) {}

  day(date: string): DayInfo {
    const info = this.calendar.dayInfo(date);
    const year = Number(date.slice(0, 4));
    if (info.known || info.provisional) this.consulted.add(year);
    if (!info.known && !this.missing.has(year)) {
      this.missing.add(year);
      this.warnings.push(
        info.provisional
          ? `working-day calendar for ${year} is provisional: statutory holidays only, the State Council's schedule is not loaded`
          : `no working-day calendar for ${year}: computed on weekends only`,
      );
    }
    return info;
  }
}

function label(date: string): string {
  return `${date} (${weekdayName(date)})`;
}

function skipped(info: DayInfo): string {
  return `${label(info.date)} is not a working day (${info.reason}): skipped`;
}

/** Computes a deadline under one of the legal period rules, in Asia/Shanghai time. */
export function computeDeadline(rule: DeadlineRule, from: string | number, n: number, calendar: WorkingCalendar): Deadline {
  if (!deadlineRules.includes(rule)) throw new RangeError(`unknown deadline rule: ${String(rule)}`);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const fromMs = typeof from === 'string' ? parseInstant(from) : from;
  requireInstant(fromMs);
  const reader = new CalendarReader(calendar);
  const explanation: string[] = [];
  let dueMs: number;

  switch (rule) {
    case 'within-hours': {
      // Truncated to the second so that `due` and `dueMs` name the same instant.
      dueMs = Math.floor((fromMs + n * HOUR_MS) / 1000) * 1000;
      explanation.push(
        `starts at ${formatInstant(fromMs)}`,
        `${n} hours later, counted exactly (not to the end of a day): due ${formatInstant(dueMs)}`,
      );
      break;
    }
    case 'within-days': {
      // Criminal Procedure Law Art. 105: the starting day is not counted, and a period whose
      // last day is a holiday ends on the first day after the holiday.
      const event = localDate(fromMs);
      let last = addDays(event, n);
      explanation.push(
        `event on ${label(event)}; that day is not counted (Criminal Procedure Law Art. 105)`,
        `day ${n} after the event is ${label(last)}`,
      );
      for (let info = reader.day(last); !info.working; info = reader.day(last)) {
        explanation.push(skipped(info));
        last = addDays(last, 1);
      }
      explanation.push(`the period ends at the end of ${label(last)}, a working day`);
      dueMs = endOfDay(last);
      break;
    }
    case 'within-working-days': {
      // "N 个工作日内": the day of the event is not counted; the period ends at the end of the Nth working day after it.
      const event = localDate(fromMs);
      let day = event;
      explanation.push(`event on ${label(event)}; that day is not counted`);
      for (let counted = 0; counted < n;) {
        day = addDays(day, 1);
        const info = reader.day(day);
        if (info.working) {
          counted += 1;
          explanation.push(`${label(day)} is working day ${counted} after the event: ${info.reason}`);
        } else {
          explanation.push(skipped(info));
        }
      }
      explanation.push(`the period ends at the end of ${label(day)}`);
      dueMs = endOfDay(day);
      break;
    }
    case 'days-before': {
      const term = localDate(fromMs);
      let latest = addDays(term, -n);
      explanation.push(`term ends on ${label(term)}`, `${n} days before it is ${label(latest)}`);
      for (let info = reader.day(latest); !info.working; info = reader.day(latest)) {
        explanation.push(`${skipped(info)}; moving to the day before`);
        latest = addDays(latest, -1);
      }
      explanation.push(`the latest day is ${label(latest)}, a working day; due at its end`);
      dueMs = endOfDay(latest);
      break;
    }
    case 'working-days-before': {
      const term = localDate(fromMs);
      let day = term;
      explanation.push(`term ends on ${label(term)}; that day is not counted`);
      for (let counted = 0; counted < n;) {
        day = addDays(day, -1);
        const info = reader.day(day);
        if (info.working) {
          counted += 1;
          explanation.push(`${label(day)} is working day ${counted} before the term end: ${info.reason}`);
        } else {
          explanation.push(skipped(info));
        }
      }
      explanation.push(`the window opens at the start of ${label(day)}`);
      dueMs = startOfDay(day);
      break;
    }
  }

  return {
    rule,
    n,
    from: typeof from === 'string' ? from : formatInstant(from),
    due: formatInstant(dueMs),
    dueMs,
    explanation,
    warnings: reader.warnings,
    yearsConsulted: [...reader.consulted].sort((a, b) => a - b),
  };
}
