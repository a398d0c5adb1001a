import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** How long readiness waits for Temporal: a frontend that hangs is as down as one that refuses. */
const temporalCheckMs = 2_000;

/** Liveness, and readiness only when both Temporal and PostgreSQL answer. */
const readiness = z.object({ status: z.enum(['ready', 'not-ready']), temporal: z.enum(['up', 'down']), database: z.enum(['up', 'down']) });

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { schema: { hide: true, response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  app.get('/readyz', { schema: { hide: true, response: { 200: readiness, 503: readiness } } }, async (_request, reply) => {
    const checks = await Promise.allSettled([
      app.temporal.connection.withDeadline(Date.now() + temporalCheckMs, () => app.temporal.workflowService.getSystemInfo({})),
      app.db.ping(),
    ]);
    const [temporal, database] = checks.map((c) => (c.status === 'fulfilled' ? 'up' : 'down'));
    const ready = temporal === 'up' && database === 'up';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', temporal, database });
  });
};

export const healthRoutes = fp(routes, { name: 'health-routes', dependencies: ['db', 'temporal'], encapsulate: true });
