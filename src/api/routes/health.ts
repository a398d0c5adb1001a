import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** How long readiness waits for Temporal: a frontend that hangs is as down as one that refuses. */
const temporalCheckMs = 2_000;
const readinessReuseMs = 1_000;

/** Liveness, and readiness only when both Temporal and PostgreSQL answer. */
const readiness = z.object({ status: z.enum(['ready', 'not-ready']), temporal: z.enum(['up', 'down']), database: z.enum(['up', 'down']) });

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { schema: { hide: true, response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  // One check at a time, its answer reused for a second: the route takes no token and no rate limit, so callers, however
  // many, cost Temporal and PostgreSQL at most a check a second.
  let latest: { at: number; answer: Promise<z.infer<typeof readiness>> } | undefined;
  const check = async (): Promise<z.infer<typeof readiness>> => {
    const checks = await Promise.allSettled([
      app.temporal.connection.withDeadline(Date.now() + temporalCheckMs, () => app.temporal.workflowService.getSystemInfo({})),
      app.db.ping(),
    ]);
    const [temporal, database] = checks.map((c) => (c.status === 'fulfilled' ? ('up' as const) : ('down' as const)));
    return { status: temporal === 'up' && database === 'up' ? 'ready' : 'not-ready', temporal, database };
  };
  app.get('/readyz', { schema: { hide: true, response: { 200: readiness, 503: readiness } } }, async (_request, reply) => {
    if (!latest || Date.now() - latest.at >= readinessReuseMs) latest = { at: Date.now(), answer: check() };
    const answer = await latest.answer;
    return reply.code(answer.status === 'ready' ? 200 : 503).send(answer);
  });
};

export const healthRoutes = fp(routes, { name: 'health-routes', dependencies: ['db', 'temporal'], encapsulate: true });
