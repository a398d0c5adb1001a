import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Principal } from '../domain/roles';
import { frameworkErrors, registerErrorHandling } from './errors';
import { auditPlugin } from './plugins/audit';
import { authPlugin } from './plugins/auth';
import { type DbPluginOptions, dbPlugin } from './plugins/db';
import { type TemporalPluginOptions, temporalPlugin } from './plugins/temporal';
import { actionsRoutes } from './routes/actions';
import { auditRoutes } from './routes/audit';
import { calendarRoutes } from './routes/calendar';
import { casesRoutes } from './routes/cases';
import { healthRoutes } from './routes/health';
import { noticesRoutes } from './routes/notices';
import { openApiTags, proceduresRoutes } from './routes/procedures';
import { timeRoutes } from './routes/time';

declare module 'fastify' {
  interface FastifyRequest {
    caseId?: string;
    actionType?: string;
    /** The verified caller; set by the auth plugin on every /v1 request. */
    principal?: Principal;
    /** Why the request was refused, for the audit log: 'role', 'station', 'actor', 'action-rejected'. */
    refusal?: string;
    /** Set when the answer carried a case's personal data unmasked: every such read goes to the audit log. */
    unmasked?: boolean;
  }
}

export interface AppOptions {
  /** Bearer tokens accepted on /v1; none: the API is open (development). */
  apiTokens?: string[];
  /** How to reach Temporal; omitted when a plugin named `temporal` is registered before the app (the tests' fake). */
  temporal?: TemporalPluginOptions;
  /** How to reach PostgreSQL; omitted when a plugin named `db` is registered before the app (the tests' fake). */
  db?: DbPluginOptions;
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

/** The options of the Fastify instance the app is registered on: the API's logger and its one line per request. */
export function serverOptions(logger: Logger): FastifyServerOptions {
  return { loggerInstance: logger as FastifyBaseLogger, logController: new RequestLog(), frameworkErrors };
}

/** The HTTP API as one plugin: auth, the Temporal client, the database, the docs and the routes by resource. */
export const app = fp<AppOptions>(
  async (instance, options) => {
    instance.setValidatorCompiler(validatorCompiler);
    instance.setSerializerCompiler(serializerCompiler);
    registerErrorHandling(instance);

    await instance.register(swagger, {
      openapi: {
        info: { title: 'beatflow', version: '0.1.0', description: 'Legal procedures of community policing, kept by Temporal' },
        tags: openApiTags,
      },
      transform: jsonSchemaTransform,
    });
    await instance.register(swaggerUi, { routePrefix: '/docs' });
    await instance.register(authPlugin, { tokens: options.apiTokens });
    if (options.temporal) await instance.register(temporalPlugin, options.temporal);
    if (options.db) await instance.register(dbPlugin, options.db);
    await instance.register(auditPlugin);
    await instance.register(healthRoutes);
    await instance.register(casesRoutes);
    await instance.register(actionsRoutes);
    await instance.register(auditRoutes);
    await instance.register(timeRoutes);
    await instance.register(calendarRoutes);
    await instance.register(noticesRoutes);
    await instance.register(proceduresRoutes);
  },
  { name: 'beatflow-api' },
);
