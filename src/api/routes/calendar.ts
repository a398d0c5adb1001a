import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { WorkingCalendar } from '../../case/calendar';
import { calendarYearBody, calendarYearParams } from '../../domain/calendar.schema';
import { resourceRoles } from '../../domain/roles';
import { startCalendarBroadcast } from '../../temporal/calendar';
import { HttpError } from '../errors';
import { bodyLimits } from '../limits';
import { calendarYearLoaded, calendarYearView, responses, withBody } from '../contract';
import { requireRole } from '../scope';

/** The working-day calendar as data: read a year, or replace it when the State Council publishes it. */
const routes: FastifyPluginAsyncZod = async (app) => {
  // A version stored by an API that died before it started the broadcast is told now; a broadcast under way is found running.
  app.addHook('onReady', async () => {
    for (const year of await app.db.calendar.awaitingBroadcast()) {
      const broadcast = await startCalendarBroadcast(app.temporal, app.taskQueue, year);
      app.log.info({ broadcast }, 'calendar broadcast resumed');
    }
  });

  app.get(
    '/v1/calendar/:year',
    {
      schema: {
        summary: 'A year of the working-day calendar, with its version and the broadcast of that version to the open cases',
        tags: ['calendar'],
        params: calendarYearParams,
        response: responses({ 200: calendarYearView }, 404, 503),
      },
    },
    async (request) => {
      const year = await app.db.calendar.year(request.params.year);
      if (!year) throw new HttpError(404, 'calendar-year-not-found', `no calendar for ${request.params.year}: deadlines in it count weekends only`);
      return { ...year, broadcast: (await app.db.calendar.broadcast(year.year, year.version)) ?? null };
    },
  );

  app.put(
    '/v1/calendar/:year',
    {
      schema: {
        summary:
          'Load or replace a year (admin): 202 once the broadcast to the open cases, which recompute their deadlines not yet reached, has started. Its holidays and workdays lie in that year (400 otherwise)',
        tags: ['calendar'],
        params: calendarYearParams,
        body: calendarYearBody,
        response: responses({ 200: calendarYearLoaded, 202: calendarYearLoaded }, 403, 503, ...withBody),
      },
      bodyLimit: bodyLimits.calendarYear,
      // The role is checked before the body is validated: a caller who may not load the calendar learns nothing of it.
      preValidation: async (request) => {
        requireRole(request, resourceRoles.loadCalendar, 'loading the calendar');
      },
    },
    async (request, reply) => {
      const year = { year: request.params.year, ...request.body };
      try {
        new WorkingCalendar([{ ...year, version: 0 }]);
      } catch (err) {
        throw new HttpError(400, 'invalid-calendar', (err as Error).message);
      }
      const { year: stored, changed } = await app.db.calendar.replace(year);
      request.calendarLoaded = { year: stored.year, version: stored.version, changed };
      const broadcast = (await app.db.calendar.broadcast(stored.year, stored.version)) ?? null;
      // Stored, and the cases are being told by a durable workflow: accepted, not yet done. The same year again after
      // its broadcast finished changes nothing and is answered 200.
      const underWay = broadcast !== null && broadcast.finishedAt === null;
      if (underWay) await startCalendarBroadcast(app.temporal, app.taskQueue, stored);
      return reply.code(underWay ? 202 : 200).send({ ...stored, changed, broadcast });
    },
  );
};

export const calendarRoutes = fp(routes, { name: 'calendar-routes', dependencies: ['auth', 'db', 'temporal'], encapsulate: true });
