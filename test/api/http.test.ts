import { Writable } from 'node:stream';
import pino from 'pino';
import { redactedPaths } from '../../src/logger';
import { procedures } from '../../src/domain/procedures';
import { buildTestApp, FakeRepository, type TestApp } from '../helper';
import { action, bailStart, deprivedStart } from '../support/cases';

let t: TestApp;

beforeEach(async () => {
  t = await buildTestApp();
});

afterEach(async () => {
  await t.app.close();
});

const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, payload: payload as object });
const put = (url: string, payload: unknown) => t.app.inject({ method: 'PUT', url, payload: payload as object });
const get = (url: string) => t.app.inject({ method: 'GET', url });
const casePath = (caseId: string) => `/v1/cases/${encodeURIComponent(caseId)}`;
const fieldPaths = (body: { error: { fields: Array<{ path: string }> } }) => body.error.fields.map((f) => f.path);

async function startedCase() {
  const start = bailStart(Date.now());
  const res = await post('/v1/cases', start);
  expect(res.statusCode).toBe(201);
  return { start, caseId: res.json().caseId as string };
}

describe('POST /v1/cases', () => {
  test('a new case is 201 with its location; the same request again 200; the same case number with other content 409', async () => {
    const start = bailStart(Date.now());
    const first = await post('/v1/cases', start);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ caseId: `bail-surveillance:${start.caseNumber}`, created: true });
    expect(first.headers.location).toBe(casePath(`bail-surveillance:${start.caseNumber}`));

    const again = await post('/v1/cases', { ...start });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ caseId: first.json().caseId, created: false });

    const other = await post('/v1/cases', { ...start, officerId: 'P-99999' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toEqual({ code: 'case-conflict', message: `case ${start.caseNumber} already exists with other content` });
    expect(t.temporal.executions.size).toBe(1);
  });

  test('rejects a bad start with 400 naming each bad field, and starts nothing', async () => {
    const start = bailStart(Date.now(), { termEnd: '2099-01-01' });
    const res = await post('/v1/cases', { ...start, stationId: 'bad id with spaces', measure: 'house-arrest' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid-request');
    expect(fieldPaths(res.json())).toEqual(expect.arrayContaining(['body.stationId', 'body.measure']));

    const tooLong = await post('/v1/cases', bailStart(Date.now(), { termStart: '2027-01-01', termEnd: '2028-01-01' }));
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.message).toMatch(/may not exceed 12 months/);

    const unknownProcedure = await post('/v1/cases', { ...start, procedure: 'parking-ticket' });
    expect(unknownProcedure.statusCode).toBe(400);
    expect(fieldPaths(unknownProcedure.json())).toContain('body.procedure');
    expect(t.temporal.executions.size).toBe(0);
  });
});

describe('GET /v1/cases/:caseId', () => {
  test('answers the case view; a case never started is 404; an id too short to be one is 400 naming it', async () => {
    const { caseId } = await startedCase();
    const res = await get(casePath(caseId));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ caseId, procedure: 'bail-surveillance', status: 'open' });

    const unknown = await get(casePath('bail-surveillance:NO-SUCH-CASE'));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({ error: { code: 'case-not-found', message: 'no such case' } });

    const short = await get('/v1/cases/ab');
    expect(short.statusCode).toBe(400);
    expect(fieldPaths(short.json())).toEqual(['params.caseId']);
  });
});

describe('POST /v1/cases/:caseId/actions', () => {
  test('a case id too short to be one is 400 naming it, with the usual error body', async () => {
    const res = await post('/v1/cases/ab/actions', action({ type: 'subject-reported' }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'invalid-request',
        message: expect.stringContaining('params.caseId'),
        fields: [{ path: 'params.caseId', message: expect.any(String) }],
      },
    });
  });

  test("malformed → 400 naming the fields of the case's own procedure, and the case is unchanged", async () => {
    const { caseId } = await startedCase();
    const malformed = await post(`${casePath(caseId)}/actions`, {
      type: 'compliance-checked',
      actionId: 'not-a-uuid',
      actor: 'P-1',
      month: '2026-13',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('invalid-request');
    expect(fieldPaths(malformed.json())).toEqual(expect.arrayContaining(['actionId', 'month', 'compliant']));

    const otherProcedure = await post(`${casePath(caseId)}/actions`, action({ type: 'hazard-filed' }));
    expect(otherProcedure.statusCode).toBe(400);

    const noBody = await t.app.inject({ method: 'POST', url: `${casePath(caseId)}/actions` });
    expect(noBody.statusCode).toBe(400);
    expect((await get(casePath(caseId))).json().records).toEqual({ actions: [] });
  });

  test('a case of no known procedure, or never started, is 404', async () => {
    const noProcedure = await post(`${casePath('no-such-procedure:1')}/actions`, action({ type: 'subject-reported' }));
    expect(noProcedure.statusCode).toBe(404);
    expect(noProcedure.json()).toEqual({ error: { code: 'case-not-found', message: 'no such case' } });

    const neverStarted = await post(`${casePath('bail-surveillance:NO-SUCH-CASE')}/actions`, action({ type: 'subject-reported' }));
    expect(neverStarted.statusCode).toBe(404);
    expect(neverStarted.json().error.code).toBe('case-not-found');
  });

  test("an action the case refuses is 409 with the case's reason; an actionId reused for another action is 409 action-id-reused", async () => {
    const { caseId } = await startedCase();
    t.temporal.refuse = (a) => (a.type === 'feedback-sent' ? 'feedback is due only after the subject has reported' : undefined);
    const refused = await post(`${casePath(caseId)}/actions`, action({ type: 'feedback-sent' }));
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toEqual({ error: { code: 'action-rejected', message: 'feedback is due only after the subject has reported' } });

    const report = action({ type: 'subject-reported' });
    const accepted = await post(`${casePath(caseId)}/actions`, report);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().records).toEqual({ actions: ['subject-reported'] });
    const reused = await post(`${casePath(caseId)}/actions`, { ...report, type: 'feedback-sent' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('action-id-reused');
  });

  test('on a closed case, a retry of an accepted action is answered as a duplicate and a new action is 409', async () => {
    const { caseId } = await startedCase();
    const decided = action({ type: 'authority-decided', decision: 'revoked' });
    expect((await post(`${casePath(caseId)}/actions`, decided)).statusCode).toBe(200);
    t.temporal.close(caseId, 'revoked');

    const retry = await post(`${casePath(caseId)}/actions`, decided);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ caseId, status: 'closed', outcome: 'revoked', duplicate: true });

    const late = await post(`${casePath(caseId)}/actions`, action({ type: 'subject-reported' }));
    expect(late.statusCode).toBe(409);
    expect(late.json()).toEqual({ error: { code: 'action-rejected', message: 'the case is closed' } });
  });
});

describe('GET /v1/cases', () => {
  const summary = (caseId: string, stationId: string, nextDueAt?: string) => ({
    caseId,
    procedure: 'bail-surveillance' as const,
    caseNumber: caseId.split(':')[1],
    stationId,
    officerId: 'P-20931',
    status: 'open' as const,
    nextDueAt,
    overdueCount: 0,
  });

  test("lists a station's cases from the read model, soonest deadline first", async () => {
    t.db.summaries.push(
      summary('bail-surveillance:A', 'S-01'),
      summary('bail-surveillance:B', 'S-01', '2026-05-01T23:59:59+08:00'),
      summary('bail-surveillance:C', 'S-02', '2026-04-01T23:59:59+08:00'),
      summary('bail-surveillance:D', 'S-01', '2026-04-15T23:59:59+08:00'),
    );
    const res = await get('/v1/cases?stationId=S-01&status=open');
    expect(res.statusCode).toBe(200);
    expect(res.json().cases.map((c: { caseId: string }) => c.caseId)).toEqual(['bail-surveillance:D', 'bail-surveillance:B', 'bail-surveillance:A']);
    expect(res.json().cases[0]).toEqual(summary('bail-surveillance:D', 'S-01', '2026-04-15T23:59:59+08:00'));
    expect((await get('/v1/cases?limit=1')).json().cases).toHaveLength(1);
  });

  test('a bad filter is 400 naming it', async () => {
    const res = await get('/v1/cases?status=pending&limit=0');
    expect(res.statusCode).toBe(400);
    expect(fieldPaths(res.json()).sort()).toEqual(['querystring.limit', 'querystring.status']);
  });
});

describe('GET /v1/time/deadline', () => {
  test('within-days n=3 from 2026-09-28 ends 2026-10-08, naming the National Day holiday days it skipped', async () => {
    const res = await get('/v1/time/deadline?rule=within-days&from=2026-09-28&n=3');
    expect(res.statusCode).toBe(200);
    expect(res.json().due).toBe('2026-10-08T23:59:59+08:00');
    expect(res.json().explanation.join('\n')).toMatch(/2026-10-01.*National Day/);
  });

  test('a year without calendar data carries a warning; bad parameters are 400', async () => {
    const res = await get('/v1/time/deadline?rule=days-before&from=2027-11-30&n=10');
    expect(res.json()).toMatchObject({ due: '2027-11-19T23:59:59+08:00', warnings: [expect.stringContaining('2027')] });
    const bad = await get('/v1/time/deadline?rule=someday&from=yesterday&n=-1');
    expect(bad.statusCode).toBe(400);
    expect(fieldPaths(bad.json()).sort()).toEqual(['querystring.from', 'querystring.n', 'querystring.rule']);
  });
});

describe('the working-day calendar', () => {
  test('a bad year is refused with 400 naming the fault, and nothing is stored', async () => {
    const good = { holidays: [{ from: '2098-01-01', to: '2098-01-01', name: 'New Year' }], workdays: [], source: 'test' };
    const faults: Array<[string, unknown, RegExp]> = [
      ['2098', { ...good, holidays: [{ from: '2097-12-31', to: '2098-01-01', name: 'New Year' }] }, /2097-12-31.*2098|outside/],
      ['2098', { ...good, workdays: ['2098-01-01'] }, /2098-01-01/],
      ['2098', { ...good, holidays: [...good.holidays, { from: '2098-01-01', to: '2098-01-03', name: 'Overlap' }] }, /2098-01-01/],
      ['2098', { ...good, holidays: [{ from: '2098-02-30', to: '2098-03-01', name: 'Bad date' }] }, /from/],
      ['98', good, /four-digit year/],
    ];
    for (const [year, body, message] of faults) {
      const res = await put(`/v1/calendar/${year}`, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.message).toMatch(message);
    }
    const missing = await get('/v1/calendar/2098');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('calendar-year-not-found');
  });

  test('loading a year stores it and starts its broadcast (202); the same year again starts nothing new', async () => {
    await startedCase();
    const year = { holidays: [{ from: '2098-06-08', to: '2098-06-14', name: 'Test holiday' }], workdays: [], source: 'notice for 2098' };

    const loaded = await put('/v1/calendar/2098', year);
    expect(loaded.statusCode).toBe(202);
    expect(loaded.json()).toMatchObject({ year: 2098, ...year, version: 1, changed: true });
    expect(loaded.json().broadcast).toMatchObject({ id: 'calendar-2098-v1', version: 1, casesReached: null, finishedAt: null });
    expect(t.temporal.broadcastsStarted).toEqual([
      { workflowId: 'calendar-2098-v1', taskQueue: 'fake-queue', year: { year: 2098, ...year, version: 1 } },
    ]);
    // The cases are told by the broadcast workflow, not by the request.
    expect(t.temporal.signals).toEqual([]);
    expect((await get('/v1/calendar/2098')).json().broadcast).toMatchObject({ id: 'calendar-2098-v1', finishedAt: null });

    // A retried request while the broadcast runs: the same broadcast, still under way.
    const again = await put('/v1/calendar/2098', year);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ version: 1, changed: false, broadcast: { id: 'calendar-2098-v1' } });
    expect(t.temporal.broadcastsStarted).toHaveLength(1);

    t.db.broadcasts.get('calendar-2098-v1')!.finishedAt = '2098-01-01T00:00:00.000Z';
    const afterwards = await put('/v1/calendar/2098', year);
    expect(afterwards.statusCode).toBe(200);
    expect(afterwards.json()).toMatchObject({ version: 1, changed: false, broadcast: { finishedAt: '2098-01-01T00:00:00.000Z' } });

    const corrected = await put('/v1/calendar/2098', { ...year, holidays: [] });
    expect(corrected.statusCode).toBe(202);
    expect(corrected.json()).toMatchObject({ version: 2, changed: true, broadcast: { id: 'calendar-2098-v2', finishedAt: null } });
    expect(t.temporal.broadcastsStarted.map((b) => b.workflowId)).toEqual(['calendar-2098-v1', 'calendar-2098-v2']);
  });

  test('a load whose broadcast could not be started is 500 but stays stored with its broadcast to do; the same request again starts it', async () => {
    const year = { holidays: [], workdays: [], source: 'notice for 2094' };
    t.temporal.failure = new Error('connection refused');
    expect((await put('/v1/calendar/2094', year)).statusCode).toBe(500);
    t.temporal.failure = undefined;
    expect((await get('/v1/calendar/2094')).json()).toMatchObject({ version: 1, broadcast: { id: 'calendar-2094-v1', finishedAt: null } });
    expect(t.temporal.broadcastsStarted).toEqual([]);

    const retried = await put('/v1/calendar/2094', year);
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toMatchObject({ version: 1, changed: false, broadcast: { id: 'calendar-2094-v1' } });
    expect(t.temporal.broadcastsStarted.map((b) => b.workflowId)).toEqual(['calendar-2094-v1']);
  });

  test('an API that boots starts the broadcast of every stored version not yet told, and none other', async () => {
    const db = new FakeRepository();
    const year = (y: number) => ({ year: y, holidays: [], workdays: [], source: `notice for ${y}` });
    await db.calendar.replace(year(2097)); // stored by an API that died before it started the broadcast
    await db.calendar.replace(year(2096));
    db.broadcasts.get('calendar-2096-v1')!.finishedAt = '2096-01-01T00:00:00.000Z';
    await db.calendar.replace(year(2095));
    await db.calendar.replace({ ...year(2095), source: 'corrected' }); // version 2 supersedes the untold version 1
    const booted = await buildTestApp({ db });
    try {
      expect(booted.temporal.broadcastsStarted.map((b) => b.workflowId)).toEqual(['calendar-2095-v2', 'calendar-2097-v1']);
    } finally {
      await booted.app.close();
    }
  });
});

describe('bearer tokens', () => {
  test('when tokens are configured, /v1 without a valid one is 401 and changes nothing; health and docs stay open', async () => {
    const secured = await buildTestApp({ apiTokens: ['station-token'] });
    try {
      const start = bailStart(Date.now());
      const none = await secured.app.inject({ method: 'POST', url: '/v1/cases', payload: start });
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({ error: { code: 'unauthorized', message: 'a valid bearer token is required' } });
      const wrong = await secured.app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: 'Bearer guessed' } });
      expect(wrong.statusCode).toBe(401);
      expect(secured.temporal.executions.size).toBe(0);

      const valid = await secured.app.inject({
        method: 'POST',
        url: '/v1/cases',
        payload: start,
        headers: { authorization: 'Bearer station-token' },
      });
      expect(valid.statusCode).toBe(201);
      expect((await secured.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await secured.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    } finally {
      await secured.app.close();
    }
  });
});

describe('errors and readiness', () => {
  test('an unknown route is 404 in the usual error body', async () => {
    const res = await get('/v1/nothing-here?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not-found', message: 'no route GET /v1/nothing-here' } });
  });

  test('a failure of Temporal is 500 without its details, and readiness says which server is down', async () => {
    t.temporal.failure = new Error('14 UNAVAILABLE: connect ECONNREFUSED 10.9.8.7:7233');
    const res = await post('/v1/cases', bailStart(Date.now()));
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'not-ready', temporal: 'down', database: 'up' });

    t.temporal.failure = undefined;
    t.db.failure = new Error('connection terminated');
    expect((await get('/readyz')).json()).toEqual({ status: 'not-ready', temporal: 'up', database: 'down' });
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
  });
});

test('the OpenAPI document lists the routes', async () => {
  const doc = (await get('/docs/json')).json();
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining(['/v1/cases', '/v1/cases/{caseId}', '/v1/cases/{caseId}/actions', '/v1/time/deadline', '/v1/calendar/{year}']),
  );
});

describe('nothing the door lets in can crash a case', () => {
  test('free text with a NUL, another control character or half a surrogate pair is 400 naming the field; nothing reaches the case', async () => {
    const { caseId } = await startedCase();
    for (const description of ['left town\u0000', 'bell\u0007', 'broken \ud800 half']) {
      const res = await post(`${casePath(caseId)}/actions`, action({ type: 'violation-reported', by: 'subject', description }));
      expect(res.statusCode).toBe(400);
      expect(fieldPaths(res.json())).toEqual(['description']);
    }
    const tabbed = await post(
      `${casePath(caseId)}/actions`,
      action({ type: 'violation-reported', by: 'subject', description: ' line one\n\tline two ' }),
    );
    expect(tabbed.statusCode).toBe(200);
    expect(t.temporal.executions.get(caseId)?.actionIds.size).toBe(1);
  });

  test('dates far outside any real case are 400 naming the field, before a workflow starts', async () => {
    const far = await post('/v1/cases', bailStart(Date.parse('2026-03-02T09:00:00+08:00'), { termEnd: '9999-12-31' }));
    expect(far.statusCode).toBe(400);
    expect(fieldPaths(far.json())).toContain('body.termEnd');
    const ancient = await post('/v1/cases', { ...bailStart(Date.parse('2026-03-02T09:00:00+08:00')), noticeReceivedAt: '1000-01-01T09:00:00+08:00' });
    expect(fieldPaths(ancient.json())).toContain('body.noticeReceivedAt');
    expect(t.temporal.executions.size).toBe(0);
    const deadline = await get('/v1/time/deadline?rule=within-days&n=3&from=9999-12-31');
    expect(deadline.statusCode).toBe(400);
    expect(fieldPaths(deadline.json())).toEqual(['querystring.from']);
  });

  test('a deprivation of political rights of more than 10 years is 400 (12,000 monthly duties never reach a case)', async () => {
    const start = deprivedStart('2026-03-02', '2036-03-02', { caseNumber: 'DR-LONG' });
    const res = await post('/v1/cases', start);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([
      expect.objectContaining({ path: 'body.termEnd', message: 'a deprivation of political rights lasts at most 10 years' }),
    ]);
    expect((await post('/v1/cases', { ...start, termEnd: '2036-03-01' })).statusCode).toBe(201);
  });
});

test('the procedures, the API tags and the start body all come from the registry', async () => {
  const listed = (await get('/v1/procedures')).json().procedures as Array<{ name: string; duties: Array<{ key: string; responsible: string }> }>;
  expect(listed.map((p) => p.name)).toEqual(procedures);
  expect(listed.find((p) => p.name === 'bail-surveillance')?.duties).toContainEqual(
    expect.objectContaining({ key: 'expiry-notice', responsible: 'system' }),
  );
  const doc = (await get('/docs/json')).json();
  for (const name of procedures) expect(doc.tags.find((t: { name: string }) => t.name === 'cases').description).toContain(`\`${name}\``);
  const starts = doc.paths['/v1/cases'].post.requestBody.content['application/json'].schema;
  expect(JSON.stringify(starts)).toContain('hazard-rectification');
});

test('request logs carry the case id and action type, never the subject', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  const logged = await buildTestApp({ logger: pino({ level: 'info', redact: { paths: redactedPaths, censor: '[redacted]' } }, sink) });
  try {
    const start = bailStart(Date.now());
    const { caseId } = (await logged.app.inject({ method: 'POST', url: '/v1/cases', payload: start })).json();
    await logged.app.inject({ method: 'POST', url: `${casePath(caseId)}/actions`, payload: action({ type: 'subject-reported' }) });
    const log = lines.join('');
    expect(log).toContain(caseId);
    expect(log).toContain('"action":"subject-reported"');
    expect(log).not.toContain(start.subject.name);
    expect(log).not.toContain(start.subject.idNumber);
  } finally {
    await logged.app.close();
  }
});
