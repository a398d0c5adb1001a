import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isObligationCursor } from '../../db/obligations';
import { systemId } from '../../procedures/schema';
import { procedures } from '../../procedures/index';
import { coversStation, resourceRoles } from '../../domain/roles';
import { pagingQuery, queryInstant } from '../list-query';
import { responses } from '../contract';
import { requireRole, seesOwnCasesOnly, stationScope } from '../scope';

export const obligationStatuses = ['pending', 'overdue', 'done', 'waived', 'cancelled', 'before-adoption'] as const;

/** A duty as the lists answer it: the case it belongs to, its key and period, its times and status. */
export const obligationRowSchema = z.object({
  caseId: z.string(),
  procedure: z.string(),
  caseNumber: z.string(),
  stationId: z.string(),
  officerId: z.string(),
  key: z.string(),
  period: z.string().optional(),
  article: z.string(),
  responsible: z.string(),
  status: z.string(),
  dueAt: z.string(),
  completedAt: z.string().optional(),
  late: z.boolean(),
  overdueAt: z.string().optional(),
});

/** The duty-level view: duties across the caller's stations' cases, soonest due first. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/obligations',
    {
      schema: {
        summary: "Duties of the caller's stations' cases from the read model, soonest due first, a page at a time (cursor)",
        tags: ['obligations'],
        querystring: z.object({
          status: z.enum(obligationStatuses).optional(),
          stationId: systemId.optional(),
          officerId: systemId.optional(),
          procedure: z.enum(procedures as [string, ...string[]]).optional(),
          key: z
            .string()
            .regex(/^[a-z][a-z0-9-]{0,63}$/, 'a duty key (kebab-case)')
            .optional(),
          dueBefore: queryInstant.optional(),
          ...pagingQuery(isObligationCursor),
        }),
        response: responses({ 200: z.object({ obligations: z.array(obligationRowSchema), nextCursor: z.string().optional() }) }, 403, 503),
      },
    },
    async (request) => {
      const principal = requireRole(request, resourceRoles.readObligations, 'reading duties');
      const { stationId, ...filter } = request.query;
      if (stationId !== undefined && !coversStation(principal, stationId)) return { obligations: [] };
      // An officer lists the duties of the cases assigned to them.
      if (seesOwnCasesOnly(principal)) {
        if (filter.officerId !== undefined && filter.officerId !== principal.sub) return { obligations: [] };
        filter.officerId = principal.sub;
      }
      const stationIds = stationId !== undefined ? [stationId] : stationScope(principal);
      const page = await app.db.obligations.list({ ...filter, stationIds });
      return { obligations: page.rows.filter((o) => coversStation(principal, o.stationId)), nextCursor: page.nextCursor };
    },
  );
};

export const obligationsRoutes = fp(routes, { name: 'obligations-routes', dependencies: ['auth', 'db'], encapsulate: true });
