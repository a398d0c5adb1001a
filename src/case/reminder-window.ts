import type { WorkingCalendar } from './calendar';
import { addDays, localDate, startOfDay } from './legal-time';

/** A duty's times, epoch milliseconds. */
export interface WindowedDuty {
  dueAt: number;
  declaredAt: number;
  opensAt?: number;
}

export interface ReminderWindow {
  startMinute: number;
  minutes: number;
}

const minute = 60_000;
const hour = 60 * minute;

/**
 * When a duty is reminded under a reminder window (station policy; the regulation sets deadlines, not reminders). Day
 * deadlines all end at 23:59:59, so "24 h before" reminded every case at once, at midnight. Instead each duty has its
 * own minute of the window (a hash of its case id and obligation id: the same on every run and replay), and is reminded
 * at that minute:
 * 1. on the last working day whose minute lies at least the lead before the deadline and in the second half of the
 *    duty's time (a day deadline: the working day before its last day);
 * 2. else, declared too late for that, on the first working day after half of the duty's time has passed, before the
 *    deadline (a 24-hour duty declared in the afternoon: the next morning);
 * 3. else the same on any day (a duty that runs only over a weekend or holiday);
 * 4. else at the lead before the deadline as without a window, if that comes after the declaration.
 * Never before the duty was declared or its window opened; in 1–3, at least half an hour before the deadline (time to act).
 */
export function windowReminderAt(
  duty: WindowedDuty,
  leadHours: number,
  window: ReminderWindow,
  spreadKey: string,
  calendar: WorkingCalendar,
): number | undefined {
  const offset = (window.startMinute + spreadMinute(spreadKey, window.minutes)) * minute;
  const slot = (date: string) => startOfDay(date) + offset;
  const latest = duty.dueAt - leadHours * hour;
  // Strictly after the declaration and half of the duty's time; not before its window opens.
  const after = Math.max(duty.declaredAt + (duty.dueAt - duty.declaredAt) / 2, duty.opensAt ?? -Infinity);
  const fits = (at: number) => at > after && at > duty.declaredAt && at <= duty.dueAt - 30 * minute;
  const firstDay = localDate(Math.max(after, duty.declaredAt));

  for (const working of [true, false]) {
    const counts = (date: string) => !working || calendar.isWorkingDay(date);
    for (let date = localDate(latest); date >= firstDay; date = addDays(date, -1)) {
      if (slot(date) <= latest && fits(slot(date)) && counts(date)) return slot(date);
    }
    for (let date = firstDay; slot(date) < duty.dueAt; date = addDays(date, 1)) {
      if (fits(slot(date)) && counts(date)) return slot(date);
    }
  }
  const at = Math.max(latest, duty.opensAt ?? -Infinity);
  return at > duty.declaredAt && at < duty.dueAt ? at : undefined;
}

/** The duty's minute within a window of `minutes`: FNV-1a of its key, so it is stable and spreads evenly. */
export function spreadMinute(key: string, minutes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % Math.max(1, Math.floor(minutes));
}
