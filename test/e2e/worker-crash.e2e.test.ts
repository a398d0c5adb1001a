/**
 * End to end: the worker dies (SIGKILL) after a flush of a case's records committed and before the flush reported
 * its completion to Temporal. The flush is held there by a lock the test takes on the calendar table, which the flush
 * reads right after its transaction commits, so the moment of the kill is certain. A new worker takes the case over,
 * runs the flush again, and nothing is lost or doubled: one audit row for the action, one notice to the decision
 * authority, the read model at the case's revision.
 */
import type { Pool } from 'pg';
import { action, bailStart } from '../support/cases';
import { ProcessStack } from '../support/stack';
import { lockTable, waitingOnLock } from '../support/table-locks';

let stack: ProcessStack;
let pool: Pool;

beforeAll(async () => {
  stack = await ProcessStack.start('e2e-worker-crash');
  pool = stack.pool;
});

afterAll(async () => {
  await stack?.stop();
});

const records = async (caseId: string) => ({
  actions: (await pool.query(`SELECT type FROM audit_log WHERE case_id = $1 AND kind = 'action' ORDER BY at`, [caseId])).rows,
  notices: (await pool.query(`SELECT kind, recipient FROM notices WHERE case_id = $1 AND kind = 'violation'`, [caseId])).rows,
});

test('a worker killed between the flush commit and its completion: the next worker runs it again, and nothing is lost or doubled', async () => {
  const created = await stack.http('POST', '/v1/cases', bailStart(Date.now()));
  expect(created.status).toBe(201);
  const { caseId } = created.body;
  const savedRevision = async () => Number((await pool.query('SELECT revision FROM cases WHERE case_id = $1', [caseId])).rows[0]?.revision ?? NaN);
  const started = await stack.until(async () => (Number.isNaN(await savedRevision()) ? undefined : savedRevision()), 'the read model');

  const release = await lockTable(pool, 'calendar_years');
  try {
    const violation = action({ type: 'violation-reported', by: 'subject', description: '未按时报到' });
    const answered = await stack.http('POST', `/v1/cases/${encodeURIComponent(caseId)}/actions`, violation);
    expect(answered.status).toBe(200);
    await stack.until(() => waitingOnLock(pool, /FROM calendar_years/), 'the flush, committed, to wait on the calendar');
    // Committed: the action's audit row, the notice and the read model's revision are in; the flush has not returned.
    expect(await records(caseId)).toEqual({
      actions: [{ type: 'violation-reported' }],
      notices: [{ kind: 'violation', recipient: 'decision-authority' }],
    });
    expect(await savedRevision()).toBeGreaterThan(started);

    await stack.killWorker();
  } finally {
    await release();
  }
  stack.startWorker();

  // The case's workflow task timed out with the dead worker, and the new worker ran the flush again (idempotently).
  await stack.until(async () => {
    const events = await stack.history(caseId);
    const timedOut = events.findIndex((e) => e.workflowTaskTimedOutEventAttributes);
    return timedOut >= 0 && events.slice(timedOut).some((e) => e.workflowTaskCompletedEventAttributes) ? true : undefined;
  }, 'the new worker to take the case over');
  expect((await stack.report(caseId, action({ type: 'subject-reported' }))).status).toBe(200);
  await stack.until(async () => ((await records(caseId)).actions.length === 2 ? true : undefined), 'the next action recorded');

  expect(await records(caseId)).toEqual({
    actions: [{ type: 'violation-reported' }, { type: 'subject-reported' }],
    notices: [{ kind: 'violation', recipient: 'decision-authority' }],
  });
  // The read model, written in the same transaction as the last audit row, says what the case itself says.
  const strong = (await stack.http('GET', `/v1/cases/${encodeURIComponent(caseId)}?consistency=strong`)).body;
  const { revision, writtenAt, ...read } = (await stack.http('GET', `/v1/cases/${encodeURIComponent(caseId)}`)).body;
  expect(revision).toBeGreaterThan(started);
  expect(writtenAt).toEqual(expect.any(String));
  expect(read).toEqual(strong);
});
