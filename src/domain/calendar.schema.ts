import { z } from 'zod';
import { earliestDate, latestDate, localDate, setOf, text } from '../procedures/schema';

export const calendarYearParams = z.object({
  year: z
    .string()
    .regex(/^(20[0-9]{2}|2100)$/, `a year between ${earliestDate.slice(0, 4)} and ${latestDate.slice(0, 4)}`)
    .transform(Number),
});

/** A year of the State Council's holiday arrangement, as an administrator loads it. */
export const calendarYearBody = z.object({
  holidays: setOf(z.object({ from: localDate, to: localDate, name: text(100) }), 50).superRefine((ranges, ctx) => {
    // A published arrangement's longest holiday is nine days and its year about thirty; a load far beyond that is a
    // mistake that would move every open case's deadlines at once.
    const days = (r: { from: string; to: string }) => (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 + 1;
    ranges.forEach((range, i) => {
      if (days(range) > maxHolidayRangeDays) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'to'],
          message: `假期超过 ${maxHolidayRangeDays} 天 (a holiday of more than ${maxHolidayRangeDays} days)`,
        });
      }
    });
    const total = ranges.reduce((sum, r) => sum + Math.max(days(r), 0), 0);
    if (total > maxHolidayDaysPerYear) {
      ctx.addIssue({
        code: 'custom',
        message: `全年假期合计 ${total} 天，超过 ${maxHolidayDaysPerYear} 天 (${total} holiday days in a year, more than ${maxHolidayDaysPerYear})`,
      });
    }
  }),
  workdays: setOf(localDate, 50),
  source: text(500),
});

const maxHolidayRangeDays = 15;
const maxHolidayDaysPerYear = 60;
