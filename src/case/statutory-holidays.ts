import { Lunar } from 'lunar-javascript';
import { type CalendarYear, freezeYear, type HolidayRange } from './calendar';
import { addDays } from './legal-time';

/**
 * The statutory holidays of 全国年节及纪念日放假办法 (as revised in 2024, in force from 2025): the days off the law
 * itself fixes, years before the State Council publishes its schedule with bridging days and make-up workdays.
 * Lunar dates and the Qingming solar term come from lunar-javascript, which follows the Purple Mountain
 * Observatory where ICU's Chinese calendar does not (ICU puts the Spring Festival of 2027 on 7 February).
 */
function statutoryDays(year: number): Array<{ date: string; name: string }> {
  const lunar = (month: number, day: number) => Lunar.fromYmd(year, month, day).getSolar().toYmd();
  const springFestival = lunar(1, 1);
  const run = (from: string, days: number, name: string) => Array.from({ length: days }, (_, i) => ({ date: addDays(from, i), name }));
  return [
    ...run(`${year}-01-01`, 1, 'New Year 元旦'),
    // Four days from New Year's Eve (除夕), the day before the first day of the first month.
    ...run(addDays(springFestival, -1), 4, 'Spring Festival 春节'),
    ...run(Lunar.fromYmd(year, 3, 1).getJieQiTable()['清明'].toYmd(), 1, 'Qingming 清明节'),
    ...run(`${year}-05-01`, 2, 'Labour Day 劳动节'),
    ...run(lunar(5, 5), 1, 'Dragon Boat 端午节'),
    ...run(lunar(8, 15), 1, 'Mid-Autumn 中秋节'),
    ...run(`${year}-10-01`, 3, 'National Day 国庆节'),
  ];
}

/**
 * A year without the State Council's schedule, as far as the law fixes it: its statutory holidays, no make-up
 * workdays, version 0, so that the official schedule, once loaded, replaces it in every case that holds it.
 * Holidays that meet or overlap (Mid-Autumn inside National Day, as in 2028) form one range.
 */
export function provisionalCalendarYear(year: number): CalendarYear {
  // The lunar arithmetic costs milliseconds a year, and every case start asks for the years ahead.
  let known = provisional.get(year);
  if (!known) provisional.set(year, (known = freezeYear(computedProvisionalYear(year))));
  return known;
}

const provisional = new Map<number, CalendarYear>();

function computedProvisionalYear(year: number): CalendarYear {
  const names = new Map<string, string[]>();
  for (const { date, name } of statutoryDays(year)) names.set(date, [...(names.get(date) ?? []), name]);
  const holidays: HolidayRange[] = [];
  for (const date of [...names.keys()].sort()) {
    const last = holidays.at(-1);
    if (last && addDays(last.to, 1) === date) {
      last.to = date;
      last.name = [...new Set([...last.name.split(' + '), ...names.get(date)!])].join(' + ');
    } else {
      holidays.push({ from: date, to: date, name: [...new Set(names.get(date))].join(' + ') });
    }
  }
  return {
    year,
    holidays,
    workdays: [],
    source: 'provisional: the statutory holidays of 全国年节及纪念日放假办法 (2024), until the State Council publishes the year',
    version: 0,
    provisional: true,
  };
}

/** How many years ahead a case starts with provisional years where the State Council has published none. */
export const provisionalYearsAhead = 5;

/** The official years, with a provisional year for each year from `from` to `through` that has none. */
export function withProvisionalYears(official: readonly CalendarYear[], from: number, through: number): CalendarYear[] {
  const held = new Set(official.map((y) => y.year));
  const provisional: CalendarYear[] = [];
  for (let year = from; year <= through; year++) if (!held.has(year)) provisional.push(provisionalCalendarYear(year));
  return [...official, ...provisional].sort((a, b) => a.year - b.year);
}
