import { z } from 'zod';
import { localDate, text } from './case.schema';

export const calendarYearParams = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/, 'a four-digit year')
    .transform(Number),
});

/** A year of the State Council's holiday arrangement, as an administrator loads it. */
export const calendarYearBody = z.object({
  holidays: z.array(z.object({ from: localDate, to: localDate, name: text(100) })).max(50),
  workdays: z.array(localDate).max(50),
  source: text(500),
});
