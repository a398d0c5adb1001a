import fp from 'fastify-plugin';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { actionSchemas, anyActionSchema, procedureOfCaseId, rolesForAction } from '../../procedures/index';
import { readCase, submitAction } from '../../temporal/cases';
import { HttpError, invalidBody } from '../errors';
import { bodyLimits } from '../limits';
import { principalOf, requireCase, caseAssignment, requireRole } from '../scope';
import { viewForCaller } from '../masking';
import { caseIdParams } from './cases';
import { caseView, responses, withBody } from '../contract';

/** Actions: what an officer or the station system reports, delivered to the case as a validated Update. */
const routes: FastifyPluginAsyncZod = async (app) => {
  // Every 409 here is an action the case refused (wrong state, a reused actionId, a closed case): the audit log records it.
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode === 409) request.refusal ??= 'action-rejected';
  });

  app.post(
    '/v1/cases/:caseId/actions',
    {
      schema: {
        summary:
          "Report a completed action; answers the new case view. `actor` may be left out: it is the token's subject, and a different one is refused (403).",
        tags: ['actions'],
        params: caseIdParams,
        body: anyActionSchema,
        response: responses({ 200: caseView }, 403, 404, 409, 503, ...withBody),
      },
      // The body is validated against the case's own procedure below, so its errors name that procedure's fields.
      validatorCompiler: (route) => (route.httpPart === 'body' ? (data) => ({ value: data }) : validatorCompiler({ ...route, schema: caseIdParams })),
      bodyLimit: bodyLimits.action,
    },
    async (request) => {
      const { caseId } = request.params;
      request.caseId = caseId;
      const procedure = procedureOfCaseId(caseId);
      if (!procedure) throw new HttpError(404, 'case-not-found', 'no such case');
      // The actor is the caller: a body without one gets the token's subject.
      const { sub } = principalOf(request);
      const body = request.body as Record<string, unknown> | null | undefined;
      const withActor = body && typeof body === 'object' && !Array.isArray(body) && body.actor === undefined ? { ...body, actor: sub } : body;
      const parsed = actionSchemas[procedure].safeParse(withActor);
      if (!parsed.success) throw invalidBody(parsed.error);
      const action = parsed.data;
      request.actionType = action.type;
      // Where the case belongs, before anything reaches it: another station's case, or for an officer another officer's,
      // is 404.
      requireCase(request, await caseAssignment(app, request, caseId));
      requireRole(request, rolesForAction(procedure, action.type), `${action.type} on a ${procedure} case`);
      if (action.actor !== sub) {
        request.refusal = 'actor';
        throw new HttpError(403, 'forbidden', `the actor of an action is the caller (${sub}), not ${action.actor}`);
      }
      const outcome = await submitAction(app.temporal, caseId, { ...action, role: request.actingRole });
      if ('view' in outcome) return viewForCaller(request, outcome.view);
      // The case has ended: the action was accepted before only if the audit log holds its id.
      if (!(await app.db.audit.actionRecorded(caseId, action.actionId))) throw new HttpError(409, 'action-rejected', 'the case is closed');
      return viewForCaller(request, { ...(await readCase(app.temporal, caseId)), duplicate: true });
    },
  );
};

export const actionsRoutes = fp(routes, { name: 'actions-routes', dependencies: ['auth', 'db', 'temporal'], encapsulate: true });
