/**
 * The audit log through the API, on the real PostgreSQL (a database of its own, reached as a least-privilege login role
 * in beatflow_app) and the fake Temporal: who may read a case's chain, and the rows the API writes for refused
 * attempts, rejected actions, unmasked reads and calendar loads. The verified caller comes from a bearer token, signed
 * with the tests' secret; an answer carried personal data unmasked when a test-only hook says so.
 */
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Client, Pool } from 'pg';
import pino from 'pino';
import { insertAuditRow } from '../support/rows';
import { app as apiApp, serverOptions } from '../../src/api/app';
import { mintToken } from '../../src/api/tokens';
import type { Principal } from '../../src/domain/roles';
import { FakeTemporal } from '../helper';
import { appRole, type AppRole } from '../support/app-role';
import { testAuth, testSecret } from '../support/auth';
import { action, bailStart } from '../support/cases';
import { type FreshDatabase, freshDatabase } from '../support/database';

let db: FreshDatabase;
let role: AppRole;
let pool: Pool;
let api: FastifyInstance;
let temporal: FakeTemporal;
const logLines: Array<{ level: number; msg: string; audit?: string }> = [];

const leader: Principal = { sub: 'L-0101', roles: ['station-leader'], stationIds: ['S-01'] };
const otherLeader: Principal = { sub: 'L-0202', roles: ['station-leader'], stationIds: ['S-02'] };
const officer: Principal = { sub: 'P-20931', roles: ['officer'], stationIds: ['S-01'] };
const supervisor: Principal = { sub: 'C-0001', roles: ['supervisor'], stationIds: ['*'] };
const admin: Principal = { sub: 'A-0001', roles: ['admin'], stationIds: [] };

beforeAll(async () => {
  db = await freshDatabase('audit_api');
  role = await appRole(db.url);
  pool = new Pool({ connectionString: role.url, max: 4 });
  temporal = new FakeTemporal(() => undefined);
  const log = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  api = Fastify(serverOptions(pino({ level: 'info' }, log)));
  await api.register(
    fp(
      async (instance) => {
        instance.decorate('temporal', temporal.client);
        instance.decorate('taskQueue', 'fake-queue');
      },
      { name: 'temporal' },
    ),
  );
  // Test-only: an answer that carried personal data unmasked, as the masking sets it.
  api.addHook('onRequest', async (request) => {
    if (request.headers['x-test-unmasked']) request.unmasked = true;
  });
  await api.register(apiApp, { db: { pool }, auth: testAuth });
  await api.ready();
});

afterAll(async () => {
  await api?.close();
  await pool?.end();
  await db?.drop();
  await role?.drop();
});

/** The headers of a request by `principal`: its bearer token. */
const as = async (principal?: Principal, extra: Record<string, string> = {}) => ({
  ...(principal
    ? {
        authorization: `Bearer ${await mintToken({ secret: testSecret, issuer: testAuth.issuer, audience: testAuth.audience, ttlSeconds: 600, ...principal })}`,
      }
    : {}),
  ...extra,
});
const auditPath = (caseId: string) => `/v1/cases/${encodeURIComponent(caseId)}/audit`;

/** A case of station S-01 in the fake Temporal and in the read model, with two accepted actions in its chain. */
async function caseOfStation1(): Promise<string> {
  const start = bailStart(Date.now());
  const res = await api.inject({
    method: 'POST',
    url: '/v1/cases',
    payload: start,
    headers: await as({ sub: 'SYS-01', roles: ['station-system'], stationIds: ['S-01'] }),
  });
  expect(res.statusCode).toBe(201);
  const caseId = res.json().caseId as string;
  await db.pool.query(
    `INSERT INTO cases (case_id, procedure, case_number, station_id, officer_id, status, started_at, revision, view)
     VALUES ($1, 'bail-surveillance', $2, 'S-01', 'P-20931', 'open', now(), 1, '{}')`,
    [caseId, start.caseNumber],
  );
  for (const type of ['subject-reported', 'rules-explained']) {
    await insertAuditRow(pool, { caseId, actionId: `${type}-1`, type, actor: 'P-20931', at: Date.now(), receivedAt: Date.now(), payload: { type } });
  }
  return caseId;
}

/** The rows the API wrote (every kind but accepted actions), oldest first, once the requests answered wrote theirs. */
async function accessRows(where: string, params: unknown[]) {
  await api.auditWritten();
  const { rows } = await db.pool.query(
    `SELECT kind, chain, case_id, type, actor, payload FROM audit_log WHERE kind <> 'action' AND ${where} ORDER BY id`,
    params,
  );
  return rows;
}

describe('GET /v1/cases/:caseId/audit', () => {
  test("the station's leader reads the case's rows in order, and the chain verifies", async () => {
    const caseId = await caseOfStation1();
    const res = await api.inject({ method: 'GET', url: auditPath(caseId), headers: await as(leader) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.chain).toEqual({ verified: true, rows: 2 });
    expect(body.rows.map((r: { kind: string; type: string; actor: string }) => [r.kind, r.type, r.actor])).toEqual([
      ['action', 'subject-reported', 'P-20931'],
      ['action', 'rules-explained', 'P-20931'],
    ]);
    expect(body.rows[1].prevHash).toBe(body.rows[0].hash);
  });

  test('a supervisor of every station reads it; once a superuser alters a row behind the triggers, the first broken row is named', async () => {
    const caseId = await caseOfStation1();
    const { rows } = await db.pool.query<{ id: string }>('SELECT id::text FROM audit_log WHERE case_id = $1 ORDER BY id', [caseId]);
    const intruder = new Client({ connectionString: db.url });
    await intruder.connect();
    await intruder.query('SET session_replication_role = replica');
    await intruder.query(`UPDATE audit_log SET actor = 'P-99999' WHERE id = $1`, [rows[1].id]);
    await intruder.end();
    const res = await api.inject({ method: 'GET', url: auditPath(caseId), headers: await as(supervisor) });
    expect(res.statusCode).toBe(200);
    expect(res.json().chain).toEqual({ verified: false, rows: 2, firstBrokenId: rows[1].id });
  });

  test('without a verified caller it is refused, and nothing is written: there is no one to name', async () => {
    const caseId = await caseOfStation1();
    const res = await api.inject({ method: 'GET', url: auditPath(caseId) });
    expect(res.statusCode).toBe(401);
    expect(await accessRows('case_id = $1', [caseId])).toEqual([]);
  });

  test('an officer of the station: 403, and one refused row naming the officer', async () => {
    const caseId = await caseOfStation1();
    const res = await api.inject({ method: 'GET', url: auditPath(caseId), headers: await as(officer) });
    expect(res.statusCode).toBe(403);
    expect(await accessRows('case_id = $1', [caseId])).toEqual([
      {
        kind: 'refused',
        chain: caseId,
        case_id: caseId,
        type: null,
        actor: 'P-20931',
        payload: {
          method: 'GET',
          route: '/v1/cases/:caseId/audit',
          status: 403,
          reason: 'role',
          message: "a case's audit log is read by its station's leader or a supervisor",
        },
      },
    ]);
  });

  test("another station's leader: 404 as for no case at all; the refusal joins the access chain, naming the case, not the case's chain", async () => {
    const caseId = await caseOfStation1();
    const res = await api.inject({ method: 'GET', url: auditPath(caseId), headers: await as(otherLeader) });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('case-not-found');
    expect(await accessRows('case_id = $1', [caseId])).toEqual([]);
    expect(await accessRows(`chain = 'access' AND payload->>'caseId' = $1`, [caseId])).toMatchObject([
      { kind: 'refused', actor: 'L-0202', case_id: null, payload: { status: 404, reason: 'station', caseId } },
    ]);
    // the case's own chain, as its leader reads it, holds its own events only
    const chain = (await api.inject({ method: 'GET', url: auditPath(caseId), headers: await as(leader) })).json();
    expect(chain.chain).toEqual({ verified: true, rows: 2 });
  });

  test('a case that does not exist: 404', async () => {
    const res = await api.inject({ method: 'GET', url: auditPath('bail-surveillance:NO-SUCH-CASE'), headers: await as(supervisor) });
    expect(res.statusCode).toBe(404);
  });
});

describe('what the API records', () => {
  test("a refused attempt on another station's case (404 to its caller): one row in the access chain, the case, the route and the reason, no body", async () => {
    const caseId = await caseOfStation1();
    const res = await api.inject({
      method: 'POST',
      url: `/v1/cases/${encodeURIComponent(caseId)}/actions`,
      headers: await as(otherLeader),
      payload: action({ type: 'subject-reported', actor: 'L-0202' }),
    });
    expect(res.statusCode).toBe(404);
    expect(await accessRows('case_id = $1', [caseId])).toEqual([]);
    expect(await accessRows(`chain = 'access' AND payload->>'caseId' = $1`, [caseId])).toEqual([
      {
        kind: 'refused',
        chain: 'access',
        case_id: null,
        type: 'subject-reported',
        actor: 'L-0202',
        payload: { method: 'POST', route: '/v1/cases/:caseId/actions', status: 404, reason: 'station', message: 'no such case', caseId },
      },
    ]);
  });

  test("every answer under /v1 says no-store; the request's log line names the caller's subject and address, never the body", async () => {
    const caseId = await caseOfStation1();
    logLines.length = 0;
    const res = await api.inject({
      method: 'GET',
      url: `/v1/cases/${encodeURIComponent(caseId)}`,
      headers: await as(leader),
      remoteAddress: '10.1.2.3',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    await api.auditWritten();
    await new Promise((resolve) => setImmediate(resolve));
    expect(logLines.filter((l) => l.msg === 'request')).toEqual([
      expect.objectContaining({ method: 'GET', route: '/v1/cases/:caseId', status: 200, caseId, sub: 'L-0101', ip: '10.1.2.3' }),
    ]);
    expect(JSON.stringify(logLines)).not.toContain('张三');
  });

  test("a refusal outside any case goes to the 'access' chain", async () => {
    const res = await api.inject({ method: 'PUT', url: '/v1/calendar/2031', headers: await as(officer), payload: {} });
    expect(res.statusCode).toBe(403);
    expect(await accessRows(`chain = 'access' AND actor = $1`, [officer.sub])).toEqual([
      {
        kind: 'refused',
        chain: 'access',
        case_id: null,
        type: null,
        actor: 'P-20931',
        payload: {
          method: 'PUT',
          route: '/v1/calendar/:year',
          status: 403,
          reason: 'role',
          year: 2031,
          message: 'loading the calendar needs the role admin',
        },
      },
    ]);
  });

  test('GET /v1/audit/access: a supervisor of every station and an admin read it, verified; a station leader or a supervisor of one station is refused', async () => {
    const caseId = await caseOfStation1();
    await api.inject({ method: 'GET', url: auditPath(caseId), headers: await as(otherLeader) });
    for (const reader of [supervisor, admin]) {
      const res = await api.inject({ method: 'GET', url: '/v1/audit/access', headers: await as(reader) });
      expect(res.statusCode).toBe(200);
      expect(res.json().chain.verified).toBe(true);
      expect(res.json().rows).toContainEqual(
        expect.objectContaining({ kind: 'refused', actor: 'L-0202', payload: expect.objectContaining({ caseId }) }),
      );
    }
    const stationSupervisor: Principal = { sub: 'C-0101', roles: ['supervisor'], stationIds: ['S-01'] };
    for (const reader of [leader, stationSupervisor]) {
      expect((await api.inject({ method: 'GET', url: '/v1/audit/access', headers: await as(reader) })).statusCode).toBe(403);
    }
    expect((await api.inject({ method: 'GET', url: '/v1/audit/cases', headers: await as(admin) })).statusCode).toBe(400);
  });

  test("an action the case rejects: 409 and one row with the action's type; the actor is the caller", async () => {
    const caseId = await caseOfStation1();
    // Feedback before the subject has reported: the case refuses it.
    const res = await api.inject({
      method: 'POST',
      url: `/v1/cases/${encodeURIComponent(caseId)}/actions`,
      headers: await as(officer),
      payload: action({ type: 'feedback-sent' }),
    });
    expect(res.statusCode).toBe(409);
    await api.auditWritten();
    // The role the caller acted in: the officer's, the role the action type names for it.
    expect((await db.pool.query(`SELECT role FROM audit_log WHERE kind = 'refused' AND case_id = $1`, [caseId])).rows).toEqual([{ role: 'officer' }]);
    expect(await accessRows('case_id = $1', [caseId])).toEqual([
      {
        kind: 'refused',
        chain: caseId,
        case_id: caseId,
        type: 'feedback-sent',
        actor: 'P-20931',
        payload: {
          method: 'POST',
          route: '/v1/cases/:caseId/actions',
          status: 409,
          reason: 'action-rejected',
          message: 'feedback is due only after the subject has reported',
        },
      },
    ]);
  });

  test('an action accepted is not recorded by the API (the case writes it), only the unmasked answer; a rejection without a verified caller is not either', async () => {
    const caseId = await caseOfStation1();
    const accepted = await api.inject({
      method: 'POST',
      url: `/v1/cases/${encodeURIComponent(caseId)}/actions`,
      headers: await as(officer),
      payload: action({ type: 'subject-reported' }),
    });
    expect(accepted.statusCode).toBe(200);
    const anonymous = await api.inject({
      method: 'POST',
      url: `/v1/cases/${encodeURIComponent(caseId)}/actions`,
      payload: action({ type: 'feedback-sent' }),
    });
    expect(anonymous.statusCode).toBe(401);
    // The one row is the officer's read of the subject in the answer (unmasked for an officer), not the action itself.
    expect(await accessRows('case_id = $1', [caseId])).toEqual([
      {
        kind: 'unmasked-read',
        chain: caseId,
        case_id: caseId,
        type: null,
        actor: 'P-20931',
        payload: { method: 'POST', route: '/v1/cases/:caseId/actions', status: 200 },
      },
    ]);
  });

  test('a read that carried personal data unmasked: one row naming the reader and the case', async () => {
    const caseId = await caseOfStation1();
    const res = await api.inject({
      method: 'GET',
      url: `/v1/cases/${encodeURIComponent(caseId)}`,
      headers: await as(leader, { 'x-test-unmasked': '1' }),
    });
    expect(res.statusCode).toBe(200);
    expect(await accessRows('case_id = $1', [caseId])).toEqual([
      {
        kind: 'unmasked-read',
        chain: caseId,
        case_id: caseId,
        type: null,
        actor: 'L-0101',
        payload: { method: 'GET', route: '/v1/cases/:caseId', status: 200 },
      },
    ]);
  });

  test("a calendar load: one row in the 'calendar' chain with who, which year and which version", async () => {
    const year = { holidays: [{ from: '2032-10-01', to: '2032-10-07', name: '国庆节' }], workdays: [], source: 'State Council notice' };
    const first = await api.inject({ method: 'PUT', url: '/v1/calendar/2032', headers: await as(admin), payload: year });
    expect(first.statusCode).toBe(202);
    const again = await api.inject({ method: 'PUT', url: '/v1/calendar/2032', headers: await as(admin), payload: year });
    expect(again.statusCode).toBe(202);
    const rows = await accessRows(`kind = 'calendar-loaded' AND payload->>'year' = '2032'`, []);
    expect(rows).toEqual([
      {
        kind: 'calendar-loaded',
        chain: 'calendar',
        case_id: null,
        type: null,
        actor: 'A-0001',
        payload: { method: 'PUT', route: '/v1/calendar/:year', status: 202, year: 2032, version: 1, changed: true },
      },
      {
        kind: 'calendar-loaded',
        chain: 'calendar',
        case_id: null,
        type: null,
        actor: 'A-0001',
        payload: { method: 'PUT', route: '/v1/calendar/:year', status: 202, year: 2032, version: 1, changed: false },
      },
    ]);
  });

  test('a write of the log that fails is logged, and the answer stands', async () => {
    const record = jest.spyOn(api.db.audit, 'record').mockRejectedValueOnce(Object.assign(new Error('connection lost'), { code: '57P01' }));
    try {
      const year = { holidays: [{ from: '2033-10-01', to: '2033-10-07', name: '国庆节' }], workdays: [], source: 'State Council notice' };
      const res = await api.inject({ method: 'PUT', url: '/v1/calendar/2033', headers: await as(admin), payload: year });
      expect(res.statusCode).toBe(202);
      await api.auditWritten();
      expect(record).toHaveBeenCalledTimes(1);
      expect(logLines.filter((l) => l.msg === 'audit log write failed')).toMatchObject([{ level: 50, audit: 'calendar-loaded' }]);
    } finally {
      record.mockRestore();
    }
  });
});
