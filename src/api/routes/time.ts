import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WorkingCalendar } from '../../case/calendar';
import { earliestDate, instant, latestDate, localDate } from '../../procedures/schema';
import { deadlineAnswer, responses } from '../contract';
import { type DeadlineRule, computeDeadline, deadlineRules } from '../../case/legal-time';

/** The longest period any rule counts: ten years of days. Within it and the window, every rule counts without fault. */
const maxN = 3660;

const deadlineQuery = z.object({
  rule: z.enum(deadlineRules as [DeadlineRule, ...DeadlineRule[]]),
  from: z.union([localDate, instant], {
    error: `a date (YYYY-MM-DD) or a datetime with an offset, between ${earliestDate} and ${latestDate}`,
  }),
  // 0 to maxN as a pattern, so that the document states the bound the API applies.
  n: z
    .string()
    .regex(/^(3660|36[0-5][0-9]|3[0-5][0-9]{2}|[0-2]?[0-9]{1,3})$/, `a whole number from 0 to ${maxN}`)
    .transform(Number),
});

/** Legal time arithmetic: when a duty falls due under one of the regulation's period rules. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/time/deadline',
    {
      schema: {
        summary: 'Compute a legal deadline on the working-day calendar',
        tags: ['time'],
        querystring: deadlineQuery,
        response: responses({ 200: deadlineAnswer }, 503),
      },
    },
    async (request) => {
      const { rule, from, n } = request.query;
      const calendar = new WorkingCalendar(await app.db.calendar.years());
      const deadline = computeDeadline(rule, from, n, calendar);
      return { rule, from, n, due: deadline.due, explanation: deadline.explanation, warnings: deadline.warnings };
    },
  );
};

export const timeRoutes = fp(routes, { name: 'time-routes', dependencies: ['auth', 'db'], encapsulate: true });
