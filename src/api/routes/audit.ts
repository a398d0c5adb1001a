import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '../../domain/roles';
import { caseAssignment, principalOf, requireCase, stationScope } from '../scope';
import { HttpError } from '../errors';
import { caseIdParams } from './cases';
import { auditChain, responses } from '../contract';

/** A case's audit log: its hash chain, readable by the station leader and the supervisor of the case's station; the chains outside any case. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/cases/:caseId/audit',
    {
      schema: {
        summary: "A case's audit log, oldest first, and whether its hash chain verifies (station leader, supervisor)",
        tags: ['cases'],
        params: caseIdParams,
        response: responses({ 200: auditChain }, 403, 404, 503),
      },
    },
    async (request) => {
      const { caseId } = request.params;
      request.caseId = caseId;
      // Another station's case (or another officer's) does not exist for the caller (404, not 403), whatever its role.
      const principal = requireCase(request, await caseAssignment(app, request, caseId));
      if (!hasRole(principal, 'station-leader', 'supervisor')) {
        request.refusal = 'role';
        throw new HttpError(403, 'forbidden', "a case's audit log is read by its station's leader or a supervisor");
      }
      return app.db.audit.chain(caseId);
    },
  );

  app.get(
    '/v1/audit/:chain',
    {
      schema: {
        summary:
          'A chain of events outside any case, oldest first, and whether it verifies: refusals and reads outside the caller’s cases (access), calendar loads (calendar); a supervisor of every station or an admin',
        tags: ['audit'],
        params: z.object({ chain: z.enum(['access', 'calendar']) }),
        response: responses({ 200: auditChain }, 403, 503),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const everyStation = hasRole(principal, 'supervisor') && stationScope(principal) === undefined;
      if (!everyStation && !hasRole(principal, 'admin')) {
        request.refusal = 'role';
        throw new HttpError(403, 'forbidden', 'the chains outside any case are read by a supervisor of every station or an admin');
      }
      return app.db.audit.chain(request.params.chain);
    },
  );
};

export const auditRoutes = fp(routes, { name: 'audit-routes', dependencies: ['auth', 'db', 'temporal'], encapsulate: true });
