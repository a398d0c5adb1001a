/**
 * The supervisor's reads over HTTP, on the real PostgreSQL read model: the case and duty lists paged over 1,200 cases
 * and the rates over hand-counted duties, each for the roles and stations that may read them; bad parameters are a
 * 400 naming the field.
 */
import { createRepository } from '../../src/db/repository';
import { buildTestApp, type TestApp } from '../helper';
import { authHeader, type Caller } from '../support/auth';
import { bailStart } from '../support/cases';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { kpiFixture } from '../support/kpi-fixture';
import { insertCases, listFixture } from '../support/read-model';

let db: FreshDatabase;
let t: TestApp;
const fixture = listFixture(1200);

beforeAll(async () => {
  db = await freshDatabase('supervisor_api');
  await insertCases(db.pool, [...fixture, ...kpiFixture]);
  t = await buildTestApp({ repository: createRepository(db.pool) });
});

afterAll(async () => {
  await t?.app.close();
  await db?.drop();
});

const supervisor: Caller = { role: 'supervisor', stationIds: ['*'], sub: 'SUP-1' };
const leaderS01: Caller = { role: 'station-leader', stationIds: ['S-01'], sub: 'L-01' };
const officerS01: Caller = { role: 'officer', stationIds: ['S-01'], sub: 'P-1' };
const get = async (url: string, caller: Caller) => t.app.inject({ method: 'GET', url, headers: await authHeader(caller) });

async function allPages<T>(url: string, caller: Caller, field: string): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const res = await get(`${url}${url.includes('?') ? '&' : '?'}${cursor ? `cursor=${cursor}&` : ''}limit=200`, caller);
    expect(res.statusCode).toBe(200);
    rows.push(...res.json()[field]);
    cursor = res.json().nextCursor;
    pages++;
  } while (cursor);
  return { rows, pages };
}

describe('GET /v1/cases', () => {
  test('a supervisor of every station pages through all 1,217 cases; a station leader through S-01’s only', async () => {
    const all = await allPages<{ caseId: string }>('/v1/cases', supervisor, 'cases');
    expect(all.rows).toHaveLength(1200 + kpiFixture.length);
    expect(new Set(all.rows.map((c) => c.caseId)).size).toBe(all.rows.length);
    expect(all.pages).toBe(7);

    const own = await allPages<{ stationId: string }>('/v1/cases', leaderS01, 'cases');
    const s01 = [...fixture, ...kpiFixture].filter((c) => c.stationId === 'S-01').length;
    expect(own.rows).toHaveLength(s01);
    expect(own.rows.every((c) => c.stationId === 'S-01')).toBe(true);
  });

  test('the answer keeps its shape: cases, each with its head, and a nextCursor while more follow', async () => {
    const res = await get('/v1/cases?stationId=S-01&overdue=true&status=open&limit=2', leaderS01);
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json()).sort()).toEqual(['cases', 'nextCursor']);
    expect(res.json().cases[0]).toEqual({
      caseId: expect.any(String),
      procedure: expect.any(String),
      caseNumber: expect.any(String),
      stationId: 'S-01',
      officerId: expect.any(String),
      status: 'open',
      nextDueAt: expect.stringMatching(/^2026-03-\d\dT\d\d:00:00\+08:00$/),
      overdueCount: expect.any(Number),
    });
  });

  test('another station is an empty list, as before; the officer reads its own station', async () => {
    const other = await get('/v1/cases?stationId=S-02', leaderS01);
    expect(other.statusCode).toBe(200);
    expect(other.json()).toEqual({ cases: [] });
    const officer = await get('/v1/cases?officerId=P-1&stuck=true&limit=500', officerS01);
    expect(officer.statusCode).toBe(200);
    expect(officer.json().cases.every((c: { stationId: string; officerId: string }) => c.stationId === 'S-01' && c.officerId === 'P-1')).toBe(true);
  });

  test('stuck: a case whose records are blocked is stuck when Temporal says so, though the read model does not know', async () => {
    const start = bailStart(Date.now(), { stationId: 'S-09' });
    const started = await t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      payload: start,
      headers: await authHeader({ role: 'station-system', stationIds: ['S-09'], sub: 'SYS-09' }),
    });
    expect(started.statusCode).toBe(201);
    const caseId: string = started.json().caseId;
    await insertCases(db.pool, [{ caseId, stationId: 'S-09', nextDueAt: '2099-01-01T00:00:00.000Z' }]);
    const listed = async (stuck: boolean) =>
      (await get(`/v1/cases?stationId=S-09&stuck=${stuck}`, supervisor)).json().cases.map((c: { caseId: string }) => c.caseId);
    expect(await listed(true)).toEqual([]);
    expect(await listed(false)).toEqual([caseId]);

    t.temporal.blockRecords(caseId, new Date('2026-03-10T00:00:00Z'));
    expect(await listed(true)).toEqual([caseId]);
    expect(await listed(false)).toEqual([]);
  });

  test.each([
    ['overdue=yes', 'querystring.overdue'],
    ['stuck=1', 'querystring.stuck'],
    ['dueBefore=2026-03-05', 'querystring.dueBefore'],
    ['cursor=not-a-cursor', 'querystring.cursor'],
    [`cursor=${Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url')}`, 'querystring.cursor'],
    ['limit=501', 'querystring.limit'],
  ])('?%s is a 400 naming %s', async (query, field) => {
    const res = await get(`/v1/cases?${query}`, supervisor);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.map((f: { path: string }) => f.path)).toEqual([field]);
  });
});

describe('GET /v1/obligations', () => {
  test('overdue duties of S-01, paged, soonest due first; another station’s leader sees none of them', async () => {
    const { rows } = await allPages<{ stationId: string; status: string; dueAt: string }>(
      '/v1/obligations?status=overdue&stationId=S-01',
      supervisor,
      'obligations',
    );
    const expected =
      fixture.filter((c) => c.stationId === 'S-01' && c.duties![0].status === 'overdue').length +
      kpiFixture
        .filter((c) => c.stationId === 'S-01')
        .flatMap((c) => c.duties ?? [])
        .filter((d) => d.status === 'overdue').length;
    expect(rows).toHaveLength(expected);
    expect(rows.every((d) => d.stationId === 'S-01' && d.status === 'overdue')).toBe(true);
    const dues = rows.map((d) => Date.parse(d.dueAt));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));

    const leaderS02: Caller = { role: 'station-leader', stationIds: ['S-02'], sub: 'L-02' };
    expect((await get('/v1/obligations?status=overdue&stationId=S-01', leaderS02)).json()).toEqual({ obligations: [] });
  });

  test('a status it does not know is a 400 naming status', async () => {
    const res = await get('/v1/obligations?status=late', supervisor);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.map((f: { path: string }) => f.path)).toEqual(['querystring.status']);
  });
});

describe('GET /v1/kpis', () => {
  const march = 'from=2026-03-01&to=2026-03-31';
  const rate = (body: { kpis: Array<{ id: string }> }, id: string) => body.kpis.find((k) => k.id === id);

  test('a supervisor of every station: re-inspection 3 of 6 on time (0.5 against 0.95), with its article and the completion time it counts', async () => {
    const res = await get(`/v1/kpis?${march}`, supervisor);
    expect(res.statusCode).toBe(200);
    expect(res.json().completionTime.counts).toBe('reported');
    expect(rate(res.json(), 'hazard-reinspection-on-time')).toEqual({
      id: 'hazard-reinspection-on-time',
      titleZh: '隐患整改按期复查率',
      titleEn: 'Hazard rectifications re-inspected on time',
      article: '62(2)',
      counts: 'on-time',
      target: 0.95,
      targetBasis: 'Art. 62(2): 隐患整改按期复查率百分之九十五以上',
      numerator: 3,
      denominator: 6,
      value: 0.5,
      meetsTarget: false,
      onTime: 3,
      late: 1,
      missed: 2,
    });
  });

  test('the leader of S-01: 2 of 5; the reporting rate counts the late report; a rate without a target says why', async () => {
    const res = await get(`/v1/kpis?${march}&stationId=S-01`, leaderS01);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ stationId: 'S-01', from: '2026-03-01', to: '2026-03-31' });
    expect(rate(res.json(), 'hazard-reinspection-on-time')).toMatchObject({ numerator: 2, denominator: 5, value: 0.4 });
    expect(rate(res.json(), 'hazard-failure-reported')).toMatchObject({ numerator: 1, denominator: 2, value: 0.5, target: 1, meetsTarget: false });
    expect(rate(res.json(), 'hazard-filing-on-time')).toMatchObject({ numerator: 1, denominator: 2, value: 0.5, target: null, meetsTarget: null });
    expect(rate(res.json(), 'bail-feedback-on-time')).toMatchObject({ numerator: 0, denominator: 0, value: null, target: null });
    expect((rate(res.json(), 'bail-feedback-on-time') as unknown as { targetBasis: string }).targetBasis).toContain('no rate');
  });

  test('the duties behind a number: the two missed re-inspections of S-01', async () => {
    const res = await get(`/v1/kpis/hazard-reinspection-on-time/cases?${march}&stationId=S-01&outcome=missed`, leaderS01);
    expect(res.statusCode).toBe(200);
    expect(res.json().duties.map((d: { caseId: string; outcome: string }) => `${d.caseId} ${d.outcome}`)).toEqual([
      'hazard-rectification:K-H3 missed',
      'hazard-rectification:K-H4 missed',
    ]);
  });

  test('another station is not found; an officer and the station system may not read rates', async () => {
    expect((await get(`/v1/kpis?${march}&stationId=S-02`, leaderS01)).statusCode).toBe(404);
    expect((await get(`/v1/kpis/hazard-reinspection-on-time/cases?${march}&stationId=S-02`, leaderS01)).statusCode).toBe(404);
    expect((await get(`/v1/kpis?${march}`, officerS01)).statusCode).toBe(403);
    expect((await get(`/v1/kpis?${march}`, { role: 'station-system', stationIds: ['S-01'], sub: 'SYS-01' })).statusCode).toBe(403);
  });

  test.each([
    ['/v1/kpis?from=2026-03-01', 'querystring.to'],
    ['/v1/kpis?from=2026-03-31&to=2026-03-01', 'querystring.to'],
    ['/v1/kpis?from=March&to=2026-03-31', 'querystring.from'],
    ['/v1/kpis/on-time-everything/cases?from=2026-03-01&to=2026-03-31', 'params.kpi'],
    ['/v1/kpis/hazard-reinspection-on-time/cases?from=2026-03-01&to=2026-03-31&outcome=excluded', 'querystring.outcome'],
  ])('%s is a 400 naming %s', async (url, field) => {
    const res = await get(url, supervisor);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.map((f: { path: string }) => f.path)).toEqual([field]);
  });
});
