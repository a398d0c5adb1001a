import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { systemId } from '../../domain/case.schema';
import { caseStartSchema, procedures } from '../../domain/procedures';
import { coversStation, resourceRoles } from '../../domain/roles';
import { casesWithBlockedRecords, readCase, startCase } from '../../temporal/cases';
import { bodyLimits } from '../limits';
import { blockedCases, casePage, caseStarted, caseView, responses, withBody } from '../contract';
import { HttpError } from '../errors';
import { requireCaseStation, requireRole, stationScope } from '../scope';
import { viewForCaller } from '../masking';

/** A case id is `<procedure>:<case number>`; anything else names no case, and never reaches Temporal or the database. */
export const caseIdParams = z.object({
  caseId: z.string().regex(/^[a-z][a-z-]{0,39}:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a case id, <procedure>:<case number>'),
});

/** Cases: start one (idempotent by the station system's case number), read one, list the read model. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/cases',
    {
      schema: {
        summary: 'Start a case (station system, for its own stations)',
        tags: ['cases'],
        body: caseStartSchema,
        response: responses({ 200: caseStarted, 201: caseStarted }, 403, 409, 503, ...withBody),
      },
      bodyLimit: bodyLimits.start,
    },
    async (request, reply) => {
      const principal = requireRole(request, resourceRoles.startCase, 'starting a case');
      if (!coversStation(principal, request.body.stationId)) {
        request.refusal = 'station';
        throw new HttpError(403, 'forbidden', `you may not start cases for station ${request.body.stationId}`);
      }
      const outcome = await startCase(app.temporal, app.taskQueue, request.body, await app.db.calendar.years());
      request.caseId = outcome.caseId;
      if ('conflict' in outcome) {
        throw new HttpError(409, 'case-conflict', `case ${request.body.caseNumber} already exists with other content`);
      }
      reply.header('location', `/v1/cases/${encodeURIComponent(outcome.caseId)}`);
      return reply.code(outcome.created ? 201 : 200).send({ caseId: outcome.caseId, created: outcome.created });
    },
  );

  app.get(
    '/v1/cases/records-blocked',
    {
      schema: {
        summary: 'Open cases that cannot write their records (notices, audit, read model); their deadlines run on',
        tags: ['cases'],
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: responses({ 200: blockedCases }, 403, 503),
      },
    },
    async (request) => {
      const principal = requireRole(request, resourceRoles.readCases, 'reading cases');
      const cases = await casesWithBlockedRecords(app.temporal, request.query.limit, stationScope(principal));
      return { cases: cases.filter((c) => c.stationId !== undefined && coversStation(principal, c.stationId)) };
    },
  );

  app.get(
    '/v1/cases/:caseId',
    {
      schema: {
        summary: "A case's obligations, notices and records",
        tags: ['cases'],
        params: caseIdParams,
        response: responses({ 200: caseView }, 403, 404, 503),
      },
    },
    async (request) => {
      request.caseId = request.params.caseId;
      const view = await readCase(app.temporal, request.params.caseId);
      requireCaseStation(request, view.stationId);
      requireRole(request, resourceRoles.readCases, 'reading a case');
      return viewForCaller(request, view);
    },
  );

  app.get(
    '/v1/cases',
    {
      schema: {
        summary:
          'Cases from the read model, by station, officer, procedure, status and adoption review (`adoption=to-review`), soonest deadline first',
        tags: ['cases'],
        querystring: z.object({
          stationId: systemId.optional(),
          officerId: systemId.optional(),
          procedure: z.enum(procedures as [string, ...string[]]).optional(),
          status: z.enum(['open', 'closed']).optional(),
          adoption: z.enum(['to-review']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: responses({ 200: casePage }, 403, 503),
      },
    },
    async (request) => {
      const principal = requireRole(request, resourceRoles.readCases, 'reading cases');
      const { stationId, ...filter } = request.query;
      if (stationId !== undefined && !coversStation(principal, stationId)) return { cases: [] };
      const stationIds = stationId !== undefined ? [stationId] : stationScope(principal);
      const cases = await app.db.cases.list({ ...filter, stationIds });
      return { cases: cases.filter((c) => coversStation(principal, c.stationId)) };
    },
  );
};

export const casesRoutes = fp(routes, { name: 'cases-routes', dependencies: ['auth', 'db', 'temporal'], encapsulate: true });
