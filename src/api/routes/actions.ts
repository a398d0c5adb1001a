import fp from 'fastify-plugin';
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { actionSchemas, anyActionSchema, procedureOfCaseId } from '../../domain/procedures';
import { readCase, submitAction } from '../../temporal/cases';
import { HttpError, invalidBody } from '../errors';
import { caseIdParams } from './cases';

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
        summary: 'Report a completed action; answers the new case view',
        tags: ['actions'],
        params: caseIdParams,
        body: anyActionSchema,
      },
      // The body is validated against the case's own procedure below, so its errors name that procedure's fields.
      validatorCompiler: (route) => (route.httpPart === 'body' ? (data) => ({ value: data }) : validatorCompiler({ ...route, schema: caseIdParams })),
    },
    async (request) => {
      const { caseId } = request.params;
      request.caseId = caseId;
      const procedure = procedureOfCaseId(caseId);
      if (!procedure) throw new HttpError(404, 'case-not-found', 'no such case');
      const parsed = actionSchemas[procedure].safeParse(request.body);
      if (!parsed.success) throw invalidBody(parsed.error);
      const action = parsed.data;
      request.actionType = action.type;
      const outcome = await submitAction(app.temporal, caseId, action);
      if ('view' in outcome) return outcome.view;
      // The case has ended: the action was accepted before only if the audit log holds its id.
      if (!(await app.db.audit.actionRecorded(caseId, action.actionId))) throw new HttpError(409, 'action-rejected', 'the case is closed');
      return { ...(await readCase(app.temporal, caseId)), duplicate: true };
    },
  );
};

export const actionsRoutes = fp(routes, { name: 'actions-routes', dependencies: ['auth', 'db', 'temporal'], encapsulate: true });
