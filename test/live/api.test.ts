import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { type CaseView, caseViewQuery, submitActionUpdate } from '../../src/case/contract';
import { caseStatusKey, stationIdKey } from '../../src/domain/search-attributes';
import { addMonths, localDate } from '../../src/case/legal-time';
import { startCase } from '../../src/temporal/cases';
import { action, bailStart, bundleWorkflows, deprivedStart, fakeActivities, obligation, sealedFor, uniqueQueue } from '../support/cases';
import { authFor, authHeader, type Caller } from '../support/auth';
import { useRealApi } from '../support/real-api';
import { testDataConverter } from '../support/payload-codec';

const api = useRealApi('api');

const post = async (url: string, payload: unknown) =>
  api.app.inject({ method: 'POST', url, payload: payload as object, headers: await authFor('POST', url, payload) });
const get = async (url: string) => api.app.inject({ method: 'GET', url, headers: await authFor('GET', url) });
const casePath = (caseId: string) => `/v1/cases/${encodeURIComponent(caseId)}`;

/** A count from the read model once the case's activities have written it (they run just after the answer). */
async function settledCount(sql: string, params: unknown[]): Promise<number> {
  let last = -1;
  for (let tries = 0; tries < 100; tries++) {
    const { rows } = await api.pool.query(sql, params);
    if (rows[0].n > 0 && rows[0].n === last) return last;
    last = rows[0].n;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const value = await probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function startedCase() {
  const start = bailStart(Date.now());
  const res = await post('/v1/cases', start);
  expect(res.statusCode).toBe(201);
  return { start, caseId: res.json().caseId as string };
}

describe('POST /v1/cases', () => {
  test('starts a case once: the same request again answers 200 with the same case, other content 409', async () => {
    const start = bailStart(Date.now());
    const first = await post('/v1/cases', start);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ caseId: `bail-surveillance:${start.caseNumber}`, created: true, arrivedDue: [] });
    expect(first.headers.location).toBe(casePath(first.json().caseId));

    const again = await post('/v1/cases', { ...start });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ caseId: first.json().caseId, created: false });

    const other = await post('/v1/cases', { ...start, officerId: 'P-99999' });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe('case-conflict');

    const description = await api.client.workflow.getHandle(first.json().caseId).describe();
    expect(description.typedSearchAttributes.get(stationIdKey)).toBe('S-01');
    expect(description.typedSearchAttributes.get(caseStatusKey)).toBe('open');
    // What the Temporal UI shows of the case: its open duties in words, never the subject.
    let metadata = { currentDetails: '' };
    for (let tries = 0; tries < 50 && !metadata.currentDetails; tries++) {
      metadata = await api.client.workflow.getHandle(first.json().caseId).query('__temporal_workflow_metadata');
    }
    expect(metadata.currentDetails).toContain(`案件 ${start.caseNumber}`);
    expect(metadata.currentDetails).toContain('被取保候审/监视居住人报到（subject-report，第41(8)条）');
    expect(metadata.currentDetails).not.toContain(start.subject.name);
    expect(await description.staticSummary()).toBe(`取保候审/监视居住 · 案件 ${start.caseNumber} · 派出所 S-01 · 民警 P-20931`);
  });
});

describe('POST /v1/cases/:caseId/actions', () => {
  test('answers the new view; the same actionId again is the same answer with no second effect', async () => {
    const { caseId } = await startedCase();
    const report = action({ type: 'subject-reported' });
    const first = await post(`${casePath(caseId)}/actions`, report);
    expect(first.statusCode).toBe(200);
    expect(obligation(first.json() as CaseView, 'subject-report').status).toBe('done');

    const again = await post(`${casePath(caseId)}/actions`, report);
    expect(again.statusCode).toBe(200);
    expect(again.json().obligations).toEqual(first.json().obligations);
    expect(await settledCount(`SELECT count(*)::int AS n FROM audit_log WHERE case_id = $1 AND kind = 'action'`, [caseId])).toBe(1);
  });

  test("wrong state → 409 with the case's reason; unknown case → 404; the case is unchanged", async () => {
    const { caseId } = await startedCase();
    // The case itself (strong), before and after: the first read may come before the read model's row exists.
    const before = (await get(`${casePath(caseId)}?consistency=strong`)).json();

    const wrongState = await post(`${casePath(caseId)}/actions`, action({ type: 'feedback-sent' }));
    expect(wrongState.statusCode).toBe(409);
    expect(wrongState.json().error).toEqual({ code: 'action-rejected', message: 'feedback is due only after the subject has reported' });

    const unknownCase = await post(`${casePath('bail-surveillance:NO-SUCH-CASE')}/actions`, action({ type: 'subject-reported' }));
    expect(unknownCase.statusCode).toBe(404);
    expect((await get(casePath('bail-surveillance:NO-SUCH-CASE'))).statusCode).toBe(404);
    expect((await get(casePath('no-such-procedure:1'))).statusCode).toBe(404);

    expect((await get(`${casePath(caseId)}?consistency=strong`)).json()).toEqual(before);
  });

  test('an action on a closed case: its own retry is answered, anything new is 409', async () => {
    const { caseId } = await startedCase();
    const decided = action({ type: 'authority-decided', decision: 'revoked' });
    const first = await post(`${casePath(caseId)}/actions`, decided);
    expect(first.json()).toMatchObject({ status: 'closed', outcome: 'revoked' });
    await api.client.workflow.getHandle(caseId).result();
    const retry = await post(`${casePath(caseId)}/actions`, decided);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const late = await post(`${casePath(caseId)}/actions`, action({ type: 'subject-reported' }));
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toBe('the case is closed');
  });
});

describe('who may see and do what, on the real servers', () => {
  const as = async (caller: Caller, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    api.app.inject({ method, url, payload: payload as object | undefined, headers: await authHeader(caller) });
  const officer: Caller = { role: 'officer', sub: 'P-20931' };
  const otherOfficer: Caller = { role: 'officer', stationIds: ['S-02'], sub: 'P-30001' };

  test("another station's case is 404 and absent from every list; the actor is the token's subject; a role's refusal is 403", async () => {
    const { caseId } = await startedCase();
    const url = `${casePath(caseId)}/actions`;
    // The station is read from Temporal before the Update: the other station's officer is told no such case, and the case is unchanged.
    expect((await as(otherOfficer, 'GET', casePath(caseId))).statusCode).toBe(404);
    const hidden = await as(otherOfficer, 'POST', url, { type: 'subject-reported', actionId: randomUUID() });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toEqual({ error: { code: 'case-not-found', message: 'no such case' } });
    // The decision authority's decision is the station system's to report, not the officer's.
    expect((await as(officer, 'POST', url, { type: 'authority-decided', decision: 'revoked', actionId: randomUUID() })).statusCode).toBe(403);
    expect((await as(officer, 'POST', url, { type: 'subject-reported', actionId: randomUUID(), actor: 'P-99999' })).statusCode).toBe(403);
    expect((await as(officer, 'GET', casePath(caseId))).json().obligations).toEqual((await get(casePath(caseId))).json().obligations);
    expect(obligation((await get(casePath(caseId))).json() as CaseView, 'subject-report').status).toBe('pending');

    const reported = await as(officer, 'POST', url, { type: 'subject-reported', actionId: randomUUID() });
    expect(reported.statusCode).toBe(200);
    expect(await settledCount(`SELECT count(*)::int AS n FROM audit_log WHERE case_id = $1 AND kind = 'action'`, [caseId])).toBe(1);
    const { rows } = await api.pool.query(`SELECT actor FROM audit_log WHERE case_id = $1 AND kind = 'action'`, [caseId]);
    expect(rows).toEqual([{ actor: 'P-20931' }]);
    // Each refusal is recorded under the verified caller, with its reason: a caller who may see the case in the case's
    // chain; another station's in the access chain, naming the case.
    await api.app.auditWritten();
    const refused = await api.pool.query(
      `SELECT chain = $1 AS in_case_chain, actor, payload->>'reason' AS reason, payload->>'status' AS status FROM audit_log
        WHERE (case_id = $1 OR (chain = 'access' AND payload->>'caseId' = $1)) AND kind = 'refused' ORDER BY id`,
      [caseId],
    );
    expect(refused.rows).toEqual([
      { in_case_chain: false, actor: 'P-30001', reason: 'station', status: '404' },
      { in_case_chain: false, actor: 'P-30001', reason: 'station', status: '404' },
      { in_case_chain: true, actor: 'P-20931', reason: 'role', status: '403' },
      { in_case_chain: true, actor: 'P-20931', reason: 'actor', status: '403' },
    ]);

    // The read model's list is scoped in SQL: the case is listed for its station, never for another.
    await until(
      async () =>
        (await as(officer, 'GET', '/v1/cases?limit=500')).json().cases.some((c: { caseId: string }) => c.caseId === caseId) ? true : undefined,
      'the read model',
    );
    for (const listUrl of ['/v1/cases?limit=500', '/v1/cases?stationId=S-01&limit=500', '/v1/cases/records-blocked']) {
      const listed = await as(otherOfficer, 'GET', listUrl);
      expect(listed.statusCode).toBe(200);
      expect(listed.body).not.toContain(caseId);
    }
    // A station system may start cases for its own stations only.
    const elsewhere = await as({ role: 'station-system', stationIds: ['S-02'], sub: 'SYS-02' }, 'POST', '/v1/cases', bailStart(Date.now()));
    expect(elsewhere.statusCode).toBe(403);
  });
});

describe('the working-day calendar', () => {
  const put = async (year: string, payload: unknown) =>
    api.app.inject({
      method: 'PUT',
      url: `/v1/calendar/${year}`,
      payload: payload as object,
      headers: await authFor('PUT', `/v1/calendar/${year}`, payload),
    });

  test('the shipped years are seeded with a version', async () => {
    const res = await get('/v1/calendar/2026');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ year: 2026, version: 1, workdays: expect.arrayContaining(['2026-10-10']) });
    expect(res.json().holidays).toContainEqual(expect.objectContaining({ from: '2026-10-01', to: '2026-10-07' }));
  });

  test('a year within reach that the State Council has not published is answered provisional: its statutory holidays, version 0', async () => {
    const year = Number(localDate(Date.now()).slice(0, 4)) + 5;
    const res = await get(`/v1/calendar/${year}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ year, version: 0, provisional: true, workdays: [], broadcast: null });
    expect(res.json().holidays).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: `${year}-01-01`, to: `${year}-01-01` }),
        expect.objectContaining({ from: `${year}-05-01`, to: `${year}-05-02` }),
      ]),
    );
    expect((await get(`/v1/calendar/${year + 1}`)).statusCode).toBe(404);
  });

  test("loading a year moves the open cases' windows not yet reached, and the time endpoint uses it", async () => {
    // A year beyond the provisional ones (five years ahead) has no calendar until one is loaded, whatever the year now.
    const far = Number(localDate(Date.now()).slice(0, 4)) + 10;
    const termEnd = `${far}-06-16`;
    const before = (await get(`/v1/time/deadline?rule=working-days-before&from=${termEnd}&n=5`)).json();
    expect(before.warnings).toEqual([`no working-day calendar for ${far}: computed on weekends only`]);
    const start = deprivedStart(addMonths(`${localDate(Date.now()).slice(0, 7)}-01`, 1), termEnd);
    const { caseId } = (await post('/v1/cases', start)).json();
    const opens = async () => obligation((await get(casePath(caseId))).json(), 'station-report').opensAt;
    expect(await opens()).toBe(before.due);

    const year = { holidays: [{ from: `${far}-06-09`, to: `${far}-06-15`, name: 'Test holiday' }], workdays: [], source: `notice for ${far}` };
    const loaded = await put(String(far), year);
    expect(loaded.statusCode).toBe(202);
    expect(loaded.json()).toMatchObject({
      year: far,
      version: 1,
      changed: true,
      broadcast: { id: `calendar-${far}-v1`, version: 1, finishedAt: null },
    });
    const after = (await get(`/v1/time/deadline?rule=working-days-before&from=${termEnd}&n=5`)).json();
    expect(after.warnings).toEqual([]);
    expect(after.due < before.due).toBe(true);
    await until(async () => ((await opens()) === after.due ? true : undefined), 'the case to move its window');
    const report = obligation((await get(casePath(caseId))).json(), 'station-report');
    expect(report.opensAt).toBe(after.due);
    expect(report.changes).toEqual([
      expect.objectContaining({ from: before.due, to: after.due, reason: `working-day calendar ${far} version 1 loaded (notice for ${far})` }),
    ]);

    // The broadcast's second pass, for cases started shortly before it, waits for visibility before it finishes.
    const finished = await until(async () => {
      const body = (await get(`/v1/calendar/${far}`)).json();
      return body.broadcast.finishedAt ? body : undefined;
    }, 'the broadcast of version 1 to finish');
    expect(finished).toMatchObject({ year: far, version: 1, source: `notice for ${far}`, broadcast: { id: `calendar-${far}-v1` } });
    // Every open case of this suite's task queue, the one above among them.
    expect(finished.broadcast.casesReached).toBeGreaterThanOrEqual(1);
    const again = await put(String(far), year);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ version: 1, changed: false, broadcast: finished.broadcast });
  });
});

test('health and readiness', async () => {
  expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
  expect((await get('/readyz')).json()).toEqual({ status: 'ready', temporal: 'up', database: 'up' });
});

test('a case whose database writes keep failing is listed for supervisors, with since when; its deadlines are not waiting on it', async () => {
  const taskQueue = uniqueQueue('blocked');
  const failing = fakeActivities();
  failing.noticeWritten.mockRejectedValue(new Error('connection refused'));
  failing.actionRecorded.mockRejectedValue(new Error('connection refused'));
  failing.caseSaved.mockRejectedValue(new Error('connection refused'));
  const blockedWorker = await Worker.create({
    connection: api.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows(),
    dataConverter: testDataConverter,
    activities: failing,
  });
  await blockedWorker.runUntil(async () => {
    const start = bailStart(Date.now());
    const { caseId } = await startCase(api.client, taskQueue, start, [], { actor: 'SYS-01', role: 'station-system' });
    const handle = api.client.workflow.getHandle(caseId);
    let listed: { caseId: string; recordsBlockedSince: string }[] = [];
    for (let tries = 0; tries < 120 && !listed.some((c) => c.caseId === caseId); tries++) {
      await new Promise((r) => setTimeout(r, 250));
      listed = (await get('/v1/cases/records-blocked')).json().cases;
    }
    expect(listed).toContainEqual(expect.objectContaining({ caseId, procedure: 'bail-surveillance', stationId: start.stationId }));
    const view = await handle.query(caseViewQuery);
    const since = listed.find((c) => c.caseId === caseId)!.recordsBlockedSince;
    expect(Math.abs(Date.parse(view.recordsBlockedSince!) - Date.parse(since))).toBeLessThan(1000);
    expect(failing.flushRecords.mock.calls.length).toBeGreaterThanOrEqual(1);
    // The case goes on answering and deciding: an action is accepted while nothing can be written.
    const answer = await handle.executeUpdate(submitActionUpdate, { args: [sealedFor(handle, action({ type: 'subject-reported' }))] });
    expect(obligation(answer, 'authority-feedback')).toMatchObject({ status: 'pending', dueAt: expect.any(String) });
    await handle.terminate('test over');
  });
}, 60_000);
