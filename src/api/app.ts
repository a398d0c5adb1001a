import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { registerErrorHandling } from './errors';
import { dbPlugin } from './plugins/db';
import { temporalPlugin } from './plugins/temporal';
import { actionsRoutes } from './routes/actions';
import { calendarRoutes } from './routes/calendar';
import { casesRoutes } from './routes/cases';
import { healthRoutes } from './routes/health';
import { timeRoutes } from './routes/time';

declare module 'fastify' {
  interface FastifyRequest {
    caseId?: string;
    actionType?: string;
  }
}

export interface AppOptions {
  logger: Logger;
  temporal: { client?: Client; address?: string; namespace: string; taskQueue: string };
  db: { pool?: Pool; databaseUrl?: string; poolSize?: number };
  /** Bearer tokens accepted on /v1; none: the API is open (development). */
  apiTokens?: string[];
}

/** One line per request: route, status, case and action type; never a body (it may carry personal data). */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url,
        status: reply.statusCode,
        caseId: request.caseId,
        action: request.actionType,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  }
}

/** Builds the HTTP API; the entry file only listens and closes it. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: options.logger as FastifyBaseLogger, logController: new RequestLog() }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  const tokens = new Set(options.apiTokens ?? []);
  if (tokens.size) {
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/v1/')) return;
      const token = request.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !tokens.has(token)) {
        return reply.code(401).send({ error: { code: 'unauthorized', message: 'a valid bearer token is required' } });
      }
    });
  }

  await app.register(swagger, {
    openapi: {
      info: { title: 'beatflow', version: '0.1.0', description: 'Legal procedures of community policing, kept by Temporal' },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(temporalPlugin, options.temporal);
  await app.register(dbPlugin, options.db);
  await app.register(healthRoutes);
  await app.register(casesRoutes);
  await app.register(actionsRoutes);
  await app.register(timeRoutes);
  await app.register(calendarRoutes);
  return app as unknown as FastifyInstance;
}
