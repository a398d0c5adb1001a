/**
 * Signing in for the Temporal UI: the UI calls the codec endpoint with the browser's credentials, so a person signs
 * in here once and the API keeps their token in an HttpOnly cookie sent only to /codec. In production the identity
 * provider's access token is exchanged for the cookie (`POST /session` with it as the bearer token); `npm start` adds a
 * development sign-in page listing the development identities. The cookie never authenticates a /v1 request.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Role } from '../../domain/roles';
import { HttpError } from '../errors';
import { type TokenVerifier, bearerToken, sessionCookie, sessionCookiePath } from '../plugins/auth';
import { mintToken } from '../tokens';

/** A development sign-in lasts a working day. */
const devSessionSeconds = 8 * 3600;

/** A development identity the sign-in page offers. */
export interface DevIdentity {
  key: string;
  labelZh: string;
  sub: string;
  roles: Role[];
  stationIds: string[];
}

/** Whom the development sign-in page offers: a supervisor of every station, the leader and two officers of S-01. */
export const developmentIdentities: DevIdentity[] = [
  { key: 'supervisor', labelZh: '督察（全部派出所）', sub: 'dev-supervisor', roles: ['supervisor'], stationIds: ['*'] },
  { key: 'station-leader', labelZh: '所领导（S-01）', sub: 'dev-station-leader', roles: ['station-leader'], stationIds: ['S-01'] },
  { key: 'officer-P-20931', labelZh: '民警 P-20931（S-01）', sub: 'P-20931', roles: ['officer'], stationIds: ['S-01'] },
  { key: 'officer-P-20932', labelZh: '民警 P-20932（S-01）', sub: 'P-20932', roles: ['officer'], stationIds: ['S-01'] },
];

export interface SessionRoutesOptions {
  verify: TokenVerifier;
  /** `npm start` only: the identities to sign in as, and how to mint their tokens. */
  devSignIn?: { identities: DevIdentity[]; secret: string; issuer: string; audience: string; uiUrl?: string };
}

function setSession(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('set-cookie', `${sessionCookie}=${token}; Path=${sessionCookiePath}; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(identities: DevIdentity[], uiUrl: string | undefined): string {
  const buttons = identities
    .map(
      (i) =>
        `<li><form method="post" action="/sign-in"><input type="hidden" name="identity" value="${escapeHtml(i.key)}"><button type="submit">${escapeHtml(i.labelZh)}</button></form></li>`,
    )
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>beatflow 开发登录</title></head><body>
<h1>beatflow 开发登录</h1>
<p>选择一个开发身份登录；登录后 Temporal 界面${uiUrl ? `（<a href="${escapeHtml(uiUrl)}">${escapeHtml(uiUrl)}</a>）` : ''}按该身份的权限解密案件时间线。</p>
<ul>${buttons}</ul>
<form method="post" action="/sign-out"><button type="submit">退出登录</button></form>
</body></html>`;
}

const routes: FastifyPluginAsyncZod<SessionRoutesOptions> = async (app, { verify, devSignIn }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.post(
    '/session',
    { schema: { summary: "Exchanges the identity provider's access token for the Temporal UI's codec cookie", tags: ['session'], hide: true } },
    async (request, reply) => {
      const token = bearerToken(request.headers.authorization);
      if (!token) throw new HttpError(401, 'unauthorized', 'a bearer token is required');
      let exp: number | undefined;
      try {
        exp = (await verify(token)).exp;
      } catch (err) {
        throw new HttpError(401, 'unauthorized', `the token is not valid: ${(err as Error).message}`);
      }
      setSession(request, reply, token, Math.max(0, (exp ?? 0) - Math.floor(Date.now() / 1000)));
      return reply.code(204).send();
    },
  );

  app.post('/sign-out', { schema: { hide: true } }, async (request, reply) => {
    setSession(request, reply, '', 0);
    return reply
      .code(303)
      .header('location', devSignIn ? '/sign-in' : '/')
      .send();
  });

  if (!devSignIn) return;
  app.get('/sign-in', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(signInPage(devSignIn.identities, devSignIn.uiUrl)),
  );
  app.post('/sign-in', { schema: { hide: true, body: z.object({ identity: z.string() }) } }, async (request, reply) => {
    const identity = devSignIn.identities.find((i) => i.key === request.body.identity);
    if (!identity) throw new HttpError(400, 'invalid-request', `identity: no development identity ${request.body.identity}`);
    const token = await mintToken({
      ...devSignIn,
      sub: identity.sub,
      roles: identity.roles,
      stationIds: identity.stationIds,
      ttlSeconds: devSessionSeconds,
    });
    setSession(request, reply, token, devSessionSeconds);
    const ui = devSignIn.uiUrl ? `<a href="${escapeHtml(devSignIn.uiUrl)}">打开 Temporal 界面</a>` : '';
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>已登录</title></head><body><p>已登录：${escapeHtml(identity.labelZh)}。${ui}</p><p><a href="/sign-in">更换身份</a></p></body></html>`,
      );
  });
};

export const sessionRoutes = fp(routes, { name: 'session-routes', encapsulate: true });
