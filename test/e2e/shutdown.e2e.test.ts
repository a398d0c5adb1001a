/**
 * End to end: SIGTERM to the real API and worker processes. The API answers the request in flight before it exits;
 * the worker finishes the flush of a case's records in flight, completes its workflow task, and exits 0. Work is held
 * in flight by a table lock the test takes in PostgreSQL, so the moment of the signal is certain.
 */
import type { Pool } from 'pg';
import { action, bailStart } from '../support/cases';
import { ProcessStack } from '../support/stack';
import { lockTable, waitingOnLock } from '../support/table-locks';

let stack: ProcessStack;
let pool: Pool;

beforeAll(async () => {
  stack = await ProcessStack.start('e2e-shutdown');
  pool = stack.pool;
});

afterAll(async () => {
  await stack?.stop();
});

test("the worker, stopped while its flush of a case's records waits on the database, lets it finish, records it once, and exits 0", async () => {
  const created = await stack.http('POST', '/v1/cases', bailStart(Date.now()));
  expect(created.status).toBe(201);
  const { caseId } = created.body;
  // Let the first flush of the case (read model) land before the audit table is locked.
  await stack.until(
    async () => ((await pool.query('SELECT 1 FROM cases WHERE case_id = $1', [caseId])).rowCount ? true : undefined),
    'the read model',
  );

  const release = await lockTable(pool, 'audit_log');
  let exited!: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  try {
    const reported = action({ type: 'subject-reported' });
    expect((await stack.report(caseId, reported)).status).toBe(200);
    // The worker's own insert: the API's access-log row of the answer (an officer read the subject unmasked) waits too.
    await stack.until(() => waitingOnLock(pool, /INSERT INTO audit_log \(case_id, action_id/), 'the flush to wait on the lock');

    exited = stack.signal('worker', 'SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    expect(stack.running('worker')).toBe(true);
  } finally {
    await release();
  }
  expect(await exited).toEqual({ code: 0, signal: null });
  expect(stack.output.join('')).toMatch(/"msg":"worker stopped"/);

  const { rows } = await pool.query(`SELECT type FROM audit_log WHERE case_id = $1 AND kind = 'action'`, [caseId]);
  expect(rows).toEqual([{ type: 'subject-reported' }]);
  // The flush in flight finished and its workflow task completed before the exit: its marker is in the history once,
  // on the first attempt, and no workflow task failed or timed out (no second worker had to run it again).
  const events = await stack.history(caseId);
  const flushMarkers = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  expect(flushMarkers).toHaveLength(2); // the start's flush and the action's
  expect(events.some((e) => e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes)).toBe(false);

  stack.startWorker();
  expect((await stack.report(caseId, action({ type: 'rules-explained' }))).status).toBe(200);
  await stack.until(async () => {
    const { rows: all } = await pool.query(`SELECT type FROM audit_log WHERE case_id = $1 AND kind = 'action' ORDER BY at`, [caseId]);
    return all.length === 2 ? all : undefined;
  }, 'the next action recorded by the restarted worker');
});

test('the API, stopped while a request waits on the database, answers it, takes no new one, and exits 0', async () => {
  const release = await lockTable(pool, 'cases');
  let inFlight!: Promise<{ status: number; body: { cases: unknown[] } }>;
  let exited!: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  try {
    inFlight = stack.http('GET', '/v1/cases?stationId=S-01');
    await stack.until(() => waitingOnLock(pool, /FROM cases/), 'the list to wait on the lock');
    exited = stack.signal('api', 'SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.running('api')).toBe(true);
    // A new request finds the door shut: the connection is refused, or Fastify answers 503 while it closes.
    const late = await stack.http('GET', '/healthz').then(
      (res) => res.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
  } finally {
    await release();
  }
  const answered = await inFlight;
  expect(answered.status).toBe(200);
  expect(answered.body.cases.length).toBeGreaterThanOrEqual(1);
  expect(await exited).toEqual({ code: 0, signal: null });
  expect(stack.output.join('')).toMatch(/"msg":"closed"/);
});

test('the processes logged no personal data while stopping', () => {
  expect(stack.output.join('')).not.toMatch(/张三|110101199001011234|李四|某街1号/);
});
