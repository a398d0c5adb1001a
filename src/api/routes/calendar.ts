import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { WorkingCalendar } from '../../domain/calendar';
import { calendarYearBody, calendarYearParams } from '../../domain/calendar.schema';
import { broadcastCalendarYear } from '../../temporal/calendar';
import { HttpError } from '../errors';

/** The working-day calendar as data: read a year, or replace it when the State Council publishes it. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/calendar/:year',
    { schema: { summary: 'A year of the working-day calendar, with its version', tags: ['calendar'], params: calendarYearParams } },
    async (request) => {
      const year = await app.db.calendar.year(request.params.year);
      if (!year) throw new HttpError(404, 'calendar-year-not-found', `no calendar for ${request.params.year}: deadlines in it count weekends only`);
      return year;
    },
  );

  app.put(
    '/v1/calendar/:year',
    {
      schema: {
        summary: 'Load or replace a year; open cases recompute their deadlines not yet reached',
        tags: ['calendar'],
        params: calendarYearParams,
        body: calendarYearBody,
      },
    },
    async (request) => {
      const year = { year: request.params.year, ...request.body };
      try {
        new WorkingCalendar([{ ...year, version: 0 }]);
      } catch (err) {
        throw new HttpError(400, 'invalid-calendar', (err as Error).message);
      }
      const { year: stored, changed } = await app.db.calendar.replace(year);
      const casesNotified = await broadcastCalendarYear(app.temporal, stored);
      return { ...stored, changed, casesNotified };
    },
  );
};

export const calendarRoutes = fp(routes, { name: 'calendar-routes', dependencies: ['auth', 'db', 'temporal'], encapsulate: true });
