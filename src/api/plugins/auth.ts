import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import type { AuthConfig } from '../../config';
import { unauthenticated } from '../errors';
import { principalClaims } from '../tokens';

declare module 'fastify' {
  interface FastifyRequest {
    /** Why the bearer token was not accepted; the request is answered 401 before its body is read. */
    authFailure?: string;
  }
}

/** Signatures the API accepts: HS256 with the shared secret, RS256 and ES256 from the identity provider's key set. */
const secretAlgorithms = ['HS256'];
const keySetAlgorithms = ['RS256', 'ES256'];
const bearer = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/;

/** The bearer token of an Authorization header, if it carries one. */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? bearer.exec(header)?.[1] : undefined;
}

/** The Temporal UI's session (routes/session.ts): the caller's token in an HttpOnly cookie sent only to /codec. */
export const sessionCookie = 'beatflow_session';
export const sessionCookiePath = '/codec';

/** The session token a request carries in its cookie, if any. */
export function sessionTokenOf(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === sessionCookie) return value.join('=') || undefined;
  }
  return undefined;
}

/** Verifies a token and answers its claims; throws with a reason a caller may read. */
export type TokenVerifier = (token: string) => Promise<JWTPayload>;

/** The verifier for the configured keys; refuses to build without any, or with one that is not well formed. */
export function tokenVerifier(options: AuthConfig): TokenVerifier {
  if (options.jwtSecret !== undefined && options.jwtSecret.length < 32) {
    throw new Error('invalid configuration: AUTH_JWT_SECRET: must be at least 32 characters');
  }
  let keySet: ReturnType<typeof createRemoteJWKSet> | undefined;
  if (options.jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(options.jwksUrl);
    } catch {
      throw new Error('invalid configuration: AUTH_JWKS_URL: must be an http(s) URL');
    }
    if (!/^https?:$/.test(url.protocol)) throw new Error('invalid configuration: AUTH_JWKS_URL: must be an http(s) URL');
    keySet = createRemoteJWKSet(url);
  }
  if (!options.jwtSecret && !keySet) {
    throw new Error('invalid configuration: AUTH_JWKS_URL or AUTH_JWT_SECRET is required: the API verifies the bearer token of every caller');
  }
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const expected = { issuer: options.issuer, audience: options.audience, requiredClaims: ['sub', 'exp', 'iat'] };
  return async (token) => {
    const { alg, typ } = decodeProtectedHeader(token);
    if (typ !== undefined && !acceptedTypes.includes(typ.toLowerCase())) throw new Error(`tokens of type ${typ} are not accepted`);
    let payload: JWTPayload;
    if (secret && alg === 'HS256') payload = (await jwtVerify(token, secret, { ...expected, algorithms: secretAlgorithms })).payload;
    else if (keySet) payload = (await jwtVerify(token, keySet, { ...expected, algorithms: keySetAlgorithms })).payload;
    else throw new Error(`tokens signed with ${String(alg)} are not accepted`);
    const now = Math.floor(Date.now() / 1000);
    if (payload.iat! > now + clockSkewSeconds) throw new Error('"iat" claim lies in the future');
    if (payload.exp! - payload.iat! > maxTokenLifetimeSeconds) throw new Error('the token lives longer than 31 days ("exp" - "iat")');
    return payload;
  };
}

/** An access token's `typ`, when it names one: a JWT (RFC 7519) or an OAuth access token (RFC 9068). */
const acceptedTypes = ['jwt', 'at+jwt', 'application/at+jwt'];
const clockSkewSeconds = 60;
/** A token that outlives a month is a key, not a session: refused, whoever signed it. */
export const maxTokenLifetimeSeconds = 31 * 24 * 3600;

/**
 * Identity: every request of the scope it is registered in must carry a valid bearer token, whose claims become
 * `request.principal`. Registered inside the scope of the /v1 routes (app.ts), so the check belongs to the routes
 * themselves and no spelling of their path can miss it. The token is read at onRequest (so the rate limit can count
 * by caller) and a request without a valid one is answered 401 before its body is read.
 */
export const authPlugin = fp<AuthConfig>(
  async (app, options) => {
    const verify = tokenVerifier(options);
    app.decorateRequest('authFailure', undefined);
    app.addHook('onRequest', async (request: FastifyRequest) => {
      const header = request.headers.authorization;
      // The codec endpoint alone also takes the session cookie, which the browser sends it from the Temporal UI.
      const token = header ? bearerToken(header) : request.url.startsWith(`${sessionCookiePath}/`) ? sessionTokenOf(request) : undefined;
      if (!token) {
        request.authFailure = header ? 'the Authorization header must be "Bearer <token>"' : 'a bearer token is required';
        return;
      }
      let payload: JWTPayload;
      try {
        payload = await verify(token);
      } catch (err) {
        request.authFailure = `the token is not valid: ${(err as Error).message}`;
        return;
      }
      const claims = principalClaims.safeParse(payload);
      if (!claims.success) {
        request.authFailure = `the token's claims are not valid: ${claims.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
        return;
      }
      request.principal = claims.data;
    });
    app.addHook('preParsing', async (request) => {
      // A CORS preflight never carries credentials (the codec endpoint's browser caller sends one); no /v1 route
      // answers OPTIONS, and a handler without a principal refuses (scope.ts `principalOf`).
      if (request.method === 'OPTIONS') return;
      if (!request.principal) throw unauthenticated(request.authFailure ?? 'a bearer token is required', Boolean(request.headers.authorization));
    });
  },
  { name: 'auth' },
);
