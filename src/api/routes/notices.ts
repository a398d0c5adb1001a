import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { coversStation, resourceRoles } from '../../domain/roles';
import { HttpError } from '../errors';
import { bodyLimits } from '../limits';
import { caseIdParams } from './cases';
import { noticePage, outboxNotice, responses, withBody } from '../contract';
import { principalOf, requireRole, stationScope } from '../scope';

const noticeIdParams = z.object({ id: z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be a notice id (a positive integer)') });

/** The notices outbox as the relay sees it: what is pending, delivered or dead-lettered, and a redelivery. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/notices',
    {
      schema: {
        summary: "Notices of the outbox in one delivery status, oldest first: those of the caller's stations' cases",
        tags: ['notices'],
        querystring: z.object({
          status: z.enum(['pending', 'delivered', 'dead']),
          caseId: caseIdParams.shape.caseId.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: responses({ 200: noticePage }, 403, 503),
      },
    },
    async (request) => {
      request.caseId = request.query.caseId;
      const principal = requireRole(request, resourceRoles.readNotices, 'reading the notices outbox');
      return { notices: await app.db.notices.list({ ...request.query, stationIds: stationScope(principal) }) };
    },
  );

  app.post(
    '/v1/notices/:id/redeliver',
    {
      schema: {
        summary: 'Send a dead or pending notice again: back to pending, attempts reset',
        tags: ['notices'],
        params: noticeIdParams,
        response: responses({ 200: outboxNotice }, 403, 404, 409, 503, ...withBody),
      },
      bodyLimit: bodyLimits.empty,
    },
    async (request) => {
      // A notice of another station's case is not found, as one that does not exist, whatever the caller's role.
      const notice = await app.db.notices.caseOf(request.params.id);
      if (!notice) throw new HttpError(404, 'notice-not-found', `no notice ${request.params.id}`);
      if (notice.stationId === undefined || !coversStation(principalOf(request), notice.stationId)) {
        request.refusal = 'station';
        throw new HttpError(404, 'notice-not-found', `no notice ${request.params.id}`);
      }
      const principal = requireRole(request, resourceRoles.redeliverNotice, 'redelivering a notice');
      const outcome = await app.db.notices.redeliver(request.params.id, stationScope(principal));
      if (outcome === 'not-found') throw new HttpError(404, 'notice-not-found', `no notice ${request.params.id}`);
      if (outcome === 'delivered') throw new HttpError(409, 'notice-delivered', `notice ${request.params.id} was delivered: it is not sent again`);
      request.caseId = outcome.caseId;
      request.redelivered = { noticeId: outcome.id, kind: outcome.kind, recipient: outcome.recipient };
      return outcome;
    },
  );
};

export const noticesRoutes = fp(routes, { name: 'notices-routes', dependencies: ['auth', 'db'], encapsulate: true });
