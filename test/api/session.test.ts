/**
 * Signing in for the Temporal UI: the session cookie the UI sends with its codec requests (the identity provider's
 * token exchanged at POST /session; in development, the sign-in page), which reaches the codec endpoint only.
 */
import { EncryptionCodec, parsePayloadKeys } from '../../src/temporal/codec';
import { buildTestApp, type TestApp } from '../helper';
import { testAuth, tokenFor } from '../support/auth';

const uiOrigin = 'http://127.0.0.1:8233';
const codec = new EncryptionCodec(parsePayloadKeys(`ui-test:${Buffer.alloc(32, 7).toString('base64')}`));
const identities = [
  { key: 'supervisor', labelZh: '督察（全部派出所）', sub: 'dev-supervisor', roles: ['supervisor' as const], stationIds: ['*'] },
  { key: 'officer-P-20931', labelZh: '民警 P-20931（S-01）', sub: 'P-20931', roles: ['officer' as const], stationIds: ['S-01'] },
];

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({
    payloadCodec: codec,
    codecCorsOrigin: uiOrigin,
    devSignIn: { identities, secret: testAuth.jwtSecret!, issuer: testAuth.issuer, audience: testAuth.audience, uiUrl: uiOrigin },
  });
});
afterAll(async () => {
  await t.app.close();
});

const cookieOf = (setCookie: string | string[] | number | undefined) => String(Array.isArray(setCookie) ? setCookie[0] : setCookie);
const decode = (cookie?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/codec/decode',
    payload: { payloads: [] },
    headers: { origin: uiOrigin, ...(cookie ? { cookie } : {}) },
  });

test('POST /session exchanges a valid token for an HttpOnly cookie scoped to /codec, which the codec accepts and /v1 does not', async () => {
  const token = await tokenFor({ role: 'supervisor', stationIds: ['*'], sub: 'SV-1' });
  const res = await t.app.inject({ method: 'POST', url: '/session', headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode).toBe(204);
  const cookie = cookieOf(res.headers['set-cookie']);
  expect(cookie).toMatch(/^beatflow_session=[^;]+; Path=\/codec; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
  const session = cookie.split(';')[0];

  const withCookie = await decode(session);
  expect(withCookie.statusCode).toBe(200);
  // The UI includes credentials: the answer must allow them, for its origin only.
  expect(withCookie.headers['access-control-allow-credentials']).toBe('true');
  expect(withCookie.headers['access-control-allow-origin']).toBe(uiOrigin);
  expect((await decode()).statusCode).toBe(401);
  expect((await t.app.inject({ method: 'GET', url: '/v1/cases', headers: { cookie: session } })).statusCode).toBe(401);

  const bad = await t.app.inject({ method: 'POST', url: '/session', headers: { authorization: 'Bearer not-a-token' } });
  expect(bad.statusCode).toBe(401);
  expect(bad.headers['set-cookie']).toBeUndefined();
  expect((await decode('beatflow_session=not-a-token')).statusCode).toBe(401);
});

test('the development sign-in page lists the identities; signing in as one sets its session; signing out clears it', async () => {
  const page = await t.app.inject({ method: 'GET', url: '/sign-in' });
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('督察（全部派出所）');
  expect(page.body).toContain('民警 P-20931（S-01）');

  const signedIn = await t.app.inject({
    method: 'POST',
    url: '/sign-in',
    payload: 'identity=officer-P-20931',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(signedIn.statusCode).toBe(200);
  expect(signedIn.body).toContain('已登录：民警 P-20931（S-01）');
  const session = cookieOf(signedIn.headers['set-cookie']).split(';')[0];
  expect((await decode(session)).statusCode).toBe(200);

  const unknown = await t.app.inject({
    method: 'POST',
    url: '/sign-in',
    payload: 'identity=nobody',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(unknown.statusCode).toBe(400);
  expect(unknown.json().error.message).toContain('identity');

  const out = await t.app.inject({ method: 'POST', url: '/sign-out', headers: { cookie: session } });
  expect(out.statusCode).toBe(303);
  expect(cookieOf(out.headers['set-cookie'])).toMatch(/^beatflow_session=; Path=\/codec; .*Max-Age=0/);
});

test('without the development sign-in there is no sign-in page, and a session is only had from a token', async () => {
  const plain = await buildTestApp({ payloadCodec: codec, codecCorsOrigin: uiOrigin });
  try {
    expect((await plain.app.inject({ method: 'GET', url: '/sign-in' })).statusCode).toBe(404);
    expect(
      (
        await plain.app.inject({
          method: 'POST',
          url: '/sign-in',
          payload: 'identity=supervisor',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).statusCode,
    ).toBe(404);
  } finally {
    await plain.app.close();
  }
});
