/**
 * The audit trail a reviewer reads, on the real PostgreSQL: a case's chain holds its start (who, in which role, the
 * digest of its input), its actions with their roles, what it did on its own (a duty turned overdue, each notice and
 * escalation with its recipient, a due time moved by a term change), written by its flush in the flush's transaction,
 * and the API's rows of the same case (a refusal with its reason, a redelivery); retries write nothing twice, and the
 * chain verifies. The case is the pure case (the simulator), its records written as the runtime writes them.
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { createActivities } from '../../activities';
import { canonicalJson } from '../../src/case/fingerprint';
import { auditChain, recordAccess } from '../../src/db/audit';
import { flushingActivities } from '../support/cases';
import { testPayloadCodec } from '../support/payload-codec';
import { SimulatedCase, pinnedBailStart } from '../support/simulator';

let pool: Pool;
let activities: ReturnType<typeof createActivities>;
let end: () => Promise<void>;

beforeAll(async () => {
  ({ pool, activities, end } = await flushingActivities(testPayloadCodec));
});

afterAll(() => end());

test('start, action, overdue mark, escalations, a moved deadline, a refusal with its reason and a redelivery: one chain that verifies', async () => {
  const start = pinnedBailStart({ caseNumber: `AT-${Date.now().toString(36)}` });
  const inputSha256 = createHash('sha256').update(canonicalJson(start), 'utf8').digest('hex');
  const c = SimulatedCase.start(start, '2026-03-02T09:00:00+08:00', undefined, undefined, { actor: 'SYS-01', role: 'station-system', inputSha256 });
  const caseId = c.view().caseId;
  await activities.flushRecords(c.takeRecords());

  // The subject does not report by 2026-03-04 09:00: the duty turns overdue; the station and the court are told.
  c.advanceTo('2026-03-04T10:00:00+08:00');
  const overdue = c.takeRecords();
  await activities.flushRecords(overdue);
  await activities.flushRecords(overdue); // a retry of the same flush
  c.act('subject-reported', { actor: 'P-20931', role: 'officer' });
  await activities.flushRecords(c.takeRecords());
  // The court extends the term: the expiry duties move with it.
  c.act('term-changed', { actor: 'SYS-01', role: 'station-system', termEnd: '2026-12-31' });
  await activities.flushRecords(c.takeRecords());

  // What the API writes of the same case: an officer's action the case refused, with its reason; a redelivery.
  await recordAccess(pool, {
    kind: 'refused',
    actor: 'P-20931',
    role: 'officer',
    caseId,
    type: 'feedback-sent',
    at: new Date('2026-03-04T03:00:00Z'),
    details: {
      method: 'POST',
      route: '/v1/cases/:caseId/actions',
      status: 409,
      reason: 'action-rejected',
      message: 'feedback has already been sent',
    },
  });
  await recordAccess(pool, {
    kind: 'redelivered',
    actor: 'L-01',
    role: 'station-leader',
    caseId,
    at: new Date('2026-03-04T03:05:00Z'),
    details: {
      method: 'POST',
      route: '/v1/notices/:id/redeliver',
      status: 200,
      noticeId: '7',
      kind: 'subject-not-reported',
      recipient: 'decision-authority',
    },
  });

  const { rows, chain } = await auditChain(pool, caseId);
  expect(chain).toEqual({ verified: true, rows: rows.length });
  expect(rows.map(({ kind, type, actor, role, payload }) => ({ kind, type, actor, role, payload }))).toEqual([
    {
      kind: 'case-started',
      type: 'case-started',
      actor: 'SYS-01',
      role: 'station-system',
      payload: { procedure: 'bail-surveillance', caseNumber: start.caseNumber, inputSha256 },
    },
    // Sent on their own, each to its recipient; the reminder the morning before, the escalations at the deadline.
    {
      kind: 'system',
      type: 'notice-issued',
      actor: 'system',
      role: 'system',
      payload: { kind: 'reminder', recipient: 'officer', obligationKey: 'subject-report', period: null },
    },
    {
      kind: 'system',
      type: 'notice-issued',
      actor: 'system',
      role: 'system',
      payload: { kind: 'subject-not-reported', recipient: 'decision-authority', obligationKey: 'subject-report', period: null },
    },
    {
      kind: 'system',
      type: 'notice-issued',
      actor: 'system',
      role: 'system',
      payload: { kind: 'subject-not-reported', recipient: 'station', obligationKey: 'subject-report', period: null },
    },
    {
      kind: 'system',
      type: 'duty-overdue',
      actor: 'system',
      role: 'system',
      payload: { key: 'subject-report', period: null, dueAt: '2026-03-04T01:00:00+00:00' },
    },
    { kind: 'action', type: 'subject-reported', actor: 'P-20931', role: 'officer', payload: expect.objectContaining({ type: 'subject-reported' }) },
    { kind: 'action', type: 'term-changed', actor: 'SYS-01', role: 'station-system', payload: expect.objectContaining({ termEnd: '2026-12-31' }) },
    // The decision is due at the term's end; the report to the court ten days before it (Art. 41(8)): 09-20 → 12-21.
    {
      kind: 'system',
      type: 'deadline-moved',
      actor: 'system',
      role: 'system',
      payload: {
        key: 'authority-decision',
        period: null,
        from: '2026-09-30T15:59:59+00:00',
        to: '2026-12-31T15:59:59+00:00',
        reason: 'term changed by the decision authority to end 2026-12-31',
      },
    },
    {
      kind: 'system',
      type: 'deadline-moved',
      actor: 'system',
      role: 'system',
      payload: {
        key: 'expiry-report',
        period: null,
        from: '2026-09-20T15:59:59+00:00',
        to: '2026-12-21T15:59:59+00:00',
        reason: 'term changed by the decision authority to end 2026-12-31',
      },
    },
    {
      kind: 'refused',
      type: 'feedback-sent',
      actor: 'P-20931',
      role: 'officer',
      payload: expect.objectContaining({ status: 409, reason: 'action-rejected', message: 'feedback has already been sent' }),
    },
    {
      kind: 'redelivered',
      type: undefined,
      actor: 'L-01',
      role: 'station-leader',
      payload: expect.objectContaining({ noticeId: '7', kind: 'subject-not-reported', recipient: 'decision-authority' }),
    },
  ]);
});
