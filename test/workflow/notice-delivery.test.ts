/**
 * A station system that refuses or never answers delays only the delivery of notices, never a case: on the
 * time-skipping server, a bail case with the real notice activity on the real PostgreSQL keeps its reminder and both
 * escalations on time and stays running, while the relay beside it fails against the webhook and dead-letters.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities';
import { formatInstant, parseInstant } from '../../src/case/legal-time';
import { createNoticeRelay, type NoticeRelay } from '../../src/relay/notice-relay';
import { useCaseHarness } from '../support/case-harness';
import { act, action, bailStart, inReminderWindow, obligation, silentLogger, view } from '../support/cases';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { WebhookStub } from '../support/webhook-stub';

const hour = 3_600_000;

const harness = useCaseHarness();
let db: FreshDatabase;
let stub: WebhookStub;
let relay: NoticeRelay;

beforeAll(async () => {
  // A database of its own: the relay claims every due notice, and other files' cases write theirs to the shared one.
  db = await freshDatabase('notice_delivery');
});

afterAll(async () => {
  await db?.drop();
});

beforeEach(async () => {
  stub = await WebhookStub.start();
  relay = createNoticeRelay({
    pool: db.pool,
    logger: silentLogger,
    url: stub.url,
    secret: 'notice-delivery-test-secret',
    timeoutMs: 300,
    maxAttempts: 2,
    backoffBaseMs: 100,
    backoffCapMs: 200,
    pollIntervalMs: 50,
  });
  relay.start();
});

afterEach(async () => {
  await relay?.stop();
  await stub?.stop();
});

/** The outbox rows of one duty of a case, as `kind → recipient @ created` with their delivery state. */
async function outbox(caseId: string, obligationKey: string) {
  const { rows } = await db.pool.query(
    `SELECT kind, recipient, created_at, attempts, last_error, dead_at IS NOT NULL AS dead, delivered_at IS NOT NULL AS delivered
       FROM notices WHERE case_id = $1 AND obligation_key = $2 ORDER BY created_at, kind`,
    [caseId, obligationKey],
  );
  return rows.map((r) => ({ notice: `${r.kind} → ${r.recipient} @ ${formatInstant(r.created_at.getTime())}`, ...r }));
}

async function settledOutbox(caseId: string, obligationKey: string, count: number) {
  for (let tries = 0; ; tries++) {
    const rows = await outbox(caseId, obligationKey);
    if ((rows.length >= count && rows.every((r) => r.dead)) || tries === 200) return rows;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test.each([
  ['answers 400', 400, 'http 400'],
  ['never answers', 'hang', 'timeout'],
] as const)('the station system %s: reminder and escalations on time, the case running, the notices dead-lettered', async (_what, answer, error) => {
  stub.answer = answer;
  await harness.withCase(
    (now) => bailStart(now),
    async (handle: WorkflowHandle) => {
      let v = await act(handle, action({ type: 'subject-reported' }));
      const due = parseInstant(obligation(v, 'authority-feedback').dueAt);

      // Time-skip to two days past the feedback's due time: reminder, overdue escalation, supervisor escalation.
      await harness.skipTo(due + 48 * hour);
      v = await view(handle);
      expect(obligation(v, 'authority-feedback').status).toBe('overdue');
      const rows = await settledOutbox(handle.workflowId, 'authority-feedback', 3);
      expect(inReminderWindow(rows[0].created_at.getTime(), due)).toBe(true);
      expect(rows.map((r) => r.notice)).toEqual([
        `reminder → officer @ ${formatInstant(rows[0].created_at.getTime())}`,
        `overdue-escalation → station-leader @ ${formatInstant(due)}`,
        `supervisor-escalation → supervisor @ ${formatInstant(due + 48 * hour)}`,
      ]);
      // The relay really tried the station system, failed every time, and dead-lettered each notice.
      expect(rows.map(({ attempts, last_error, dead, delivered }) => ({ attempts, last_error, dead, delivered }))).toEqual(
        rows.map(() => ({ attempts: 2, last_error: error, dead: true, delivered: false })),
      );
      expect(stub.deliveries.length).toBeGreaterThanOrEqual(6);
      expect((await handle.describe()).status.name).toBe('RUNNING');

      // The case goes on: the late feedback is recorded as late.
      v = await act(handle, action({ type: 'feedback-sent' }));
      expect(obligation(v, 'authority-feedback')).toMatchObject({ status: 'done', late: true });
      expect((await handle.describe()).status.name).toBe('RUNNING');
    },
    { activities: createActivities({ pool: db.pool, logger: silentLogger }) },
  );
});
