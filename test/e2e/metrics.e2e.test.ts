/**
 * End to end: the API's and the worker's Prometheus endpoints (each on a port of its own) after a real run — a bail
 * case started after its report-in deadline had passed, two actions, a notice that the station system refuses until
 * it is dead-lettered, then redelivered and taken.
 */
import { freePort } from '../../src/dev/processes';
import { action, bailStart } from '../support/cases';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { ProcessStack } from '../support/stack';
import { WebhookStub } from '../support/webhook-stub';

const hour = 3_600_000;
let db: FreshDatabase;
let stub: WebhookStub;
let stack: ProcessStack;
let apiMetrics: string;
let workerMetrics: string;

beforeAll(async () => {
  db = await freshDatabase('e2e_metrics');
  stub = await WebhookStub.start();
  apiMetrics = `http://127.0.0.1:${await freePort()}/metrics`;
  workerMetrics = `http://127.0.0.1:${await freePort()}/metrics`;
  stack = await ProcessStack.start('e2e-metrics', {
    databaseUrl: db.url,
    env: {
      API_METRICS_PORT: new URL(apiMetrics).port,
      WORKER_METRICS_PORT: new URL(workerMetrics).port,
      NOTICE_WEBHOOK_URL: stub.url,
      NOTICE_WEBHOOK_SECRET: 'e2e-metrics-webhook-secret',
      NOTICE_RELAY_MAX_ATTEMPTS: '1',
      NOTICE_RELAY_POLL_MS: '100',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await stub?.stop();
  await db?.drop();
});

/** A scrape as `name{labels}` → value, labels in the exporter's order. */
async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const series = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

/** The sum of every series of `name` whose labels include each of `labels`. */
function total(series: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of series) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

test('the API counts requests by route pattern and status, and times them', async () => {
  const before = await scrape(apiMetrics);
  const start = bailStart(Date.now());
  const { caseId } = (await stack.http('POST', '/v1/cases', start)).body;
  expect((await stack.http('GET', `/v1/cases/${encodeURIComponent(caseId)}`)).status).toBe(200);
  expect((await stack.http('GET', '/v1/cases/bail-surveillance%3ANO-SUCH-CASE')).status).toBe(404);

  const after = await scrape(apiMetrics);
  const reads = { method: 'GET', route: '/v1/cases/:caseId' };
  expect(
    total(after, 'beatflow_http_requests_total', { ...reads, status: '200' }) -
      total(before, 'beatflow_http_requests_total', { ...reads, status: '200' }),
  ).toBe(1);
  expect(
    total(after, 'beatflow_http_requests_total', { ...reads, status: '404' }) -
      total(before, 'beatflow_http_requests_total', { ...reads, status: '404' }),
  ).toBe(1);
  expect(total(after, 'beatflow_http_requests_total', { method: 'POST', route: '/v1/cases', status: '201' })).toBeGreaterThanOrEqual(1);
  expect(total(after, 'beatflow_http_request_duration_seconds_count', reads)).toBeGreaterThanOrEqual(2);
  // The raw URL, with its case id, is never a label.
  expect([...after.keys()].some((key) => key.includes(caseId))).toBe(false);
  expect((await fetch(apiMetrics.replace('/metrics', '/v1/cases'))).status).toBe(404);
});

test("the worker exports the SDK's series and beatflow's: duties fired and overdue, escalations, notices written, delivered and dead", async () => {
  const now = Date.now();
  // The notice came 4 days ago; the subject is to report by tomorrow (Art. 41).
  const start = bailStart(now, {
    noticeReceivedAt: new Date(now - 4 * 24 * hour).toISOString(),
    reportBy: new Date(now + 24 * hour).toISOString(),
  });
  stub.answer = 400;
  const started = await stack.http('POST', '/v1/cases', start);
  expect(started.status).toBe(201);
  const { caseId } = started.body;
  // The subject reported 60 hours ago: the explanation of the rules, owed within 24 hours of it, is overdue at once and
  // escalated to the station leader.
  const reported = action({ type: 'subject-reported', at: new Date(now - 60 * hour).toISOString() });
  expect((await stack.report(caseId, reported)).status).toBe(200);
  expect((await stack.report(caseId, action({ type: 'feedback-sent', documentRef: 'FK-1' }))).status).toBe(200);

  const dead = await stack.until(async () => {
    const { body } = await stack.http('GET', `/v1/notices?status=dead&caseId=${encodeURIComponent(caseId)}`);
    return body.notices.find((n: { kind: string }) => n.kind === 'authority-feedback');
  }, 'the feedback notice to be dead-lettered');
  stub.answer = 200;
  // The notice's station is its case's in the read model, which the case may still be writing.
  await stack.until(async () => ((await stack.http('POST', `/v1/notices/${dead.id}/redeliver`)).status === 200 ? true : undefined), 'a redelivery');
  const series = await stack.until(async () => {
    const scraped = await scrape(workerMetrics);
    return total(scraped, 'beatflow_notices_delivered_total', { kind: 'authority-feedback' }) >= 1 ? scraped : undefined;
  }, 'the redelivered notice to be counted');

  const ofCase = { workflowType: 'bailSurveillanceWorkflow', taskQueue: stack.taskQueue };
  const { rows } = await stack.pool.query<{ kind: string }>('SELECT kind FROM notices WHERE case_id = $1', [caseId]);
  // On a month's last day the month's compliance check is reminded at once: one duty fired more.
  const reminders = rows.filter((r) => r.kind === 'reminder').length;
  const kinds = rows
    .map((r) => r.kind)
    .filter((kind) => kind !== 'reminder')
    .sort();
  expect(kinds).toEqual(['authority-feedback', 'overdue-escalation']);
  // One duty fired when overdue: the rules' explanation (escalated to the station leader); the report-in was on time
  // and the feedback was the officer's action.
  expect(total(series, 'beatflow_duties_fired_total', ofCase)).toBe(1 + reminders);
  expect(total(series, 'beatflow_duties_overdue_total', ofCase)).toBe(1);
  expect(total(series, 'beatflow_escalations_total', { ...ofCase, kind: 'overdue-escalation' })).toBe(1);
  expect(total(series, 'beatflow_notices_written_total', { ...ofCase, kind: 'subject-not-reported' })).toBe(0);
  expect(total(series, 'beatflow_notices_written_total', { ...ofCase, kind: 'overdue-escalation' })).toBe(1);
  expect(total(series, 'beatflow_notices_written_total', { ...ofCase, kind: 'authority-feedback' })).toBe(1);
  expect(total(series, 'beatflow_notices_dead_lettered_total', { kind: 'authority-feedback' })).toBe(1);
  expect(total(series, 'beatflow_notices_delivered_total', { kind: 'authority-feedback' })).toBe(1);
  // The SDK's own: workflow tasks completed, local activities run.
  expect(total(series, 'temporal_workflow_task_execution_latency_count')).toBeGreaterThan(0);
  // A case's records are written by a local activity (one flush per wake); the SDK counts those apart.
  expect(total(series, 'temporal_local_activity_execution_latency_count')).toBeGreaterThan(0);
});
