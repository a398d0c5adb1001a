import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadCalendarYears } from '../../db/calendar';
import { formatInstant } from '../../domain/legal-time';
import { caseStartSchema } from '../../domain/procedures';
import { readCase, startCase } from '../../temporal/cases';
import { HttpError } from '../errors';

export const caseIdParams = z.object({ caseId: z.string().min(3).max(200) });

/** Cases: start one (idempotent by the station system's case number), read one, list the read model. */
export const casesRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/cases',
    { schema: { summary: 'Start a case', tags: ['cases'], body: caseStartSchema } },
    async (request, reply) => {
      const outcome = await startCase(app.temporal, app.taskQueue, request.body, await loadCalendarYears(app.db));
      request.caseId = outcome.caseId;
      if ('conflict' in outcome) {
        throw new HttpError(409, 'case-conflict', `case ${request.body.caseNumber} already exists with other content`);
      }
      reply.header('location', `/v1/cases/${encodeURIComponent(outcome.caseId)}`);
      return reply.code(outcome.created ? 201 : 200).send({ caseId: outcome.caseId, created: outcome.created });
    },
  );

  app.get(
    '/v1/cases/:caseId',
    { schema: { summary: "A case's obligations, notices and records", tags: ['cases'], params: caseIdParams } },
    async (request) => {
      request.caseId = request.params.caseId;
      return readCase(app.temporal, request.params.caseId);
    },
  );

  app.get(
    '/v1/cases',
    {
      schema: {
        summary: 'Cases from the read model, by station, officer, procedure and status, soonest deadline first',
        tags: ['cases'],
        querystring: z.object({
          stationId: z.string().optional(),
          officerId: z.string().optional(),
          procedure: z.string().optional(),
          status: z.enum(['open', 'closed']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
    },
    async (request) => {
      const { stationId, officerId, procedure, status, limit } = request.query;
      const { rows } = await app.db.query(
        `SELECT case_id, procedure, case_number, station_id, officer_id, status, outcome, next_due_at, overdue_count, updated_at
           FROM cases
          WHERE ($1::text IS NULL OR station_id = $1) AND ($2::text IS NULL OR officer_id = $2)
            AND ($3::text IS NULL OR procedure = $3) AND ($4::text IS NULL OR status = $4)
          ORDER BY next_due_at ASC NULLS LAST, case_id LIMIT $5`,
        [stationId ?? null, officerId ?? null, procedure ?? null, status ?? null, limit],
      );
      return {
        cases: rows.map((r) => ({
          caseId: r.case_id,
          procedure: r.procedure,
          caseNumber: r.case_number,
          stationId: r.station_id,
          officerId: r.officer_id,
          status: r.status,
          outcome: r.outcome ?? undefined,
          nextDueAt: r.next_due_at ? formatInstant(r.next_due_at.getTime()) : undefined,
          overdueCount: r.overdue_count,
        })),
      };
    },
  );
};
