/**
 * The codec endpoint of the Temporal Web UI (its remote codec protocol): the UI posts the payloads of a case's history
 * to `/codec/decode` with the session cookie of the person signed in (routes/session.ts) and shows what comes back.
 * One rule per role, as the API's: a supervisor, a station leader and an officer may open payloads; the people a case
 * names are shown unmasked only to the station leader of the case's station and the officer it is assigned to, masked
 * to everyone else (payload-masking.ts), and every unmasked opening of a case is an audit row (one per person, case and
 * ten minutes: a page load decodes a history in many requests). Browsers may call it only from the configured UI origin.
 */
import cors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole, resourceRoles } from '../../domain/roles';
import { personalContent, maskPeople } from '../payload-masking';
import { caseAssignment, mayReadUnmasked, principalOf, scopeRefusal } from '../scope';
import { responses, withBody } from '../contract';
import { HttpError } from '../errors';

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  /** The Temporal UI's origin, e.g. http://127.0.0.1:8233: the only one CORS answers. */
  corsOrigin: string;
}

/** An unmasked opening of a case by one person is written once in this long: one row per page load, not per payload. */
const auditWindowMs = 10 * 60_000;

/** At most this many payloads per request: a case's history page, not a bulk export. */
const maxPayloads = 1_000;

/** A payload as the protocol carries it: the protobuf JSON of `temporal.api.common.v1.Payload` (bytes in base64). */
const payloadJson = z.object({
  metadata: z.record(z.string(), z.base64()).optional(),
  data: z.base64().optional(),
});
const payloadsBody = z.object({ payloads: z.array(payloadJson).max(maxPayloads) });
type PayloadJson = z.infer<typeof payloadJson>;

function fromJson(payload: PayloadJson): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(payload.data ?? '', 'base64'),
  };
}

function toJson(payload: Payload): PayloadJson {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

const routes: FastifyPluginAsyncZod<CodecRoutesOptions> = async (app, { codec, corsOrigin }) => {
  // A preflight carries no token: @fastify/cors answers it (onRequest), before the supervisor check below.
  await app.register(cors, {
    // A list, so that only a request from that origin is answered with it (a single string is sent to any origin).
    origin: [corsOrigin],
    methods: ['POST'],
    // The UI sends the session cookie (routes/session.ts): "include cross-origin credentials" in its codec settings.
    credentials: true,
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
    maxAge: 600,
  });

  app.addHook('preHandler', async (request) => {
    if (!request.principal) throw new HttpError(401, 'unauthorized', 'sign in first: a session or a bearer token is required');
    if (!hasRole(request.principal, ...resourceRoles.openPayloads)) {
      request.refusal = 'role';
      throw new HttpError(403, 'forbidden', `the codec endpoint needs the role ${resourceRoles.openPayloads.join(' or ')}`);
    }
  });

  const recentlyAudited = new Map<string, number>();
  /** Whether an unmasked opening of `caseId` by `sub` is to be written: the first in ten minutes. */
  const toAudit = (sub: string, caseId: string, now: number): boolean => {
    const key = `${sub} ${caseId}`;
    if ((recentlyAudited.get(key) ?? 0) > now - auditWindowMs) return false;
    if (recentlyAudited.size >= 10_000) recentlyAudited.clear();
    recentlyAudited.set(key, now);
    return true;
  };

  /**
   * A decoded payload as the caller may see it, and the case it opened unmasked, if any. A payload that names a case
   * the caller may not see (another station's, another officer's) stays sealed for them, as the case answers 404 on
   * the API; one that names no case (a timer's or a write's summary, a calendar) opens for every role the endpoint takes.
   */
  const forCaller = async (request: FastifyRequest, sealed: Payload, payload: Payload): Promise<{ payload: Payload; unmaskedCase?: string }> => {
    if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== 'json/plain') return { payload };
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(payload.data ?? []).toString('utf8'));
    } catch {
      return { payload };
    }
    const { caseIds, people } = personalContent(value);
    const principal = principalOf(request);
    const assignments = await Promise.all([...caseIds].map((caseId) => caseAssignment(app, request, caseId)));
    if (assignments.some((a) => scopeRefusal(principal, a))) return { payload: sealed };
    if (!people.length) return { payload };
    const unmasked = assignments.length > 0 && assignments.every((a) => a !== undefined && mayReadUnmasked(principal, a));
    if (unmasked) return { payload, unmaskedCase: [...caseIds][0] };
    return { payload: { ...payload, data: Buffer.from(JSON.stringify(maskPeople(value, people)), 'utf8') } };
  };

  const decode = async (request: FastifyRequest<{ Body: z.infer<typeof payloadsBody> }>) => {
    const sealed = request.body.payloads.map(fromJson);
    const converted = await codec.decode(sealed);
    const opened = await Promise.all(converted.map((payload, i) => forCaller(request, sealed[i], payload)));
    const unmaskedCase = opened.find((o) => o.unmaskedCase)?.unmaskedCase;
    if (unmaskedCase && toAudit(principalOf(request).sub, unmaskedCase, Date.now())) {
      request.caseId = unmaskedCase;
      request.unmasked = true;
    }
    return { payloads: opened.map((o) => toJson(o.payload)) };
  };

  const schema = (summary: string) => ({
    summary,
    tags: ['codec'],
    body: payloadsBody,
    headers: z.object({ 'x-namespace': z.string().optional() }),
    response: responses({ 200: payloadsBody }, 403, ...withBody),
  });
  // Decode only: the UI's write actions are off, and an encode endpoint would seal, for anyone signed in, an action the
  // worker would take as the API's (workflows/case-runtime.ts, `sealRejection`).
  app.post(
    '/codec/decode',
    { schema: schema('Opens sealed payloads for the Temporal UI (the session of the person signed in), personal data as their role allows') },
    decode,
  );
};

/** The codec endpoint, encapsulated so that its CORS answers only its own routes. */
export const codecRoutes = fp(routes, { name: 'codec-routes', encapsulate: true });
