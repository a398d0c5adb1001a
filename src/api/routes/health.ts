import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** How long readiness waits for Temporal: a frontend that hangs is as down as one that refuses. */
const temporalCheckMs = 2_000;

/** Liveness, and readiness only when both Temporal and PostgreSQL answer. */
const routes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
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
