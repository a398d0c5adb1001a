import { sampleStart } from '../support/samples';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { ServiceError } from '@temporalio/client';
import pino from 'pino';
import { redactedPaths } from '../../src/logger';
import { procedures } from '../../src/procedures/index';
import { formatInstant } from '../../src/case/legal-time';
import { procedureRules } from '../../src/procedures/rules';
import { buildTestApp, FakeRepository, type TestApp } from '../helper';
import { authFor, authHeader } from '../support/auth';
import { action, bailStart, deprivedStart, disputeStart } from '../support/cases';

let t: TestApp;

beforeEach(async () => {
  t = await buildTestApp();
});

afterEach(async () => {
  await t.app.close();
});

const request = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  t.app.inject({ method, url, payload: payload as object | undefined, headers: await authFor(method, url, payload) });
const post = (url: string, payload: unknown) => request('POST', url, payload);
const put = (url: string, payload: unknown) => request('PUT', url, payload);
const get = (url: string) => request('GET', url);
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
    expect(first.json()).toEqual({ caseId: `bail-surveillance:${start.caseNumber}`, created: true, arrivedDue: [] });
    expect(first.headers.location).toBe(casePath(`bail-surveillance:${start.caseNumber}`));

    const again = await post('/v1/cases', { ...start });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ caseId: first.json().caseId, created: false });

    const other = await post('/v1/cases', { ...start, officerId: 'P-99999' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error).toEqual({ code: 'case-conflict', message: `case ${start.caseNumber} already exists with other content` });
    expect(t.temporal.executions.size).toBe(1);
  });

  test("a start its procedure's begin refuses is a 400 with the reason, and no workflow starts", async () => {
    // The start schemas admit only what begin takes (test/unit/begin-accepts-start-schema.test.ts), so a refusal is a
    // gap between the two: here a begin that throws stands for one.
    const begin = jest.spyOn(procedureRules['bail-surveillance'], 'begin').mockImplementation(() => {
      throw new Error('the term ends before the report is due');
    });
    try {
      const res = await post('/v1/cases', bailStart(Date.now()));
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toEqual({
        code: 'case-cannot-begin',
        message: '案件无法开始 (the case cannot begin): the term ends before the report is due',
      });
      expect(t.temporal.executions.size).toBe(0);
    } finally {
      begin.mockRestore();
    }
    expect((await post('/v1/cases', bailStart(Date.now()))).statusCode).toBe(201);
  });

  test('an import dry run says what each line would owe and starts nothing; a line its procedure cannot begin is a bad line', async () => {
    const good = bailStart(Date.now());
    const refused = bailStart(Date.now());
    const begin = jest.spyOn(procedureRules['bail-surveillance'], 'begin');
    const original = begin.getMockImplementation() ?? procedureRules['bail-surveillance'].begin;
    begin.mockImplementation((ctx, policy) => {
      if (ctx.start.caseNumber === refused.caseNumber) throw new Error('the term ends before the report is due');
      return original(ctx, policy);
    });
    try {
      const res = await post('/v1/imports?dryRun=true', [good, { ...good, stationId: 'bad id' }, refused]);
      expect(res.statusCode).toBe(200);
      const answer = res.json();
      expect(answer).toMatchObject({ dryRun: true, rejected: 2 });
      expect(answer.errors).toEqual([
        expect.objectContaining({ line: 2, field: 'stationId' }),
        { line: 3, field: 'procedure', message: '案件无法开始 (the case cannot begin): the term ends before the report is due' },
      ]);
      // Reported a day from now: nothing overdue, the report owed by its time (this month's check may fall due first).
      expect(answer.lines).toEqual([expect.objectContaining({ line: 1, caseId: `bail-surveillance:${good.caseNumber}`, overdue: 0, toReview: 0 })]);
      expect(answer.lines[0].next).toContainEqual({ key: 'subject-report', dueAt: good.reportBy });
      expect(t.temporal.executions.size).toBe(0);

      // Reported two days ago by the start: arrived already due, and the answer says so for the case it created.
      const now = Date.now();
      const reportBy = formatInstant(now - 2 * 86_400_000);
      const late = bailStart(now, { reportBy, noticeReceivedAt: formatInstant(now - 3 * 86_400_000) });
      const real = await post('/v1/imports?skipInvalid=true', [good, refused, late]);
      expect(real.json()).toMatchObject({ started: 2, rejected: 1 });
      expect(real.json().arrived).toEqual([
        {
          line: 3,
          caseId: `bail-surveillance:${late.caseNumber}`,
          arrivedDue: [{ key: 'subject-report', dueAt: reportBy }],
        },
      ]);
      expect([...t.temporal.executions.keys()]).toEqual([`bail-surveillance:${good.caseNumber}`, `bail-surveillance:${late.caseNumber}`]);
    } finally {
      begin.mockRestore();
    }
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

describe('POST /v1/imports: what cannot stall the service', () => {
  const ndjson = async (body: string | Buffer, role: 'station-system' | 'station-leader' = 'station-system') =>
    t.app.inject({
      method: 'POST',
      url: '/v1/imports',
      payload: body,
      headers: { ...(await authHeader({ role, sub: role === 'station-system' ? 'SYS-01' : 'L-0101' })), 'content-type': 'application/x-ndjson' },
    });

  test('16 MiB of empty starts is refused at start 5,001, read no further and parsed not at all; the event loop hardly notices', async () => {
    const body = Buffer.from('{}\n'.repeat((16 * 1024 * 1024) / 3));
    // The longest the event loop went without running a 1 ms ticker while the import was answered.
    let last = performance.now();
    let longest = 0;
    const ticker = setInterval(() => {
      longest = Math.max(longest, performance.now() - last);
      last = performance.now();
    }, 1);
    const began = performance.now();
    const res = await ndjson(body);
    clearInterval(ticker);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code: 'invalid-request', message: 'at most 5000 starts per import (line 5001)' });
    console.log(
      `16 MiB NDJSON import refused at line 5001 in ${(performance.now() - began).toFixed(0)} ms; the event loop's longest stall ${longest.toFixed(1)} ms`,
    );
    expect(t.temporal.executions.size).toBe(0);
  });

  test('a line longer than a start may be is refused at that line; an import over 16 MiB is 413', async () => {
    const long = await ndjson(`${JSON.stringify(bailStart(Date.now()))}\n{"pad":"${'x'.repeat(1024 * 1024 + 1)}"}\n`);
    expect(long.statusCode).toBe(400);
    expect(long.json().error.message).toBe('line 2: a start is at most 1048576 bytes');
    const huge = await ndjson(Buffer.from(`${'\n'.repeat(16 * 1024 * 1024 + 1)}`));
    expect(huge.statusCode).toBe(413);
  });

  test('a role that may not import is refused (403) before its body is read: a body that is no JSON at all does not matter', async () => {
    const res = await ndjson('this is not JSON', 'station-leader');
    expect(res.statusCode).toBe(403);
    const array = await t.app.inject({
      method: 'POST',
      url: '/v1/imports',
      payload: '[{"not": "json"',
      headers: { ...(await authHeader({ role: 'station-leader', sub: 'L-0101' })), 'content-type': 'application/json' },
    });
    expect(array.statusCode).toBe(403);
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
    const before = (await get(casePath(caseId))).json();
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

    const noBody = await t.app.inject({
      method: 'POST',
      url: `${casePath(caseId)}/actions`,
      headers: await authHeader({ role: 'officer' }),
    });
    expect(noBody.statusCode).toBe(400);
    expect((await get(casePath(caseId))).json()).toEqual(before);
    expect(t.temporal.received).toEqual([]);
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
    const refused = await post(`${casePath(caseId)}/actions`, action({ type: 'feedback-sent' }));
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toEqual({ error: { code: 'action-rejected', message: 'feedback is due only after the subject has reported' } });

    const report = action({ type: 'subject-reported' });
    const accepted = await post(`${casePath(caseId)}/actions`, report);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().records).toMatchObject({ subjectReportedAt: expect.any(String) });
    const reused = await post(`${casePath(caseId)}/actions`, { ...report, type: 'feedback-sent' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('action-id-reused');
  });

  test('on a closed case, a retry of an accepted action is answered as a duplicate and a new action is 409', async () => {
    const { caseId } = await startedCase();
    const decided = action({ type: 'authority-decided', decision: 'revoked' });
    expect((await post(`${casePath(caseId)}/actions`, decided)).statusCode).toBe(200);

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
      ['98', good, /a year between 2000 and 2100/],
      [
        '2098',
        { ...good, holidays: [{ from: '2098-01-01', to: '2098-12-31', name: 'A whole year' }] },
        /假期超过 15 天 \(a holiday of more than 15 days\)/,
      ],
      [
        '2098',
        { ...good, holidays: Array.from({ length: 5 }, (_, m) => ({ from: `2098-0${m + 1}-01`, to: `2098-0${m + 1}-14`, name: `Month ${m + 1}` })) },
        /全年假期合计 70 天，超过 60 天/,
      ],
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

describe('errors and readiness', () => {
  test('an unknown route is 404 in the usual error body', async () => {
    const res = await get('/v1/nothing-here?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not-found', message: 'no route GET /v1/nothing-here' } });
  });

  test('a method a path does not answer is 405 naming those it does (Allow), before any token is asked for', async () => {
    for (const [method, url, allow] of [
      ['DELETE', '/v1/cases/bail-surveillance:A', 'GET, HEAD'],
      ['QUERY', '/v1/cases/bail-surveillance:A', 'GET, HEAD'],
      ['PUT', '/v1/cases', 'GET, HEAD, POST'],
      ['GET', '/v1/cases/bail-surveillance:A/actions', 'POST'],
      ['TRACE', '/v1/procedures', 'GET, HEAD'],
    ] as const) {
      const res = await t.app.inject({ method, url });
      expect({ method, url, status: res.statusCode, allow: res.headers.allow }).toEqual({ method, url, status: 405, allow });
      expect(res.json().error.code).toBe('method-not-allowed');
    }
  });

  test('Temporal down is a 503 with Retry-After, and readiness says which server is down', async () => {
    // What the client throws when the frontend refuses connections: a ServiceError around gRPC status 14.
    const refused = Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
      code: 14,
      details: 'No connection established',
      metadata: {},
    });
    t.temporal.failure = new ServiceError('Failed to start Workflow', { cause: refused });
    const res = await post('/v1/cases', bailStart(Date.now()));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({ error: { code: 'temporal-unavailable', message: 'Temporal cannot be reached; retry later' } });
    const ready = await get('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'not-ready', temporal: 'down', database: 'up' });

    t.temporal.failure = new Error('something else broke at 10.9.8.7');
    const other = await post('/v1/cases', bailStart(Date.now()));
    expect(other.statusCode).toBe(500);
    expect(other.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(t.temporal.executions.size).toBe(0);
  });

  test("an action the server refuses while the case's last task is retried (its worker died mid-task) is a 503 with Retry-After; the same action later is applied once", async () => {
    const started = await post('/v1/cases', bailStart(Date.now()));
    expect(started.statusCode).toBe(201);
    const url = `/v1/cases/${encodeURIComponent(started.json().caseId)}/actions`;
    const reported = action({ type: 'subject-reported' });
    // What the client throws then: a ServiceError around gRPC status 9 (FAILED_PRECONDITION).
    const refused = Object.assign(
      new Error('9 FAILED_PRECONDITION: Unable to perform workflow execution update due to Workflow Task in failed state.'),
      {
        code: 9,
        details: 'Unable to perform workflow execution update due to Workflow Task in failed state.',
        metadata: {},
      },
    );
    t.temporal.failure = new ServiceError('Update failed', { cause: refused });
    const res = await post(url, reported);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('case-task-retrying');

    t.temporal.failure = undefined;
    expect((await post(url, reported)).statusCode).toBe(200);
    expect((await post(url, reported)).statusCode).toBe(200);
    expect([...t.temporal.executions.values()][0].actionIds.size).toBe(1);
  });

  test.each([
    ['refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['no connection in time', new Error('timeout exceeded when trying to connect')],
    ['lost mid-query', new Error('Connection terminated unexpectedly')],
    ['shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['statement timeout', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
  ])('PostgreSQL %s is a 503 with Retry-After on every database route, and starts no case', async (_what, failure) => {
    const { caseId } = await startedCase();
    t.db.failure = failure;
    const start = await post('/v1/cases', bailStart(Date.now()));
    expect(start.statusCode).toBe(503);
    expect(start.headers['retry-after']).toBe('5');
    expect(start.json()).toEqual({ error: { code: 'database-unavailable', message: 'the database cannot be reached; retry later' } });
    expect(t.temporal.executions.size).toBe(1);
    for (const res of [await get('/v1/cases?stationId=S-01'), await get('/v1/calendar/2026')]) {
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('database-unavailable');
    }
    // An action goes to the case through Temporal and needs no database.
    expect((await post(`${casePath(caseId)}/actions`, action({ type: 'subject-reported' }))).statusCode).toBe(200);
    expect((await get('/readyz')).json()).toEqual({ status: 'not-ready', temporal: 'up', database: 'down' });
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
  });

  test('readiness, asked by many at once, checks Temporal and PostgreSQL once a second', async () => {
    const ping = jest.spyOn(t.db, 'ping');
    const answers = await Promise.all(Array.from({ length: 50 }, () => get('/readyz')));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(200));
    expect(ping).toHaveBeenCalledTimes(1);
  });

  test('a database error that is not an outage stays a hidden 500', async () => {
    t.db.failure = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    const res = await get('/v1/cases');
    expect(res.statusCode).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
  });
});

describe('the notices outbox', () => {
  const outboxNotice = (id: string, caseId: string, status: 'pending' | 'delivered' | 'dead') => ({
    id,
    caseId,
    noticeKey: `authority-feedback/reminder/officer/${id}`,
    kind: 'reminder',
    recipient: 'officer',
    article: '41(8)',
    titleZh: '反馈提醒',
    createdAt: '2026-03-02T09:00:00+08:00',
    status,
    attempts: status === 'dead' ? 10 : 0,
    lastError: status === 'dead' ? 'http 400' : undefined,
  });

  test('lists one status, optionally of one case, up to the limit', async () => {
    t.db.outbox.push(outboxNotice('1', 'dispute:A', 'dead'), outboxNotice('2', 'dispute:B', 'dead'), outboxNotice('3', 'dispute:A', 'delivered'));
    expect((await get('/v1/notices?status=dead')).json().notices.map((n: { id: string }) => n.id)).toEqual(['1', '2']);
    expect((await get('/v1/notices?status=dead&caseId=dispute:B')).json().notices).toEqual([outboxNotice('2', 'dispute:B', 'dead')]);
    expect((await get('/v1/notices?status=dead&limit=1')).json().notices).toHaveLength(1);
    expect((await get('/v1/notices?status=pending')).json().notices).toEqual([]);
  });

  test('a bad status, limit or id is 400 naming the field', async () => {
    for (const url of ['/v1/notices', '/v1/notices?status=sent', '/v1/notices?status=dead&limit=0']) {
      const res = await get(url);
      expect(res.statusCode).toBe(400);
      expect(fieldPaths(res.json())).toEqual([url.includes('limit') ? 'querystring.limit' : 'querystring.status']);
    }
    const badId = await post('/v1/notices/abc/redeliver', {});
    expect(badId.statusCode).toBe(400);
    expect(fieldPaths(badId.json())).toEqual(['params.id']);
  });

  test('redeliver: a dead notice goes back to pending with attempts reset; delivered 409; unknown 404', async () => {
    t.db.summaries.push({
      caseId: 'dispute:A',
      procedure: 'dispute',
      caseNumber: 'A',
      stationId: 'S-01',
      officerId: 'P-20931',
      status: 'open',
      overdueCount: 0,
    });
    t.db.outbox.push(outboxNotice('7', 'dispute:A', 'dead'), outboxNotice('8', 'dispute:A', 'delivered'));
    const res = await post('/v1/notices/7/redeliver', {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: '7', status: 'pending', attempts: 0 });
    expect(res.json().lastError).toBeUndefined();
    expect((await get('/v1/notices?status=dead')).json().notices).toEqual([]);

    const delivered = await post('/v1/notices/8/redeliver', {});
    expect(delivered.statusCode).toBe(409);
    expect(delivered.json().error).toEqual({ code: 'notice-delivered', message: 'notice 8 was delivered: it is not sent again' });
    const unknown = await post('/v1/notices/9/redeliver', {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('notice-not-found');
  });
});

test('the OpenAPI document lists the routes', async () => {
  const doc = (await get('/docs/json')).json();
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining([
      '/v1/cases',
      '/v1/cases/{caseId}',
      '/v1/cases/{caseId}/actions',
      '/v1/time/deadline',
      '/v1/calendar/{year}',
      '/v1/notices',
      '/v1/notices/{id}/redeliver',
    ]),
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

describe('the cases the issue names', () => {
  // The order: decided 2026-09-21 10:00, to be rectified by 2026-09-30 (the procedure's own example).
  const hazardStart = sampleStart('hazard-rectification', 'S-01', 'ZG-2026-0921');

  test('"left town\\u0000" on violation-reported is 400 naming description; the case records nothing', async () => {
    const { caseId } = await startedCase();
    const res = await post(`${casePath(caseId)}/actions`, action({ type: 'violation-reported', by: 'subject', description: 'left town\u0000' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([{ path: 'description', message: 'text without control characters or broken characters' }]);
    expect(t.temporal.executions.get(caseId)?.actionIds.size).toBe(0);
  });

  test('a hazard start with rectifyBy 9999-12-31, or a year after the decision, is 400 naming rectifyBy; nothing starts', async () => {
    for (const rectifyBy of ['9999-12-31', '2027-09-22']) {
      const res = await post('/v1/cases', { ...hazardStart, rectifyBy });
      expect(res.statusCode).toBe(400);
      expect(fieldPaths(res.json())).toEqual(['body.rectifyBy']);
    }
    expect(t.temporal.executions.size).toBe(0);
    expect((await post('/v1/cases', { ...hazardStart, rectifyBy: '2027-09-21' })).statusCode).toBe(201);
  });

  test('a deprived-rights start with termStart 1000-01-01 is 400 naming termStart (the 12,000-duty case never starts)', async () => {
    const res = await post('/v1/cases', deprivedStart('1000-01-01', null));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([{ path: 'body.termStart', message: 'a date between 2000-01-01 and 2100-12-31' }]);
    expect(t.temporal.executions.size).toBe(0);
  });

  test('GET /v1/time/deadline from 9999-12-31 is 400 naming from, for every rule', async () => {
    for (const rule of ['within-hours', 'within-days', 'days-before', 'working-days-before']) {
      const res = await get(`/v1/time/deadline?rule=${rule}&n=10&from=9999-12-31`);
      expect(res.statusCode).toBe(400);
      expect(fieldPaths(res.json())).toEqual(['querystring.from']);
    }
  });

  test('a date of the wrong form is 400 naming it, never a 500 from the rules that read it', async () => {
    const bail = bailStart(Date.parse('2026-03-02T09:00:00+08:00'));
    for (const [field, value] of [
      ['termStart', '2026-02-30'],
      ['termStart', '0000-01-01'],
      ['noticeReceivedAt', '2026-03-02T24:00:00+08:00'],
      ['reportBy', '2026-03-02T09:00:00+08'],
    ]) {
      const res = await post('/v1/cases', { ...bail, [field]: value });
      expect(res.statusCode).toBe(400);
      expect(fieldPaths(res.json())).toEqual([`body.${field}`]);
    }
    const hazard = await post('/v1/cases', { ...hazardStart, decidedAt: '2026-09-31T10:00:00+08:00' });
    expect(fieldPaths(hazard.json())).toEqual(['body.decidedAt']);
  });

  test('a set named twice is 400 naming the field and the index of the repeat', async () => {
    const dispute = disputeStart(Date.now(), {
      parties: [
        { name: '王五', role: 'complainant' },
        { name: '赵六', role: 'respondent' },
        { name: '王五 ', role: 'complainant' },
      ],
      relatedCaseNumbers: ['A-1', 'A-1'],
    });
    const res = await post('/v1/cases', dispute);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([
      { path: 'body.parties.2', message: 'the same as item 0: each is named once' },
      { path: 'body.relatedCaseNumbers.1', message: 'the same as item 0: each is named once' },
    ]);
    const calendar = await put('/v1/calendar/2098', { holidays: [], workdays: ['2098-01-04', '2098-01-04'], source: 'test' });
    expect(fieldPaths(calendar.json())).toEqual(['body.workdays.1']);
  });

  test('query strings and params outside their form are 400 naming them; a URL that does not decode is 400 in the usual body', async () => {
    const list = await get('/v1/cases?stationId=S%0001&procedure=parking');
    expect(list.statusCode).toBe(400);
    expect(fieldPaths(list.json()).sort()).toEqual(['querystring.procedure', 'querystring.stationId']);
    const id = await get(`/v1/cases/${encodeURIComponent('bail-surveillance:X\u0000')}`);
    expect(fieldPaths(id.json())).toEqual(['params.caseId']);
    const year = await get('/v1/calendar/1999');
    expect(fieldPaths(year.json())).toEqual(['params.year']);
    const broken = await get('/v1/cases/%ED%A0%80');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toEqual({ code: 'bad-request', message: expect.stringContaining('not a valid url') });
  });
});

test('the procedures, the API tags and the start body all come from the registry', async () => {
  const listed = (await get('/v1/procedures')).json().procedures as Array<{ name: string; duties: Array<{ key: string; responsible: string }> }>;
  expect(listed.map((p) => p.name)).toEqual(procedures);
  expect(listed.find((p) => p.name === 'bail-surveillance')?.duties).toContainEqual(
    expect.objectContaining({ key: 'authority-decision', responsible: 'decision-authority' }),
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
    const { caseId } = (
      await logged.app.inject({
        method: 'POST',
        url: '/v1/cases',
        payload: start,
        headers: await authHeader({ role: 'station-system', sub: 'SYS-01' }),
      })
    ).json();
    await logged.app.inject({
      method: 'POST',
      url: `${casePath(caseId)}/actions`,
      payload: action({ type: 'subject-reported' }),
      headers: await authHeader({ role: 'officer' }),
    });
    const log = lines.join('');
    expect(log).toContain(caseId);
    expect(log).toContain('"action":"subject-reported"');
    expect(log).not.toContain(start.subject.name);
    expect(log).not.toContain(start.subject.idNumber);
  } finally {
    await logged.app.close();
  }
});
