/**
 * Who may see and do what: the token check over every /v1 route and every spelling of its path, the token faults
 * that are 401, the configurations that refuse to start, the matrix of roles × routes and action types × own and
 * other station, the rate limit and the security headers.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import pino from 'pino';
import { app as apiApp, serverOptions } from '../../src/api/app';
import { type AuthConfig, authConfig, loadConfig } from '../../src/config';
import { actionSchemas, procedureOf, procedureRegistry, procedures, rolesForAction } from '../../src/procedures/index';
import { actingRoles, type Role, resourceRoles, roles } from '../../src/domain/roles';
import { buildTestApp, type TestApp } from '../helper';
import { authHeader, type Caller, testAuth, testSecret, tokenFor } from '../support/auth';
import { bailStart } from '../support/cases';
import { sampleActions, sampleStart } from '../support/samples';

const casePath = (caseId: string) => `/v1/cases/${encodeURIComponent(caseId)}`;
const sign = (claims: Record<string, unknown>, secret = testSecret) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(testAuth.issuer)
    .setAudience(testAuth.audience)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

let t: TestApp;

beforeEach(async () => {
  t = await buildTestApp();
});

afterEach(async () => {
  await t.app.close();
});

function expectUnauthorized(res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }) {
  expect(res.statusCode).toBe(401);
  expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer\b/);
  expect(res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
}

describe('no spelling of a /v1 path escapes the token check', () => {
  const spellings: Array<['GET' | 'POST' | 'PUT', string]> = [
    ['GET', '/v1/cases'],
    ['GET', '/%761/cases'],
    ['GET', '/v%31/cases'],
    ['GET', '/%76%31/cases'],
    ['GET', '//v1/cases'],
    ['GET', '/v1//cases'],
    ['GET', '/v%31/calendar/2099'],
    ['PUT', '/v%31/calendar/2099'],
    ['PUT', '//v1/calendar/2099'],
    ['POST', '/%761/cases'],
    ['GET', '/v1/time/deadline?rule=within-days&from=2026-09-28&n=3'],
    ['GET', '/v1/procedures'],
    ['GET', '/v1/notices?status=dead'],
    ['POST', '/v1/notices/1/redeliver'],
    ['GET', '/v1/cases/records-blocked'],
    ['GET', '/v1/obligations?status=overdue'],
    ['GET', '/v1/kpis?from=2026-03-01&to=2026-03-31'],
  ];

  test.each(spellings)('%s %s without a token is 401 with the Bearer challenge, and changes nothing', async (method, url) => {
    const payload = method === 'PUT' ? { holidays: [], workdays: [], source: 'forged' } : method === 'POST' ? bailStart(Date.now()) : undefined;
    const res = await t.app.inject({ method, url, payload });
    expectUnauthorized(res);
    expect(t.temporal.executions.size).toBe(0);
    expect(await t.db.calendar.year(2099)).toBeUndefined();
  });

  test('the same spellings with a valid token reach the route (they are one route, not a 404)', async () => {
    const headers = await authHeader({ role: 'supervisor', stationIds: ['*'], sub: 'SUP-1' });
    for (const url of ['/%761/cases', '/v%31/cases', '//v1/cases', '/v1//cases']) {
      expect((await t.app.inject({ method: 'GET', url, headers })).statusCode).toBe(200);
    }
    const admin = await authHeader({ role: 'admin', stationIds: [], sub: 'ADM-1' });
    const load = await t.app.inject({
      method: 'PUT',
      url: '/v%31/calendar/2099',
      headers: admin,
      payload: { holidays: [], workdays: [], source: 'x' },
    });
    expect(load.statusCode).toBe(202);
  });

  test('an absolute-form request target (GET http://host/v1/cases) is 401 without a token and 200 with one, on a listening server', async () => {
    // The fake-backed app on a real socket: the request target reaches Node as written.
    const server = Fastify(serverOptions(pino({ level: 'silent' })));
    await fakePlugins(server);
    await server.register(apiApp, { auth: testAuth });
    await server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.server.address() as net.AddressInfo;
    const raw = (target: string, method = 'GET', headers = '') =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${headers}Content-Length: 0\r\nConnection: close\r\n\r\n`);
        });
        let answer = '';
        socket.on('data', (d) => (answer += String(d)));
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
      });
    try {
      for (const target of [`http://127.0.0.1:${port}/v1/cases`, `http://evil.example/v%31/cases`, `HTTP://x/%761/cases?limit=1`]) {
        const answer = await raw(target);
        expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
        expect(answer).toMatch(/www-authenticate: Bearer/i);
        expect(answer).toContain('"code":"unauthorized"');
      }
      expect((await raw(`http://127.0.0.1:${port}/v%31/calendar/2099`, 'PUT')).split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
      const token = await tokenFor({ role: 'supervisor', stationIds: ['*'], sub: 'SUP-1' });
      const authorized = await raw(`http://127.0.0.1:${port}/v1/cases`, 'GET', `Authorization: Bearer ${token}\r\n`);
      expect(authorized.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      expect((await raw(`http://127.0.0.1:${port}/healthz`)).split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    } finally {
      await server.close();
    }
  });

  test("a preflight (OPTIONS, never with credentials) reaches no /v1 route: 405 naming the path's methods", async () => {
    for (const url of ['/v1/cases', '/%761/cases']) {
      const res = await t.app.inject({ method: 'OPTIONS', url });
      // No /v1 route answers OPTIONS: the path's methods are named (405, Allow), nothing of its data.
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, POST');
      expect(res.body).not.toContain('bail-surveillance:');
    }
  });

  test('health, readiness and the API docs stay public', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('a token that is not valid is 401', () => {
  const officer: Caller = { role: 'officer', sub: 'P-20931' };
  const now = () => Math.floor(Date.now() / 1000);
  /** An officer's token signed with the right secret, its times and type as given. */
  const signedAt = ({ iat, exp }: { iat?: number; exp: number }, typ = 'JWT') =>
    new SignJWT({ sub: 'P-1', roles: ['officer'], stationIds: ['S-01'], ...(iat === undefined ? {} : { iat }), exp })
      .setProtectedHeader({ alg: 'HS256', typ })
      .setIssuer('beatflow')
      .setAudience('beatflow-api')
      .sign(new TextEncoder().encode(testSecret));

  test('a token issued a second ago for 31 days, of type JWT or at+jwt, is taken', async () => {
    for (const typ of ['JWT', 'at+jwt']) {
      const token = await signedAt({ iat: now() - 1, exp: now() - 1 + 31 * 86_400 }, typ);
      expect((await t.app.inject({ method: 'GET', url: '/v1/procedures', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    }
  });

  test.each<[string, () => Promise<string>]>([
    ['without the Bearer scheme', async () => tokenFor(officer)],
    ['another scheme', async () => `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['Bearer and nothing', async () => 'Bearer '],
    ['expired', async () => `Bearer ${await tokenFor(officer, -60)}`],
    ['signed with another secret', async () => `Bearer ${await sign({ sub: 'P-1', roles: ['officer'], stationIds: ['S-01'] }, 'x'.repeat(48))}`],
    [
      'alg none',
      async () =>
        `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'P-1', roles: ['admin'], stationIds: ['*'], iss: 'beatflow', aud: 'beatflow-api', exp: 4102444800 })}.`,
    ],
    [
      'without exp',
      async () =>
        `Bearer ${await new SignJWT({ sub: 'P-1', roles: ['officer'], stationIds: ['S-01'] }).setProtectedHeader({ alg: 'HS256' }).setIssuer('beatflow').setAudience('beatflow-api').sign(new TextEncoder().encode(testSecret))}`,
    ],
    [
      'another issuer',
      async () =>
        `Bearer ${await new SignJWT({ sub: 'P-1', roles: ['officer'], stationIds: ['S-01'] }).setProtectedHeader({ alg: 'HS256' }).setIssuer('elsewhere').setAudience('beatflow-api').setExpirationTime('1h').sign(new TextEncoder().encode(testSecret))}`,
    ],
    ['an unknown role', async () => `Bearer ${await sign({ sub: 'P-1', roles: ['chief'], stationIds: ['S-01'] })}`],
    ['no roles', async () => `Bearer ${await sign({ sub: 'P-1', roles: [], stationIds: ['S-01'] })}`],
    ['stationIds not a list', async () => `Bearer ${await sign({ sub: 'P-1', roles: ['officer'], stationIds: 'S-01' })}`],
    ["every station ('*') for an officer", async () => `Bearer ${await sign({ sub: 'P-1', roles: ['officer'], stationIds: ['*'] })}`],
    ['a subject that is no system id', async () => `Bearer ${await sign({ sub: '张三 P-1', roles: ['officer'], stationIds: ['S-01'] })}`],
    ['no subject', async () => `Bearer ${await sign({ roles: ['officer'], stationIds: ['S-01'] })}`],
    ['issued in the future', async () => `Bearer ${await signedAt({ iat: now() + 3600, exp: now() + 7200 })}`],
    ['expiring in 9999', async () => `Bearer ${await signedAt({ iat: now(), exp: 253402300799 })}`],
    ['living 32 days', async () => `Bearer ${await signedAt({ iat: now(), exp: now() + 32 * 86_400 })}`],
    ['without iat', async () => `Bearer ${await signedAt({ exp: now() + 3600 })}`],
    ['of another type', async () => `Bearer ${await signedAt({ iat: now(), exp: now() + 3600 }, 'secevent+jwt')}`],
  ])('%s', async (_what, header) => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: await header() } });
    expectUnauthorized(res);
  });

  test('RS256 and ES256 tokens verify against the configured key set; an HS256 token does not without the secret', async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    const keys = {
      keys: [
        { ...(await exportJWK(rsa.publicKey)), kid: 'rsa', alg: 'RS256' },
        { ...(await exportJWK(ec.publicKey)), kid: 'ec', alg: 'ES256' },
      ],
    };
    const jwks = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(keys)));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as net.AddressInfo).port}/jwks.json`;
    const server = Fastify(serverOptions(pino({ level: 'silent' })));
    await server.register(apiApp, { auth: { jwksUrl: url, issuer: 'idp', audience: 'beatflow-api' }, ...(await fakePlugins(server)) });
    try {
      const claims = { sub: 'SUP-1', roles: ['supervisor'], stationIds: ['*'] };
      const signed = (alg: 'RS256' | 'ES256', key: KeyLike, kid: string) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg, kid })
          .setIssuer('idp')
          .setAudience('beatflow-api')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(key);
      for (const token of [await signed('RS256', rsa.privateKey, 'rsa'), await signed('ES256', ec.privateKey, 'ec')]) {
        expect((await server.inject({ method: 'GET', url: '/v1/procedures', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
      }
      const hs = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('idp')
        .setAudience('beatflow-api')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(testSecret));
      expectUnauthorized(await server.inject({ method: 'GET', url: '/v1/procedures', headers: { authorization: `Bearer ${hs}` } }));
    } finally {
      await server.close();
      jwks.close();
    }
  });
});

/** The fakes of test/helper.ts, under the real plugins' names, for an app built here with other auth options. */
async function fakePlugins(server: FastifyInstance): Promise<Record<string, never>> {
  const helper = await buildTestApp();
  await helper.app.close();
  await server.register(
    fp(
      async (instance: FastifyInstance) => {
        instance.decorate('temporal', helper.temporal.client);
        instance.decorate('taskQueue', 'q');
      },
      { name: 'temporal' },
    ),
  );
  await server.register(fp(async (instance: FastifyInstance) => void instance.decorate('db', helper.db), { name: 'db' }));
  return {};
}

describe('a configuration without a usable key refuses to start', () => {
  test.each<[string, Record<string, string>, RegExp]>([
    ['an empty secret', { AUTH_JWT_SECRET: '' }, /AUTH_JWT_SECRET: must be at least 32 characters/],
    ['a short secret', { AUTH_JWT_SECRET: 'x'.repeat(31) }, /AUTH_JWT_SECRET: must be at least 32 characters/],
    ['a JWKS URL that is no URL', { AUTH_JWKS_URL: 'keys.example/jwks' }, /AUTH_JWKS_URL/],
    ['a JWKS URL of another scheme', { AUTH_JWKS_URL: 'ftp://keys.example/jwks' }, /AUTH_JWKS_URL/],
    ['an empty JWKS URL', { AUTH_JWKS_URL: '' }, /AUTH_JWKS_URL/],
    ['an empty issuer', { AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_ISSUER: '' }, /AUTH_ISSUER/],
    [
      'in production, a secret beside the key set',
      { NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example/jwks.json', AUTH_JWT_SECRET: 'x'.repeat(32) },
      /AUTH_JWT_SECRET: not beside AUTH_JWKS_URL in production/,
    ],
    [
      'in production, a key set over http',
      { NODE_ENV: 'production', AUTH_JWKS_URL: 'http://idp.example/jwks.json' },
      /AUTH_JWKS_URL: https in production/,
    ],
  ])('loadConfig refuses %s, naming the variable', (_what, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('no key at all refuses in every mode; production needs a key as well; a good secret or key set passes', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      expect(() => authConfig(loadConfig({ NODE_ENV }))).toThrow(/AUTH_JWKS_URL or AUTH_JWT_SECRET is required/);
    }
    expect(authConfig(loadConfig({ NODE_ENV: 'production', AUTH_JWKS_URL: 'https://idp.example/jwks.json' }))).toMatchObject({
      jwksUrl: 'https://idp.example/jwks.json',
      issuer: 'beatflow',
      audience: 'beatflow-api',
    });
    expect(authConfig(loadConfig({ AUTH_JWT_SECRET: 'y'.repeat(32) })).jwtSecret).toBe('y'.repeat(32));
  });

  test.each<[string, AuthConfig, RegExp]>([
    ['no key', { issuer: 'beatflow', audience: 'beatflow-api' }, /AUTH_JWKS_URL or AUTH_JWT_SECRET is required/],
    ['an empty secret', { jwtSecret: '', issuer: 'beatflow', audience: 'beatflow-api' }, /AUTH_JWT_SECRET/],
    ['a short secret', { jwtSecret: 'short', issuer: 'beatflow', audience: 'beatflow-api' }, /AUTH_JWT_SECRET/],
    ['a malformed JWKS URL', { jwksUrl: 'not a url', issuer: 'beatflow', audience: 'beatflow-api' }, /AUTH_JWKS_URL/],
  ])('the app refuses to build with %s', async (_what, auth, message) => {
    const server = Fastify(serverOptions(pino({ level: 'silent' })));
    await fakePlugins(server);
    await expect(server.register(apiApp, { auth }).ready()).rejects.toThrow(message);
    await server.close().catch(() => undefined);
  });
});

describe('the domain declares who may send each action type', () => {
  /** The literal `type` of every member of an action union, nested unions included. */
  function actionTypes(schema: unknown): string[] {
    const def = (schema as { def: { type: string; options?: unknown[]; shape?: Record<string, { def: { values?: unknown[] } }> } }).def;
    if (def.options) return def.options.flatMap(actionTypes);
    return (def.shape?.type.def.values ?? []).map(String);
  }

  test('every action type of every procedure has roles, all of them acting roles; no declaration names a type the procedure lacks', () => {
    for (const plugin of procedureRegistry) {
      const types = [...new Set(actionTypes(plugin.action))];
      expect(types.length).toBeGreaterThan(0);
      const declared = Object.keys(plugin.actionRoles);
      expect({ procedure: plugin.name, types: [...declared].sort() }).toEqual({ procedure: plugin.name, types: [...types].sort() });
      for (const type of types) {
        const allowed = rolesForAction(plugin.name, type);
        expect(allowed.length).toBeGreaterThan(0);
        for (const role of allowed) expect(actingRoles).toContain(role);
      }
    }
  });

  test("the station system reports the authorities' decisions, the station leader decides for the station, nobody else acts", () => {
    expect(rolesForAction('bail-surveillance', 'term-changed')).toEqual(['station-system']);
    expect(rolesForAction('bail-surveillance', 'authority-decided')).toEqual(['station-system']);
    expect(rolesForAction('bail-surveillance', 'subject-reported')).not.toContain('station-system');
    expect(rolesForAction('hazard-rectification', 'extension-decided')).toEqual(['station-leader']);
    expect(rolesForAction('hazard-rectification', 'new-deadline-set')).toEqual(['station-leader']);
    expect(rolesForAction('dispute', 'closed')).toEqual(['station-leader']);
    expect(rolesForAction('deprived-rights', 'case-closed')).toEqual(['station-leader']);
    for (const procedure of procedures) {
      for (const type of Object.keys(sampleActions[procedure])) {
        expect(rolesForAction(procedure, type)).not.toContain('supervisor');
        expect(rolesForAction(procedure, type)).not.toContain('admin');
        // Whatever the officer may report, the station leader may too.
        if (rolesForAction(procedure, type).includes('officer')) expect(rolesForAction(procedure, type)).toContain('station-leader');
      }
    }
    expect(rolesForAction('dispute', 'no-such-type')).toEqual([]);
  });
});

describe('the actor of an action is the caller', () => {
  test('a body without actor gets the token subject; a different actor is 403 (refusal "actor"); the same actor passes', async () => {
    const start = sampleStart('bail-surveillance', 'S-01', 'XA-ACTOR');
    await t.app.inject({ method: 'POST', url: '/v1/cases', payload: start, headers: await authHeader({ role: 'station-system', sub: 'SYS-01' }) });
    const caseId = 'bail-surveillance:XA-ACTOR';
    const headers = await authHeader({ role: 'officer', sub: 'P-20931' });
    const url = `${casePath(caseId)}/actions`;

    const implicit = await t.app.inject({ method: 'POST', url, headers, payload: { type: 'subject-reported', actionId: randomUUID() } });
    expect(implicit.statusCode).toBe(200);
    const same = await t.app.inject({ method: 'POST', url, headers, payload: { type: 'rules-explained', actionId: randomUUID(), actor: 'P-20931' } });
    expect(same.statusCode).toBe(200);
    const forged = await t.app.inject({ method: 'POST', url, headers, payload: { type: 'feedback-sent', actionId: randomUUID(), actor: 'P-99999' } });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error).toEqual({ code: 'forbidden', message: expect.stringContaining('P-99999') });
    expect(t.temporal.received.map((r) => r.action.actor)).toEqual(['P-20931', 'P-20931']);
  });

  test('every refusal names its reason on the request, for the audit log', async () => {
    const seen: Array<string | undefined> = [];
    const server = Fastify(serverOptions(pino({ level: 'silent' })));
    await fakePlugins(server);
    server.addHook('onResponse', async (request) => {
      seen.push(request.refusal);
    });
    await server.register(apiApp, { auth: testAuth });
    try {
      const system = await authHeader({ role: 'station-system', sub: 'SYS-01' });
      await server.inject({ method: 'POST', url: '/v1/cases', payload: sampleStart('dispute', 'S-01', 'JF-REF'), headers: system });
      const url = `${casePath('dispute:JF-REF')}/actions`;
      await server.inject({
        method: 'POST',
        url,
        payload: { type: 'closed', actionId: randomUUID() },
        headers: await authHeader({ role: 'officer' }),
      });
      await server.inject({
        method: 'POST',
        url,
        payload: { type: 'triaged', decision: 'intervene', actionId: randomUUID() },
        headers: await authHeader({ role: 'officer', stationIds: ['S-02'] }),
      });
      await server.inject({
        method: 'POST',
        url,
        payload: { type: 'triaged', decision: 'intervene', actionId: randomUUID(), actor: 'P-1' },
        headers: await authHeader({ role: 'officer' }),
      });
      await server.inject({ method: 'POST', url: '/v1/cases', payload: sampleStart('dispute', 'S-02', 'JF-REF2'), headers: system });
      expect(seen).toEqual([undefined, 'role', 'station', 'actor', 'station']);
    } finally {
      await server.close();
    }
  });
});

describe('the matrix: five roles × every route and every action type × own and other station', () => {
  const own = 'S-01';
  const other = 'S-02';

  test('allowed cells succeed, every other cell is 401, 403 or 404, and no answer carries another station’s case', async () => {
    // Every procedure has a case at each station, in Temporal and in the read model, with a dead notice and blocked records.
    const cases: Record<string, Record<string, string>> = { [own]: {}, [other]: {} };
    const notices: Record<string, string> = {};
    const system = (station: string) => authHeader({ role: 'station-system', stationIds: [station], sub: `SYS-${station}` });
    let noticeId = 100;
    for (const station of [own, other]) {
      for (const procedure of procedures) {
        const caseNumber = `M-${station}-${procedure.slice(0, 4)}`;
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/cases',
          payload: sampleStart(procedure, station, caseNumber),
          headers: await system(station),
        });
        expect(res.statusCode).toBe(201);
        const caseId = res.json().caseId as string;
        cases[station][procedure] = caseId;
        t.db.summaries.push({ caseId, procedure, caseNumber, stationId: station, officerId: 'P-20931', status: 'open', overdueCount: 0 });
        t.temporal.blockRecords(caseId, new Date('2026-03-03T00:00:00Z'));
        const id = String(noticeId++);
        t.db.outbox.push({
          id,
          caseId,
          noticeKey: `k/${id}`,
          kind: 'reminder',
          recipient: 'officer',
          article: '41(8)',
          titleZh: '提醒',
          createdAt: '2026-03-02T09:00:00+08:00',
          status: 'dead',
          attempts: 10,
        });
        if (procedure === 'bail-surveillance') notices[station] = id;
      }
    }
    const foreign = Object.values(cases[other]).flatMap((caseId) => [caseId, caseId.split(':')[1]]);
    const ownCases = Object.values(cases[own]);

    interface Cell {
      role: Role;
      route: string;
      station: 'own' | 'other' | '-';
      expected: 'allowed' | 'refused' | 'hidden';
      status: number;
      leak: boolean;
      ok: boolean;
    }
    const cells: Cell[] = [];
    const anonymous: Array<{ route: string; status: number }> = [];
    type Probe = {
      route: string;
      station: Cell['station'];
      method: 'GET' | 'POST' | 'PUT';
      url: string;
      payload?: () => unknown;
      may: (role: Role) => boolean;
    };
    const probes: Probe[] = [];
    const may = (allowed: readonly Role[]) => (role: Role) => allowed.includes(role);
    let startNo = 0;
    for (const [station, name] of [
      [own, 'own'],
      [other, 'other'],
    ] as const) {
      probes.push({
        route: 'POST /v1/cases',
        station: name,
        method: 'POST',
        url: '/v1/cases',
        payload: () => sampleStart('dispute', station, `MX-${name}-${startNo++}`),
        may: (role) => name === 'own' && resourceRoles.startCase.includes(role as never),
      });
      for (const procedure of procedures) {
        const caseId = cases[station][procedure];
        probes.push({
          route: `GET /v1/cases/:caseId (${procedure})`,
          station: name,
          method: 'GET',
          url: casePath(caseId),
          may: (role) => name === 'own' && may(resourceRoles.readCases)(role),
        });
        for (const [type, fields] of Object.entries(sampleActions[procedure])) {
          probes.push({
            route: `POST actions ${procedure} ${type}`,
            station: name,
            method: 'POST',
            url: `${casePath(caseId)}/actions`,
            payload: () => ({ ...fields, type, actionId: randomUUID() }),
            may: (role) => name === 'own' && rolesForAction(procedure, type).includes(role),
          });
        }
      }
      probes.push({
        route: 'GET /v1/cases?stationId=',
        station: name,
        method: 'GET',
        url: `/v1/cases?stationId=${station}`,
        may: may(resourceRoles.readCases),
      });
      probes.push({
        route: 'POST /v1/notices/:id/redeliver',
        station: name,
        method: 'POST',
        url: `/v1/notices/${notices[station]}/redeliver`,
        payload: () => ({}),
        may: (role) => name === 'own' && may(resourceRoles.redeliverNotice)(role),
      });
    }
    probes.push(
      { route: 'GET /v1/cases', station: '-', method: 'GET', url: '/v1/cases', may: may(resourceRoles.readCases) },
      { route: 'GET /v1/cases/records-blocked', station: '-', method: 'GET', url: '/v1/cases/records-blocked', may: may(resourceRoles.readCases) },
      { route: 'GET /v1/notices', station: '-', method: 'GET', url: '/v1/notices?status=dead', may: may(resourceRoles.readNotices) },
      { route: 'GET /v1/obligations', station: '-', method: 'GET', url: '/v1/obligations?status=overdue', may: may(resourceRoles.readObligations) },
      { route: 'GET /v1/kpis', station: '-', method: 'GET', url: '/v1/kpis?from=2026-03-01&to=2026-03-31', may: may(resourceRoles.readKpis) },
      {
        route: 'GET /v1/kpis/:kpi/cases',
        station: '-',
        method: 'GET',
        url: '/v1/kpis/hazard-reinspection-on-time/cases?from=2026-03-01&to=2026-03-31',
        may: may(resourceRoles.readKpis),
      },
      { route: 'GET /v1/time/deadline', station: '-', method: 'GET', url: '/v1/time/deadline?rule=within-days&from=2026-09-28&n=3', may: () => true },
      { route: 'GET /v1/procedures', station: '-', method: 'GET', url: '/v1/procedures', may: () => true },
      { route: 'GET /v1/calendar/:year', station: '-', method: 'GET', url: '/v1/calendar/2026', may: () => true },
      {
        route: 'PUT /v1/calendar/:year',
        station: '-',
        method: 'PUT',
        url: '/v1/calendar/2098',
        payload: () => ({ holidays: [], workdays: [], source: `load ${randomUUID()}` }),
        may: may(resourceRoles.loadCalendar),
      },
    );
    // Every sample action passes its procedure's schema, so a refusal below is about the caller, never the body.
    for (const procedure of procedures) {
      for (const [type, fields] of Object.entries(sampleActions[procedure])) {
        expect(actionSchemas[procedure].safeParse({ ...fields, type, actionId: randomUUID(), actor: 'P-1' }).error).toBeUndefined();
      }
      expect(procedureOf(procedure).start.safeParse(sampleStart(procedure, own, 'X-1')).error).toBeUndefined();
    }

    for (const role of roles) {
      // The officer is the one the cases are assigned to (another officer's case is hidden: test/api/assignment.test.ts).
      const headers = await authHeader({ role, stationIds: [own], sub: role === 'officer' ? 'P-20931' : `U-${role}` });
      for (const probe of probes) {
        const received = t.temporal.received.length;
        const res = await t.app.inject({ method: probe.method, url: probe.url, payload: probe.payload?.() as object | undefined, headers });
        const expected = probe.may(role) ? 'allowed' : probe.station === 'other' && probe.route !== 'POST /v1/cases' ? 'hidden' : 'refused';
        const leak = foreign.some((id) => res.body.includes(id));
        // An action reaches the real case only past the API's checks; the case then takes it or refuses it (409) by
        // its own rules, which the role does not change.
        const reached = t.temporal.received.length > received;
        const isAction = probe.route.startsWith('POST actions');
        const ok =
          isAction && (expected === 'allowed') !== reached
            ? false
            : expected === 'allowed'
              ? (res.statusCode >= 200 && res.statusCode < 300) || (isAction && res.statusCode === 409 && res.json().error.code === 'action-rejected')
              : expected === 'hidden'
                ? // A case (or notice) of another station: 404 to every role, as if it did not exist.
                  probe.route.startsWith('GET /v1/cases?')
                  ? res.statusCode === 403 || (res.statusCode === 200 && res.json().cases.length === 0)
                  : res.statusCode === 404
                : [401, 403, 404].includes(res.statusCode);
        cells.push({ role, route: probe.route, station: probe.station, expected, status: res.statusCode, leak, ok });
        // A list a reader may see holds its own station's cases.
        if (expected === 'allowed' && probe.route === 'GET /v1/cases')
          expect(
            res
              .json()
              .cases.map((c: { caseId: string }) => c.caseId)
              .sort(),
          ).toEqual(expect.arrayContaining(ownCases));
        if (expected === 'allowed' && probe.route === 'GET /v1/cases/records-blocked')
          expect(res.json().cases).toHaveLength(ownCases.filter((id) => t.temporal.executions.get(id)?.status === 'RUNNING').length);
      }
    }
    for (const probe of probes) {
      const res = await t.app.inject({ method: probe.method, url: probe.url, payload: probe.payload?.() as object | undefined });
      anonymous.push({ route: probe.route, status: res.statusCode });
    }

    const leaks = cells.filter((c) => c.leak);
    const wrong = cells.filter((c) => !c.ok).map((c) => `${c.role} ${c.route} [${c.station}] expected ${c.expected}, got ${c.status}`);
    const allowed = cells.filter((c) => c.expected === 'allowed').length;
    console.log(
      `matrix: ${roles.length} roles × ${probes.length} route/action cells (own and other station) = ${cells.length} cells; ` +
        `${allowed} allowed, ${cells.length - allowed} refused or hidden; ${anonymous.length} anonymous cells all 401: ${anonymous.every((a) => a.status === 401)}; ` +
        `leaks: ${leaks.length}`,
    );
    expect(wrong).toEqual([]);
    expect(leaks).toEqual([]);
    expect(anonymous.filter((a) => a.status !== 401)).toEqual([]);
    // Every action type of every procedure is in the matrix, at both stations.
    const actionCells = probes.filter((p) => p.route.startsWith('POST actions')).length;
    expect(actionCells).toBe(2 * procedures.reduce((n, p) => n + Object.keys(procedureOf(p).actionRoles).length, 0));
  });

  test('a supervisor of every station reads and lists every case, and acts on none', async () => {
    const system = (station: string) => authHeader({ role: 'station-system', stationIds: [station], sub: 'SYS' });
    for (const station of [own, other]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/cases',
        payload: sampleStart('dispute', station, `SV-${station}`),
        headers: await system(station),
      });
      expect(res.statusCode).toBe(201);
      t.db.summaries.push({
        caseId: res.json().caseId,
        procedure: 'dispute',
        caseNumber: `SV-${station}`,
        stationId: station,
        officerId: 'P-1',
        status: 'open',
        overdueCount: 0,
      });
    }
    const headers = await authHeader({ role: 'supervisor', stationIds: ['*'], sub: 'SUP-1' });
    expect((await t.app.inject({ method: 'GET', url: '/v1/cases', headers })).json().cases).toHaveLength(2);
    expect((await t.app.inject({ method: 'GET', url: casePath(`dispute:SV-${other}`), headers })).statusCode).toBe(200);
    const act = await t.app.inject({
      method: 'POST',
      url: `${casePath(`dispute:SV-${other}`)}/actions`,
      headers,
      payload: { type: 'triaged', decision: 'intervene', actionId: randomUUID() },
    });
    expect(act.statusCode).toBe(403);
  });
});

describe('hardening', () => {
  test('a caller is answered 429 in the usual error body after the configured burst; another caller is not', async () => {
    const limited = await buildTestApp({ rateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const headers = await authHeader({ role: 'supervisor', stationIds: ['*'], sub: 'SUP-1' });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await limited.app.inject({ method: 'GET', url: '/v1/procedures', headers })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const refused = await limited.app.inject({ method: 'GET', url: '/v1/procedures', headers });
      expect(refused.json()).toEqual({ error: { code: 'rate-limited', message: expect.any(String) } });
      expect(refused.headers['retry-after']).toBeDefined();
      // Counted by the token's subject: another caller from the same address has its own allowance.
      const other = await authHeader({ role: 'officer', sub: 'P-2' });
      expect((await limited.app.inject({ method: 'GET', url: '/v1/procedures', headers: other })).statusCode).toBe(200);
      // Without a token, by address: the 401s count too, then 429.
      const anonymous: number[] = [];
      for (let i = 0; i < 5; i++)
        anonymous.push((await limited.app.inject({ method: 'GET', url: '/v1/cases', remoteAddress: '10.0.0.9' })).statusCode);
      expect(anonymous).toEqual([401, 401, 401, 429, 429]);
      // Health is not limited.
      for (let i = 0; i < 5; i++) expect((await limited.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await limited.app.close();
    }
  });

  test("every answer carries helmet's security headers; the docs page gets a policy that lets its own scripts run", async () => {
    for (const url of ['/healthz', '/v1/cases', '/docs/json']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    }
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'/);
    // The page runs no inline script: each of its scripts and styles is served from 'self', and is served.
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const assets = [...page.body.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect((await t.app.inject({ method: 'GET', url: `/docs/${asset}` })).statusCode).toBe(200);
  });

  test('bodies are limited by route: an action over 32 KiB is 413 before it reaches the case', async () => {
    const headers = await authHeader({ role: 'officer' });
    const big = { type: 'violation-reported', by: 'subject', description: 'x'.repeat(40 * 1024), actionId: randomUUID() };
    const res = await t.app.inject({ method: 'POST', url: `${casePath('bail-surveillance:XA-1')}/actions`, headers, payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBeDefined();
    const calendar = await t.app.inject({
      method: 'PUT',
      url: '/v1/calendar/2098',
      headers: await authHeader({ role: 'admin', stationIds: [], sub: 'ADM-1' }),
      payload: { holidays: [], workdays: [], source: 'x'.repeat(70 * 1024) },
    });
    expect(calendar.statusCode).toBe(413);
  });
});
