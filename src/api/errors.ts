import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { isDatabaseUnavailable } from '../db/errors';
import { actionIdReused, actionRejected } from '../case/contract';
import { isCaseTaskRetrying, isTemporalUnavailable } from '../temporal/client';

/** Seconds a client is asked to wait before it retries a request that met a server down; retries are safe (idempotent). */
export const retryAfterSeconds = 5;

/** An error the API answers with its own status and message. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly fields?: Array<{ path: string; message: string }>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** 401: no valid bearer token; the challenge says a bearer token is wanted. */
export function unauthenticated(message: string, tokenGiven: boolean): HttpError {
  return new HttpError(401, 'unauthorized', message, undefined, { 'www-authenticate': tokenGiven ? 'Bearer error="invalid_token"' : 'Bearer' });
}

export function invalidBody(error: z.ZodError): HttpError {
  const fields = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return new HttpError(400, 'invalid-request', describeFields(fields), fields);
}

function describeFields(fields: Array<{ path: string; message: string }>): string {
  return fields.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; ');
}

/** Requests Fastify refuses before any route (a URL that does not decode, a bad content type) answer in the same body. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 400;
  void reply.code(status).send({ error: { code: 'bad-request', message: error.message } });
}

/**
 * Maps every failure to `{ error: { code, message } }`: 400 bad input, 404 unknown case, 409 rejected by the case,
 * 503 with Retry-After when Temporal or PostgreSQL cannot be reached, or the case's last task is being retried (a retry
 * is safe), other 5xx hidden.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  // A path the API serves, asked with a method it does not answer there: 405 naming the methods it does (Allow).
  const methodsByPath = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  app.addHook('onRoute', (route) => {
    // The codec's CORS preflight answers OPTIONS on any path: it makes no path one the API serves.
    if (route.url === '*') return;
    // Route paths hold letters, digits, '/', '-', ':param' and a trailing '*': nothing else a pattern would read.
    const source = `^${route.url.replace(/:[^/]+/g, '[^/]+').replace(/\*$/, '.*')}$`;
    const entry = methodsByPath.get(source) ?? { pattern: new RegExp(source), methods: new Set<string>() };
    methodsByPath.set(source, entry);
    for (const method of [route.method].flat()) entry.methods.add(method);
  });
  app.addHook('onRequest', async (request) => {
    if (!request.is404) return;
    const path = decodedPath(request.url.split('?')[0]);
    const allowed = new Set([...methodsByPath.values()].filter((e) => e.pattern.test(path)).flatMap((e) => [...e.methods]));
    if (allowed.size === 0) return;
    const allow = [...allowed].sort().join(', ');
    throw new HttpError(405, 'method-not-allowed', `${request.method} is not answered here; allowed: ${allow}`, undefined, { allow });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: { code: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = error.validation.map((v) => ({
        path: [error.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].filter(Boolean).join('.'),
        message: v.message ?? 'invalid',
      }));
      return reply.code(400).send({ error: { code: 'invalid-request', message: describeFields(fields), fields } });
    }
    if (error instanceof HttpError) {
      request.refusalMessage = error.message;
      if (error.headers) reply.headers(error.headers);
      return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message, fields: error.fields } });
    }
    if (error instanceof WorkflowNotFoundError) {
      return reply.code(404).send({ error: { code: 'case-not-found', message: 'no such case' } });
    }
    const rejection = workflowRejection(error);
    if (rejection) {
      request.refusalMessage = rejection.message;
      return reply
        .code(409)
        .send({ error: { code: rejection.type === actionIdReused ? 'action-id-reused' : 'action-rejected', message: rejection.message } });
    }
    if (isTemporalUnavailable(error)) {
      return reply
        .code(503)
        .header('retry-after', String(retryAfterSeconds))
        .send({ error: { code: 'temporal-unavailable', message: 'Temporal cannot be reached; retry later' } });
    }
    if (isCaseTaskRetrying(error)) {
      return reply
        .code(503)
        .header('retry-after', String(retryAfterSeconds))
        .send({
          error: { code: 'case-task-retrying', message: "the case's last task failed and is being retried; retry later with the same actionId" },
        });
    }
    if (isDatabaseUnavailable(error)) {
      return reply
        .code(503)
        .header('retry-after', String(retryAfterSeconds))
        .send({ error: { code: 'database-unavailable', message: 'the database cannot be reached; retry later' } });
    }
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: { code: error.code ?? 'bad-request', message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error' } });
  });
}

/** A path as the router reads it (`/%761/cases` is `/v1/cases`); one that does not decode stays as it is. */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function workflowRejection(error: unknown): ApplicationFailure | undefined {
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = error.cause;
  if (cause instanceof ApplicationFailure && (cause.type === actionRejected || cause.type === actionIdReused)) return cause;
  return undefined;
}
