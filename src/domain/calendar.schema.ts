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
  holidays: setOf(z.object({ from: localDate, to: localDate, name: text(100) }), 50),
  workdays: setOf(localDate, 50),
  source: text(500),
});
