import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { coversStation, hasRole } from '../../domain/roles';
import { caseAssignment } from '../scope';
import { HttpError } from '../errors';
import { caseIdParams } from './cases';
import { auditChain, responses } from '../contract';

/** A case's audit log: its hash chain, readable by the station leader and the supervisor of the case's station. */
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
      const principal = request.principal;
      if (!principal) throw new HttpError(403, 'forbidden', "a case's audit log is read with a station leader's or a supervisor's token");
      const stationId = (await caseAssignment(app, request, caseId))?.stationId;
      if (!stationId) throw new HttpError(404, 'case-not-found', 'no such case');
      // Another station's case does not exist for the caller (404, not 403), whatever its role.
      if (!coversStation(principal, stationId)) {
        request.refusal = 'station';
        throw new HttpError(404, 'case-not-found', 'no such case');
      }
      if (!hasRole(principal, 'station-leader', 'supervisor')) {
        request.refusal = 'role';
        throw new HttpError(403, 'forbidden', "a case's audit log is read by its station's leader or a supervisor");
      }
      return app.db.audit.chain(caseId);
    },
  );
};

export const auditRoutes = fp(routes, { name: 'audit-routes', dependencies: ['auth', 'db', 'temporal'], encapsulate: true });
