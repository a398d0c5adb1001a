import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isKpiCursor } from '../../db/kpis';
import { localDate, systemId } from '../../procedures/schema';
import { completionTime, kpiIds, kpiOf, kpiOutcomes, kpis } from '../../domain/kpis';
import { addDays, startOfDay } from '../../case/legal-time';
import { coversStation, type Principal, resourceRoles } from '../../domain/roles';
import { responses } from '../contract';
import { HttpError } from '../errors';
import { pagingQuery } from '../list-query';
import { requireRole, stationScope } from '../scope';
import { obligationRowSchema } from './obligations';

/** A station (optional) and a period of local dates, both days included: the duties due in it are counted. */
const period = {
  stationId: systemId.optional(),
  from: localDate,
  to: localDate,
};
const fromNotAfterTo = (q: { from: string; to: string }) => q.from <= q.to;
const periodError = { message: 'a date on or after from', path: ['to'] };

const kpiSchema = z.object({
  id: z.string(),
  titleZh: z.string(),
  titleEn: z.string(),
  article: z.string(),
  counts: z.enum(['on-time', 'discharged']),
  target: z.number().nullable(),
  targetBasis: z.string(),
  numerator: z.number().int(),
  denominator: z.number().int(),
  value: z.number().nullable(),
  meetsTarget: z.boolean().nullable(),
  onTime: z.number().int(),
  late: z.number().int(),
  missed: z.number().int(),
});

/** The rates of the regulation per station and period, and the duties behind each. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/kpis',
    {
      schema: {
        summary: "The regulation's rates for the caller's stations (or one) over the duties due in a period",
        description:
          'Each rate counts the duties of its procedures and keys whose due time falls in the period: on time, late, or missed ' +
          '(marked overdue). Duties not yet due, waived, cancelled before their time, or from before the case was adopted count ' +
          `in no rate. value = numerator / denominator (null when nothing is counted). Completion time: ${completionTime.rule}.`,
        tags: ['kpis'],
        querystring: z.object(period).refine(fromNotAfterTo, periodError),
        response: responses(
          {
            200: z.object({
              stationId: z.string().optional(),
              from: z.string(),
              to: z.string(),
              completionTime: z.object({ counts: z.literal('reported'), rule: z.string() }),
              kpis: z.array(kpiSchema),
            }),
          },
          403,
          404,
          503,
        ),
      },
    },
    async (request) => {
      const { stationId, from, to } = request.query;
      const stationIds = scopeOf(request, requireRole(request, resourceRoles.readKpis, 'reading rates'), stationId);
      const scope = { stationIds, from: startOfDay(from), to: startOfDay(addDays(to, 1)) };
      const rows = await Promise.all(
        kpis.map(async (kpi) => {
          const counts = await app.db.kpis.counts(kpi, scope);
          const numerator = kpi.counts === 'on-time' ? counts.onTime : counts.onTime + counts.late;
          const denominator = counts.onTime + counts.late + counts.missed;
          const value = denominator === 0 ? null : numerator / denominator;
          const { procedures: _p, keys: _k, ...declared } = kpi;
          return {
            ...declared,
            numerator,
            denominator,
            value,
            meetsTarget: kpi.target === null || value === null ? null : value >= kpi.target,
            ...counts,
          };
        }),
      );
      return { stationId, from, to, completionTime, kpis: rows };
    },
  );

  app.get(
    '/v1/kpis/:kpi/cases',
    {
      schema: {
        summary: "The duties behind a rate's numbers, with their cases, soonest due first, a page at a time (cursor)",
        tags: ['kpis'],
        params: z.object({ kpi: z.enum(kpiIds) }),
        querystring: z
          .object({ ...period, outcome: z.enum(kpiOutcomes).optional(), ...pagingQuery(isKpiCursor) })
          .refine(fromNotAfterTo, periodError),
        response: responses(
          {
            200: z.object({
              kpi: z.string(),
              duties: z.array(obligationRowSchema.extend({ outcome: z.enum(kpiOutcomes) })),
              nextCursor: z.string().optional(),
            }),
          },
          403,
          404,
          503,
        ),
      },
    },
    async (request) => {
      const { stationId, from, to, outcome, cursor, limit } = request.query;
      const stationIds = scopeOf(request, requireRole(request, resourceRoles.readKpis, 'reading rates'), stationId);
      const kpi = kpiOf(request.params.kpi)!;
      const page = await app.db.kpis.duties(kpi, {
        stationIds,
        from: startOfDay(from),
        to: startOfDay(addDays(to, 1)),
        outcome,
        cursor,
        limit,
      });
      return { kpi: kpi.id, duties: page.rows, nextCursor: page.nextCursor };
    },
  );
};

/** The stations a rate is computed over: the one asked for, or all the caller's; another station is not found. */
function scopeOf(request: FastifyRequest, principal: Principal, stationId: string | undefined): string[] | undefined {
  if (stationId === undefined) return stationScope(principal);
  if (!coversStation(principal, stationId)) {
    request.refusal = 'station';
    throw new HttpError(404, 'station-not-found', `no station ${stationId}`);
  }
  return [stationId];
}

export const kpisRoutes = fp(routes, { name: 'kpis-routes', dependencies: ['auth', 'db'], encapsulate: true });
