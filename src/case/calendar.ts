import { addDays, dayOfWeek, isValidLocalDate, weekdayName } from './legal-time';

/** A run of statutory days off, local dates 'YYYY-MM-DD' inclusive. */
export interface HolidayRange {
  from: string;
  to: string;
  name: string;
}

/** One year of the State Council's holiday arrangement (放假调休安排). */
export interface CalendarYear {
  year: number;
  holidays: HolidayRange[];
  workdays: string[];
  source: string;
  version: number;
  /** Computed from the law's statutory holidays while the State Council's schedule is not out (version 0). */
  provisional?: boolean;
}

/** Whether a local date is a working day, and why. */
export interface DayInfo {
  date: string;
  working: boolean;
  /** The State Council's schedule for the date's year is loaded. */
  known: boolean;
  /** Only a provisional year is: the statutory holidays, without bridging days or make-up workdays. */
  provisional: boolean;
  reason: string;
}

type Special = { working: true } | { working: false; name: string };

/** Working days in China: Monday–Friday, minus statutory holidays, plus make-up workdays (调休). */
export class WorkingCalendar {
  private readonly years = new Map<number, CalendarYear>();
  private readonly special = new Map<string, Special>();

  /** Builds the calendar, rejecting malformed or contradictory year data with a RangeError. */
  constructor(years: readonly CalendarYear[]) {
    for (const data of years) {
      const { year } = data;
      if (!Number.isInteger(year)) throw new RangeError(`invalid calendar year: ${year}`);
      if (this.years.has(year)) throw new RangeError(`calendar year ${year} given twice`);
      this.years.set(year, data);
      // A date is answered by its own year's data only, so every date must lie in that year.
      const check = (date: string): void => {
        if (!isValidLocalDate(date) || !date.startsWith(`${year}-`)) {
          throw new RangeError(`calendar ${year}: ${date} is not a date in ${year}`);
        }
      };
      for (const { from, to, name } of data.holidays) {
        check(from);
        check(to);
        if (from > to) throw new RangeError(`calendar ${year}: holiday ${name} ends before it starts`);
        for (let date = from; date <= to; date = addDays(date, 1)) {
          if (this.special.has(date)) throw new RangeError(`calendar ${year}: ${date} listed twice`);
          this.special.set(date, { working: false, name });
        }
      }
      for (const date of data.workdays) {
        check(date);
        if (this.special.has(date)) throw new RangeError(`calendar ${year}: ${date} listed twice`);
        this.special.set(date, { working: true });
      }
    }
  }

  /** True when holiday data for the year is loaded. */
  hasYear(year: number): boolean {
    return this.years.has(year);
  }

  /** The loaded data for a year, if any (e.g. to record its source and version). */
  calendarYear(year: number): CalendarYear | undefined {
    return this.years.get(year);
  }

  /** The loaded years, ascending. */
  loadedYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  /** Working status of a local date; without data for its year only weekends are days off. */
  dayInfo(date: string): DayInfo {
    if (!isValidLocalDate(date)) throw new RangeError(`invalid local date: ${JSON.stringify(date)}`);
    const data = this.years.get(Number(date.slice(0, 4)));
    const provisional = Boolean(data?.provisional);
    const known = Boolean(data) && !provisional;
    const special = this.special.get(date);
    if (special?.working) return { date, working: true, known, provisional, reason: 'make-up workday (调休)' };
    if (special) return { date, working: false, known, provisional, reason: `${special.name} holiday` };
    const weekday = dayOfWeek(date);
    if (weekday === 0 || weekday === 6) return { date, working: false, known, provisional, reason: weekdayName(date) };
    return { date, working: true, known, provisional, reason: 'working day' };
  }

  /** True when the local date is a working day. */
  isWorkingDay(date: string): boolean {
    return this.dayInfo(date).working;
  }
}

/** A year that cannot be altered, for the years every case shares. */
export function freezeYear(data: CalendarYear): CalendarYear {
  data.holidays.forEach((range) => Object.freeze(range));
  Object.freeze(data.holidays);
  Object.freeze(data.workdays);
  return Object.freeze(data);
}

/** 2025 and 2026 as published by the State Council General Office. */
export const builtInCalendarYears: readonly CalendarYear[] = Object.freeze([
  freezeYear({
    year: 2025,
    source: '国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号, 2024-11-12)',
    version: 1,
    holidays: [
      { from: '2025-01-01', to: '2025-01-01', name: 'New Year 元旦' },
      { from: '2025-01-28', to: '2025-02-04', name: 'Spring Festival 春节' },
      { from: '2025-04-04', to: '2025-04-06', name: 'Qingming 清明节' },
      { from: '2025-05-01', to: '2025-05-05', name: 'Labour Day 劳动节' },
      { from: '2025-05-31', to: '2025-06-02', name: 'Dragon Boat 端午节' },
      { from: '2025-10-01', to: '2025-10-08', name: 'National Day + Mid-Autumn 国庆节、中秋节' },
    ],
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  }),
  freezeYear({
    year: 2026,
    source: '国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)',
    version: 1,
    holidays: [
      { from: '2026-01-01', to: '2026-01-03', name: 'New Year 元旦' },
      { from: '2026-02-15', to: '2026-02-23', name: 'Spring Festival 春节' },
      { from: '2026-04-04', to: '2026-04-06', name: 'Qingming 清明节' },
      { from: '2026-05-01', to: '2026-05-05', name: 'Labour Day 劳动节' },
      { from: '2026-06-19', to: '2026-06-21', name: 'Dragon Boat 端午节' },
      { from: '2026-09-25', to: '2026-09-27', name: 'Mid-Autumn 中秋节' },
      { from: '2026-10-01', to: '2026-10-07', name: 'National Day 国庆节' },
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  }),
]);

/** The calendar built from the built-in years (the database may load newer data at run time). */
export const builtInCalendar: WorkingCalendar = new WorkingCalendar(builtInCalendarYears);
