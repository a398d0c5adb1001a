/**
 * End to end: the real worker and API processes (built into dist/ by `npm test`), the real Temporal dev server
 * and PostgreSQL, driven over HTTP as the station system and an officer would.
 */
import type { Pool } from 'pg';
import { formatInstant } from '../../src/case/legal-time';
import { action, bailStart } from '../support/cases';
import { ProcessStack, casePath } from '../support/stack';

const day = 86_400_000;

let stack: ProcessStack;
let pool: Pool;
const output = { join: (separator: string) => stack.output.join(separator) };
const http = (method: string, url: string, body?: unknown) => stack.http(method, url, body);
const until = <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs?: number) => stack.until(probe, what, timeoutMs);

const noticeRows = (caseId: string) => stack.noticeRows(caseId);

beforeAll(async () => {
  stack = await ProcessStack.start('e2e-bail');
  pool = stack.pool;
});

afterAll(async () => {
  await stack?.stop();
});

test('a bail case through the API: start, act, survive a worker crash, idempotent retries, exact notices', async () => {
  const start = bailStart(Date.now());
  const created = await http('POST', '/v1/cases', start);
  expect(created.status).toBe(201);
  const { caseId } = created.body;
  expect((await http('POST', '/v1/cases', start)).status).toBe(200);

  const report = action({ type: 'subject-reported' });
  const reported = await http('POST', `${casePath(caseId)}/actions`, report);
  expect(reported.status).toBe(200);
  expect(await http('POST', `${casePath(caseId)}/actions`, report)).toEqual(reported);

  // The worker dies mid-case; the officer's next report waits for a worker and goes through once one is back.
  await stack.killWorker();
  const explaining = http('POST', `${casePath(caseId)}/actions`, action({ type: 'rules-explained' }));
  await new Promise((r) => setTimeout(r, 1000));
  stack.startWorker();
  const explained = await explaining;
  expect(explained.status).toBe(200);
  expect(explained.body.obligations.find((o: { key: string }) => o.key === 'rules-explained').status).toBe('done');

  expect((await http('POST', `${casePath(caseId)}/actions`, action({ type: 'feedback-sent', documentRef: 'FK-1' }))).status).toBe(200);
  expect(
    (
      await http(
        'POST',
        `${casePath(caseId)}/actions`,
        action({ type: 'violation-reported', by: 'subject', description: '未经批准离开所居住的市县' }),
      )
    ).status,
  ).toBe(200);
  const rejected = await http('POST', `${casePath(caseId)}/actions`, action({ type: 'feedback-sent' }));
  expect(rejected.status).toBe(409);

  const decided = action({ type: 'authority-decided', decision: 'changed-measure' });
  expect((await http('POST', `${casePath(caseId)}/actions`, decided)).body.status).toBe('closed');
  const retried = await http('POST', `${casePath(caseId)}/actions`, decided);
  expect(retried).toMatchObject({ status: 200, body: { status: 'closed', outcome: 'changed-measure' } });
  expect((await http('POST', `${casePath(caseId)}/actions`, action({ type: 'compliance-checked', month: '2026-12', compliant: true }))).status).toBe(
    409,
  );

  const expected = ['authority-feedback→decision-authority', 'violation→decision-authority'];
  // An activity the killed worker was running is retried once its 30 s start-to-close timeout has passed.
  await until(async () => ((await noticeRows(caseId)).length >= expected.length ? true : undefined), 'the notices to be written', 90_000);
  expect(await noticeRows(caseId)).toEqual(expected);
  // The case writes its audit rows after its notices, one activity each: wait for the last action's row too. (The API
  // adds the two refused actions to the same chain as kind 'refused'.)
  const auditTypes = async () =>
    (await pool.query(`SELECT type FROM audit_log WHERE case_id = $1 AND kind = 'action' ORDER BY id`, [caseId])).rows.map((r) => r.type);
  await until(async () => ((await auditTypes()).length >= 5 ? true : undefined), 'the audit rows to be written');
  expect(await auditTypes()).toEqual(['subject-reported', 'rules-explained', 'feedback-sent', 'violation-reported', 'authority-decided']);
  const listed = await until(async () => {
    const res = await http('GET', `/v1/cases?stationId=S-01&status=closed&limit=500`);
    return res.body.cases.find((c: { caseId: string }) => c.caseId === caseId);
  }, 'the read model to show the closed case');
  expect(listed).toMatchObject({ procedure: 'bail-surveillance', status: 'closed', outcome: 'changed-measure', overdueCount: 0 });
});

test('a case whose report deadline had passed when it arrived: the answer says so, the duty is listed for review, nobody is escalated', async () => {
  const now = Date.now();
  const reportBy = formatInstant(now - 2 * day);
  const start = bailStart(now, { noticeReceivedAt: formatInstant(now - 3 * day), reportBy });
  const { status, body } = await http('POST', '/v1/cases', start);
  expect(status).toBe(201);
  expect(body.arrivedDue).toEqual([{ key: 'subject-report', dueAt: reportBy }]);
  const view = await until(async () => {
    const res = await http('GET', casePath(body.caseId));
    return res.status === 200 ? res : undefined;
  }, 'the case in the read model');
  expect(view.body.obligations.find((o: { key: string }) => o.key === 'subject-report')).toMatchObject({
    status: 'before-adoption',
    adoption: { review: 'to-review' },
  });
  expect(view.body.overdueCount).toBe(0);
  expect(await noticeRows(body.caseId)).toEqual([]);
});

test('process logs never carry the subject', () => {
  const logs = output.join('');
  expect(logs).not.toContain('张三');
  expect(logs).not.toContain('110101199001011234');
});
