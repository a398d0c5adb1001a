/**
 * The codec endpoint of the Temporal Web UI (its remote codec protocol): the UI posts the payloads of a case's history
 * to `/codec/decode` and shows what comes back, so a supervisor reads the personal data that Temporal holds sealed.
 * Only a supervisor may use it; browsers may call it only from the configured UI origin.
 */
import cors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hasRole } from '../../domain/roles';
import { responses, withBody } from '../contract';
import { HttpError } from '../errors';

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  /** The Temporal UI's origin, e.g. http://127.0.0.1:8233: the only one CORS answers. */
  corsOrigin: string;
}

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
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Namespace'],
    maxAge: 600,
  });

  app.addHook('preHandler', async (request) => {
    if (!request.principal) throw new HttpError(401, 'unauthorized', 'a valid bearer token is required');
    if (!hasRole(request.principal, 'supervisor')) throw new HttpError(403, 'forbidden', 'only a supervisor may use the codec endpoint');
  });

  const convert = (direction: 'encode' | 'decode') => async (request: FastifyRequest<{ Body: z.infer<typeof payloadsBody> }>) => {
    let converted: Payload[];
    try {
      converted = await codec[direction](request.body.payloads.map(fromJson));
    } catch (err) {
      // The reason names a key id or says the payload is altered; never a payload's content.
      throw new HttpError(400, 'payload-not-decodable', `a payload could not be ${direction}d: ${(err as Error).message}`);
    }
    // What a decode opens is personal data read unmasked: the access log records who did (the UI names no case).
    if (direction === 'decode' && converted.length) request.unmasked = true;
    return { payloads: converted.map(toJson) };
  };

  const schema = (summary: string) => ({
    summary,
    tags: ['codec'],
    body: payloadsBody,
    headers: z.object({ 'x-namespace': z.string().optional() }),
    response: responses({ 200: payloadsBody }, 403, ...withBody),
  });
  app.post('/codec/decode', { schema: schema("Opens sealed payloads for the Temporal UI (a supervisor's token)") }, convert('decode'));
  app.post('/codec/encode', { schema: schema("Seals payloads for the Temporal UI (a supervisor's token)") }, convert('encode'));
};

/** The codec endpoint, encapsulated so that its CORS answers only its own routes. */
export const codecRoutes = fp(routes, { name: 'codec-routes', encapsulate: true });
