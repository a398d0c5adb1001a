/**
 * End to end: the real worker process with its notice relay, the real API, Temporal dev server and PostgreSQL (a
 * database of this suite's own), and a station system that refuses every notice: the notices are dead-lettered and
 * listed, the case keeps running, and a redelivery once the station system is fixed delivers each exactly once.
 */
import { Client, Connection } from '@temporalio/client';
import { verifySignature } from '../../src/relay/signature';
import { action, bailStart } from '../support/cases';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { ProcessStack } from '../support/stack';
import { WebhookStub } from '../support/webhook-stub';
import { testDataConverter } from '../support/payload-codec';

const secret = 'e2e-notice-webhook-secret';
let db: FreshDatabase;
let stub: WebhookStub;
let stack: ProcessStack;
let connection: Connection;

beforeAll(async () => {
  db = await freshDatabase('e2e_notices');
  stub = await WebhookStub.start();
  stack = await ProcessStack.start('e2e-notices', {
    databaseUrl: db.url,
    env: {
      NOTICE_WEBHOOK_URL: stub.url,
      NOTICE_WEBHOOK_SECRET: secret,
      NOTICE_WEBHOOK_TIMEOUT_MS: '1000',
      NOTICE_RELAY_MAX_ATTEMPTS: '3',
      NOTICE_RELAY_BACKOFF_BASE_MS: '100',
      NOTICE_RELAY_BACKOFF_CAP_MS: '200',
      NOTICE_RELAY_POLL_MS: '100',
    },
  });
  connection = await Connection.connect({ address: process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
});

afterAll(async () => {
  await stack?.stop();
  await connection?.close();
  await stub?.stop();
  await db?.drop();
});

test('a station system answering 400: the notices are dead letters, the case runs on, a redelivery delivers each once', async () => {
  stub.answer = 400;
  const start = bailStart(Date.now());
  const { caseId } = (await stack.http('POST', '/v1/cases', start)).body;
  expect((await stack.report(caseId, action({ type: 'subject-reported' }))).status).toBe(200);
  expect((await stack.report(caseId, action({ type: 'feedback-sent', documentRef: 'FK-1' }))).status).toBe(200);

  const dead = await stack.until(async () => {
    const { body } = await stack.http('GET', `/v1/notices?status=dead&caseId=${encodeURIComponent(caseId)}`);
    return body.notices.length ? body.notices : undefined;
  }, 'the feedback notice to be dead-lettered');
  expect(dead).toEqual([
    expect.objectContaining({
      caseId,
      kind: 'authority-feedback',
      recipient: 'decision-authority',
      status: 'dead',
      attempts: 3,
      lastError: 'http 400',
    }),
  ]);
  expect(stub.deliveries.map((d) => d.answered)).toEqual([400, 400, 400]);

  // The case never saw the refusals: it is running and takes the next action.
  const handle = new Client({ connection, dataConverter: testDataConverter }).workflow.getHandle(caseId);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect((await stack.report(caseId, action({ type: 'rules-explained' }))).status).toBe(200);
  expect((await handle.describe()).status.name).toBe('RUNNING');

  stub.answer = 200;
  const redelivered = await stack.http('POST', `/v1/notices/${dead[0].id}/redeliver`);
  expect(redelivered).toMatchObject({ status: 200, body: { status: 'pending', attempts: 0 } });
  const delivered = await stack.until(async () => {
    const { body } = await stack.http('GET', `/v1/notices?status=delivered&caseId=${encodeURIComponent(caseId)}`);
    return body.notices.length ? body.notices : undefined;
  }, 'the redelivered notice to be delivered');
  expect(delivered).toEqual([expect.objectContaining({ id: dead[0].id, status: 'delivered' })]);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const accepted = stub.deliveries.filter((d) => d.answered === 200);
  expect(accepted).toHaveLength(1);
  expect(accepted[0].headers['idempotency-key']).toBe(`${caseId}/${dead[0].noticeKey}`);
  expect(verifySignature(secret, String(accepted[0].headers['x-beatflow-signature']), accepted[0].body)).toBe(true);
  expect((await stack.http('POST', `/v1/notices/${dead[0].id}/redeliver`)).status).toBe(409);

  // The worker's and the API's logs never carry the subject.
  const logs = stack.output.join('');
  expect(logs).toContain('notice relay running');
  expect(logs).not.toContain(start.subject.name);
  expect(logs).not.toContain(start.subject.idNumber);
});
