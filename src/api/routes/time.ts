import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WorkingCalendar } from '../../domain/calendar';
import { earliestDate, inWindow, latestDate } from '../../domain/case.schema';
import { type DeadlineRule, computeDeadline, deadlineRules, localDate, parseInstant } from '../../domain/legal-time';

/** The longest period any rule counts: ten years of days. Within it and the window, every rule counts without fault. */
const maxN = 3660;

const deadlineQuery = z.object({
  rule: z.enum(deadlineRules as [DeadlineRule, ...DeadlineRule[]]),
  from: z.string().refine((v) => {
    try {
      return inWindow(localDate(parseInstant(v)));
    } catch {
      return false;
    }
  }, `a date (YYYY-MM-DD) or a datetime with an offset, between ${earliestDate} and ${latestDate}`),
  n: z
    .string()
    .regex(/^\d{1,4}$/, { error: `a whole number from 0 to ${maxN}`, abort: true })
    .transform(Number)
    .refine((n) => n <= maxN, `a whole number from 0 to ${maxN}`),
});

/** Legal time arithmetic: when a duty falls due under one of the regulation's period rules. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/time/deadline',
    { schema: { summary: 'Compute a legal deadline on the working-day calendar', tags: ['time'], querystring: deadlineQuery } },
    async (request) => {
      const { rule, from, n } = request.query;
      const calendar = new WorkingCalendar(await app.db.calendar.years());
      const deadline = computeDeadline(rule, from, n, calendar);
      return { rule, from, n, due: deadline.due, explanation: deadline.explanation, warnings: deadline.warnings };
    },
  );
};

export const timeRoutes = fp(routes, { name: 'time-routes', dependencies: ['auth', 'db'], encapsulate: true });
