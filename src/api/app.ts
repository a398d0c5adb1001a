import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { PayloadCodec } from '@temporalio/common';
import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { AuthConfig } from '../config';
import type { Principal } from '../domain/roles';
import { apiVersion } from './contract';
import { frameworkErrors, registerErrorHandling } from './errors';
import { type ApiMetrics, metricsPlugin } from './metrics';
import { auditPlugin } from './plugins/audit';
import { authPlugin, tokenVerifier } from './plugins/auth';
import { type DbPluginOptions, dbPlugin } from './plugins/db';
import { type TemporalPluginOptions, temporalPlugin } from './plugins/temporal';
import { actionsRoutes } from './routes/actions';
import { auditRoutes } from './routes/audit';
import { calendarRoutes } from './routes/calendar';
import { casesRoutes } from './routes/cases';
import { codecRoutes } from './routes/codec';
import { type SessionRoutesOptions, sessionRoutes } from './routes/session';
import { EncryptionCodec } from '../temporal/codec';
import { healthRoutes } from './routes/health';
import { importsRoutes } from './routes/imports';
import { kpisRoutes } from './routes/kpis';
import { noticesRoutes } from './routes/notices';
import { obligationsRoutes } from './routes/obligations';
import { openApiTags, proceduresRoutes } from './routes/procedures';
import { timeRoutes } from './routes/time';

declare module 'fastify' {
  interface FastifyRequest {
    caseId?: string;
    actionType?: string;
    /** The verified caller; set by the auth plugin on every /v1 request. */
    principal?: Principal;
    /** Why the request was refused, for the audit log: 'role', 'station', 'assignment', 'actor', 'action-rejected'. */
    refusal?: string;
    /** The refusal's words, as the answer gave them (the case's own reason for a 409). */
    refusalMessage?: string;
    /** The role the caller acted in, once a route checked it; for the audit log. */
    actingRole?: string;
    /** Set by POST /v1/notices/:id/redeliver once the notice is due again. */
    redelivered?: { noticeId: string; kind: string; recipient: string };
    /** Set when the answer carried a case's personal data unmasked: every such read goes to the audit log. */
    unmasked?: boolean;
  }
}

export interface AppOptions {
  /** How bearer tokens are verified on /v1: a secret (HS256) or a key set (RS256/ES256); without either the app refuses to build. */
  auth: AuthConfig;
  /** Requests per caller (a token's `sub`, else the address) and window; 429 beyond. */
  rateLimit?: { max: number; windowMs: number };
  /** How to reach Temporal; omitted when a plugin named `temporal` is registered before the app (the tests' fake). */
  temporal?: TemporalPluginOptions;
  /** How to reach PostgreSQL; omitted when a plugin named `db` is registered before the app (the tests' fake). */
  db?: DbPluginOptions;
  /** The payload codec of the process: with it the API serves the Temporal UI's codec endpoint (/codec/decode). */
  payloadCodec?: PayloadCodec;
  /** The Temporal UI's origin, the only one the codec endpoint answers across origins. */
  codecCorsOrigin?: string;
  /** `npm start`: the development sign-in page for the Temporal UI (routes/session.ts). */
  devSignIn?: SessionRoutesOptions['devSignIn'];
  /** Prometheus series of every answer; the caller serves them on a listener of its own. */
  metrics?: ApiMetrics;
}

/** One line per request: route, status, case, action type, caller and address; never a body (it may carry personal data). */
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
        // Who asked, and from where: the token's subject (an id, never a name) and the peer's address.
        sub: request.principal?.sub,
        ip: request.ip,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  }
}

/**
 * The options of the Fastify instance the app is registered on: the API's logger and its one line per request, the
 * timeouts (`requestTimeoutMs`: the longest an answer may take; a connection idle for longer is dropped too), and
 * the router's reading of a path: `//v1/cases` is `/v1/cases`, and an absolute-form request target
 * (`GET http://host/v1/cases`) is its path, so every spelling reaches the one route and its checks.
 */
export function serverOptions(logger: Logger, timeouts: { requestTimeoutMs?: number } = {}): FastifyServerOptions {
  const requestTimeout = timeouts.requestTimeoutMs ?? 120_000;
  return {
    loggerInstance: logger as FastifyBaseLogger,
    logController: new RequestLog(),
    frameworkErrors,
    requestTimeout,
    connectionTimeout: requestTimeout + 10_000,
    routerOptions: { ignoreDuplicateSlashes: true },
    rewriteUrl: (request) => pathOf(request.url ?? '/'),
  };
}

/** The origin-form of a request target: an absolute-form one (`http://host/path?q`) loses its scheme and authority. */
export function pathOf(url: string): string {
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url);
  if (!absolute) return url;
  const rest = url.slice(absolute[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The HTTP API as one plugin: auth, the Temporal client, the database, the docs and the routes by resource. */
export const app = fp<AppOptions>(
  async (instance, options) => {
    instance.setValidatorCompiler(validatorCompiler);
    instance.setSerializerCompiler(serializerCompiler);
    registerErrorHandling(instance);
    if (options.metrics) await instance.register(metricsPlugin, { metrics: options.metrics });

    await instance.register(swagger, {
      openapi: {
        info: { title: 'beatflow', version: apiVersion, description: 'Legal procedures of community policing, kept by Temporal' },
        tags: openApiTags,
      },
      transform: jsonSchemaTransform,
    });
    // Security headers on every answer; the docs page gets the content security policy its own scripts need.
    await instance.register(helmet, { global: true });
    await instance.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    if (options.temporal) await instance.register(temporalPlugin, options.temporal);
    if (options.db) await instance.register(dbPlugin, options.db);
    await instance.register(auditPlugin);
    await instance.register(healthRoutes);
    // Signing in for the Temporal UI's codec requests: outside the scope below, as it is how a person gets a session.
    if (options.payloadCodec) await instance.register(sessionRoutes, { verify: tokenVerifier(options.auth), devSignIn: options.devSignIn });

    // Every /v1 route (and the codec endpoint) lives in this one scope, whose hooks verify the caller's token:
    // the check belongs to the routes, so no spelling of a path that reaches a route can skip it.
    await instance.register(async (authenticated) => {
      await authenticated.register(authPlugin, options.auth);
      // Answers name cases and, for some callers, their people: no cache between the API and its caller keeps them.
      // The codec's refusals and preflights carry nothing, and go without: the Temporal UI (v2.42.1, in chromium) keeps
      // sending again a refused decode whose answer says no-store, and a preflight keeps its Access-Control-Max-Age.
      authenticated.addHook('onSend', async (request, reply) => {
        if (!request.url.startsWith('/codec/') || reply.statusCode === 200) reply.header('cache-control', 'no-store');
      });
      await authenticated.register(rateLimit, {
        global: true,
        max: options.rateLimit?.max ?? 600,
        timeWindow: options.rateLimit?.windowMs ?? 60_000,
        // The auth plugin's onRequest hook has run: a caller is counted by its token's subject, anyone else by address.
        keyGenerator: (request) => (request.principal ? `sub:${request.principal.sub}` : `ip:${request.ip}`),
        errorResponseBuilder: (_request, context) => ({
          statusCode: 429,
          code: 'rate-limited',
          message: `more than ${context.max} requests in ${context.after}: retry later`,
        }),
      });
      await authenticated.register(casesRoutes, { codec: options.payloadCodec instanceof EncryptionCodec ? options.payloadCodec : undefined });
      await authenticated.register(importsRoutes);
      await authenticated.register(actionsRoutes);
      await authenticated.register(auditRoutes);
      await authenticated.register(timeRoutes);
      await authenticated.register(calendarRoutes);
      await authenticated.register(noticesRoutes);
      await authenticated.register(obligationsRoutes);
      await authenticated.register(kpisRoutes);
      await authenticated.register(proceduresRoutes);
      // The codec endpoint (POST /codec/decode), in the same authenticated scope.
      if (options.payloadCodec) {
        await authenticated.register(codecRoutes, { codec: options.payloadCodec, corsOrigin: options.codecCorsOrigin ?? 'http://127.0.0.1:8233' });
      }
    });
  },
  { name: 'beatflow-api' },
);
