import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { builtInCalendar } from '../../src/domain/calendar';
import type { CaseView } from '../../src/domain/case';
import type { HazardRecords } from '../../src/domain/hazard-rectification';
import { type HazardStart, hazardStartSchema } from '../../src/domain/hazard-rectification.schema';
import { addDays, computeDeadline, endOfDay, formatInstant, localDate, parseInstant, startOfDay } from '../../src/domain/legal-time';
import { useCaseHarness } from '../support/case-harness';
import { act, action, noticesOf, obligation, view, rejection } from '../support/cases';

const hour = 3_600_000;
const day = 24 * hour;

const harness = useCaseHarness();

/** A hazard-rectification case whose dates are laid out from `now` (the test server's clock): decided an hour ago. */
function hazardStart(now: number, overrides: Partial<HazardStart> = {}): HazardStart {
  return hazardStartSchema.parse({
    procedure: 'hazard-rectification',
    caseNumber: `ZG-${randomUUID().slice(0, 8)}`,
    stationId: 'S-01',
    officerId: 'P-20931',
    unit: { name: '某某商贸有限公司', creditCode: '91350100M000100Y43', keyUnit: false },
    inspection: { at: formatInstant(now - 2 * hour), assistantId: 'FJ-0412', recordingRef: 'ZFJLY-0001' },
    hazards: [{ description: '消防通道堆放杂物' }, { description: '监控设施损坏未修复' }],
    decidedAt: formatInstant(now - hour),
    rectifyBy: addDays(localDate(now), 10),
    warningIssued: true,
    ...overrides,
  });
}

function withCase(
  start: (now: number) => HazardStart,
  body: (handle: WorkflowHandle, s: HazardStart, now: number) => Promise<void>,
): Promise<void> {
  return harness.withCase(start, body);
}

const skipTo = (at: number) => harness.skipTo(at);
const resultOf = (handle: WorkflowHandle) => harness.resultOf<CaseView<HazardRecords>>(handle);


const records = (v: CaseView) => v.records as HazardRecords;
const sent = (v: CaseView, key?: string) =>
  v.notices.filter((n) => key === undefined || n.obligationKey === key).map((n) => `${n.kind}→${n.recipient}`);
/** The re-inspection of a round is due within 3 days after its deadline, by the period rule. */
const reinspectionDue = (rectifyBy: string) => computeDeadline('within-days', endOfDay(rectifyBy), 3, builtInCalendar);
/** When the re-inspection window of a deadline opens: the day after it. */
const expiry = (rectifyBy: string) => startOfDay(addDays(rectifyBy, 1));

test('filing on time: the decision is filed within 24 hours and the station receives it; nothing is escalated', async () => {
  await withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      const decidedAt = parseInstant(s.decidedAt);
      const due = computeDeadline('within-hours', decidedAt, 24, builtInCalendar);
      let v = await view(handle);
      expect(obligation(v, 'filing')).toMatchObject({ status: 'pending', dueAt: due.due, basis: expect.objectContaining({ rule: 'within-hours' }) });
      expect(records(v)).toMatchObject({ stage: 'rectifying', hazardCount: 2, rounds: [{ round: 1, rectifyBy: s.rectifyBy, setBy: 'decision' }] });
      expect(obligation(v, 'reinspection', 'round-1')).toMatchObject({
        status: 'pending',
        opensAt: formatInstant(expiry(s.rectifyBy)),
        dueAt: reinspectionDue(s.rectifyBy).due,
      });

      // Time-skip 20 hours: the officer files and reports the filing number.
      await skipTo(decidedAt + 20 * hour);
      v = await act(handle, action({ type: 'filed', filingNumber: 'BA-2026-0193' }));
      expect(obligation(v, 'filing')).toMatchObject({ status: 'done', late: false });
      expect(records(v).filing).toMatchObject({ filingNumber: 'BA-2026-0193', late: false });
      expect(sent(v)).toEqual(['filing→station']);
      expect(await rejection(act(handle, action({ type: 'filed', filingNumber: 'BA-2026-0194' })))).toMatch(/already been filed/);

      // Time-skip past the deadline and the supervisor's grace period: nothing about the filing is escalated.
      await skipTo(due.dueMs + 49 * hour);
      v = await view(handle);
      expect(sent(v, 'filing')).toEqual(['filing→station']);
    },
  );
});

test('filing late: overdue at 24 hours with an escalation to the station leader, the supervisor after the grace period, a late filing kept as late', async () => {
  await withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      const due = computeDeadline('within-hours', parseInstant(s.decidedAt), 24, builtInCalendar).dueMs;

      // Time-skip to an hour before the 24 hours end: still pending.
      await skipTo(due - hour);
      let v = await view(handle);
      expect(obligation(v, 'filing').status).toBe('pending');
      expect(sent(v, 'filing')).toEqual([]);

      // Time-skip to the 24th hour: the filing is overdue and the station leader is told at that moment.
      await skipTo(due);
      v = await view(handle);
      expect(obligation(v, 'filing')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(due) });
      const escalated = v.notices.filter((n) => n.obligationKey === 'filing');
      expect(escalated.map((n) => [n.kind, n.recipient, n.createdAt])).toEqual([['overdue-escalation', 'station-leader', formatInstant(due)]]);
      expect(v.overdueCount).toBe(1);

      // Time-skip 48 hours more: the supervisor is told.
      await skipTo(due + 48 * hour);
      v = await view(handle);
      expect(sent(v, 'filing')).toEqual(['overdue-escalation→station-leader', 'supervisor-escalation→supervisor']);

      v = await act(handle, action({ type: 'filed', filingNumber: 'BA-2026-0200' }));
      expect(obligation(v, 'filing')).toMatchObject({ status: 'done', late: true });
      expect(records(v).filing).toMatchObject({ late: true });
      expect(noticesOf(v, 'filing').map((n) => n.recipient)).toEqual(['station']);
      expect(v.overdueCount).toBe(0);
    },
  );
});

test('an approved extension: the written request is reviewed and reported to the station, and the approval moves the re-inspection', async () => {
  await withCase(
    (now) => hazardStart(now),
    async (handle, s, now) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-1' }));
      const firstDue = reinspectionDue(s.rectifyBy);

      // Time-skip 2 days: the unit asks in writing for 20 more days.
      const requestedAt = now + 2 * day;
      await skipTo(requestedAt);
      let v = await act(handle, action({ type: 'extension-requested', documentRef: 'YQSQ-001', requestedUntil: addDays(s.rectifyBy, 20), at: formatInstant(requestedAt) }));
      const reviewDue = computeDeadline('within-days', requestedAt, 3, builtInCalendar);
      expect(obligation(v, 'extension-review', 'request-1')).toMatchObject({ status: 'pending', dueAt: reviewDue.due, responsible: 'officer' });
      expect(await rejection(act(handle, action({ type: 'extension-decided', decision: 'approved', newDeadline: addDays(s.rectifyBy, 15) })))).toMatch(
        /not yet reviewed the request/,
      );

      v = await act(handle, action({ type: 'extension-reviewed', recommendation: 'approve' }));
      expect(obligation(v, 'extension-review', 'request-1')).toMatchObject({ status: 'done', late: false });
      expect(sent(v, 'extension-review')).toEqual(['extension-review→station']);

      // The station approves 15 more days: the re-inspection follows the new deadline.
      const newDeadline = addDays(s.rectifyBy, 15);
      const newDue = reinspectionDue(newDeadline);
      v = await act(handle, action({ type: 'extension-decided', decision: 'approved', newDeadline }));
      const reinspection = obligation(v, 'reinspection', 'round-1');
      expect(reinspection).toMatchObject({ status: 'pending', opensAt: formatInstant(expiry(newDeadline)), dueAt: newDue.due });
      expect(reinspection.changes).toEqual([expect.objectContaining({ from: firstDue.due, to: newDue.due, reason: expect.stringContaining(newDeadline) })]);
      expect(records(v).rounds).toEqual([
        expect.objectContaining({
          rectifyBy: newDeadline,
          extensions: [expect.objectContaining({ documentRef: 'YQSQ-001', recommendation: 'approve', decision: 'approved', newDeadline })],
        }),
      ]);

      // Time-skip past the old re-inspection deadline: nothing is due, nothing escalated, and the unit still has time.
      await skipTo(firstDue.dueMs);
      v = await view(handle);
      expect(obligation(v, 'reinspection', 'round-1').status).toBe('pending');
      expect(sent(v, 'reinspection')).toEqual([]);
      expect(await rejection(act(handle, action({ type: 'reinspected', result: 'passed' })))).toMatch(
        new RegExp(`runs until the end of ${newDeadline}`),
      );

      // Time-skip to the day after the new deadline: re-inspected, passed.
      await skipTo(expiry(newDeadline) + 10 * hour);
      v = await act(handle, action({ type: 'reinspected', result: 'passed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'rectified' });
      expect(records(v).kpi).toEqual({ reinspectedOnTime: 'yes', failureReported: 'not-applicable' });
      expect(sent(v)).toEqual(['filing→station', 'extension-review→station']);
    },
  );
});

test('a refused extension leaves the deadline; a review not reported in 3 days is escalated; requests without a document or after the deadline are rejected', async () => {
  await withCase(
    (now) => hazardStart(now),
    async (handle, s, now) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-2' }));
      const due = reinspectionDue(s.rectifyBy);
      expect(await rejection(act(handle, action({ type: 'extension-requested', requestedUntil: addDays(s.rectifyBy, 10) })))).toMatch(/in writing/);
      expect(
        await rejection(act(handle, action({ type: 'extension-requested', documentRef: 'YQSQ-1', requestedUntil: s.rectifyBy }))),
      ).toMatch(/does not extend/);

      const requestedAt = now + hour;
      await skipTo(requestedAt);
      await act(handle, action({ type: 'extension-requested', documentRef: 'YQSQ-1', requestedUntil: addDays(s.rectifyBy, 10), at: formatInstant(requestedAt) }));
      expect(
        await rejection(act(handle, action({ type: 'extension-requested', documentRef: 'YQSQ-2', requestedUntil: addDays(s.rectifyBy, 5) }))),
      ).toMatch(/awaits the station's decision/);

      // Time-skip to the end of the 3 days: the review is overdue and the station leader is told.
      const reviewDue = computeDeadline('within-days', requestedAt, 3, builtInCalendar).dueMs;
      await skipTo(reviewDue);
      let v = await view(handle);
      expect(obligation(v, 'extension-review', 'request-1')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(reviewDue) });
      expect(sent(v, 'extension-review')).toEqual(['reminder→officer', 'overdue-escalation→station-leader']);

      v = await act(handle, action({ type: 'extension-reviewed', recommendation: 'refuse' }));
      expect(obligation(v, 'extension-review', 'request-1')).toMatchObject({ status: 'done', late: true });
      v = await act(handle, action({ type: 'extension-decided', decision: 'refused' }));
      expect(obligation(v, 'reinspection', 'round-1')).toMatchObject({ status: 'pending', dueAt: due.due });
      expect(obligation(v, 'reinspection', 'round-1').changes).toBeUndefined();
      expect(records(v).rounds[0]).toMatchObject({ rectifyBy: s.rectifyBy, extensions: [expect.objectContaining({ decision: 'refused' })] });
      expect(sent(v, 'extension-review')).toEqual(['reminder→officer', 'overdue-escalation→station-leader', 'extension-review→station']);

      // Time-skip past the deadline: a request now comes too late.
      await skipTo(expiry(s.rectifyBy) + hour);
      expect(
        await rejection(act(handle, action({ type: 'extension-requested', documentRef: 'YQSQ-3', requestedUntil: addDays(s.rectifyBy, 30) }))),
      ).toMatch(new RegExp(`after the rectification deadline \\(${s.rectifyBy}\\)`));
    },
  );
});

test('an early re-inspection request brings the re-inspection forward: due 3 days after the request, overdue then, not at the deadline', async () => {
  await withCase(
    (now) => hazardStart(now, { rectifyBy: addDays(localDate(now), 30) }),
    async (handle, s, now) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-3' }));
      const firstDue = reinspectionDue(s.rectifyBy);
      expect(await rejection(act(handle, action({ type: 'reinspected', result: 'passed' })))).toMatch(/has not asked for an early re-inspection/);

      // Time-skip 3 days: the unit reports the hazards rectified and asks for an early re-inspection.
      const requestedAt = now + 3 * day;
      await skipTo(requestedAt);
      let v = await act(handle, action({ type: 'reinspection-requested', documentRef: 'TQFC-1', at: formatInstant(requestedAt) }));
      const earlyDue = computeDeadline('within-days', requestedAt, 3, builtInCalendar);
      const reinspection = obligation(v, 'reinspection', 'round-1');
      expect(reinspection).toMatchObject({ opensAt: formatInstant(requestedAt), dueAt: earlyDue.due });
      expect(reinspection.changes).toEqual([expect.objectContaining({ from: firstDue.due, to: earlyDue.due, reason: expect.stringMatching(/early re-inspection/) })]);
      expect(records(v).rounds[0].earlyReinspectionRequestedAt).toBe(formatInstant(requestedAt));
      expect(await rejection(act(handle, action({ type: 'reinspection-requested' })))).toMatch(/already been requested/);
      expect(
        await rejection(act(handle, action({ type: 'extension-requested', documentRef: 'YQSQ-1', requestedUntil: addDays(s.rectifyBy, 5) }))),
      ).toMatch(/early re-inspection/);

      // Time-skip to the brought-forward due time, weeks before the deadline: overdue, station leader told.
      await skipTo(earlyDue.dueMs);
      v = await view(handle);
      expect(obligation(v, 'reinspection', 'round-1')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(earlyDue.dueMs) });
      expect(sent(v, 'reinspection')).toEqual(['reminder→officer', 'overdue-escalation→station-leader']);
      expect(earlyDue.dueMs).toBeLessThan(endOfDay(s.rectifyBy));

      v = await act(handle, action({ type: 'reinspected', result: 'passed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'rectified' });
      expect(records(v).rounds[0].reinspection).toMatchObject({ dueAt: earlyDue.due, onTime: false });
      expect(records(v).kpi).toEqual({ reinspectedOnTime: 'no', failureReported: 'not-applicable' });
    },
  );
});

test('passed: re-inspected within 3 days after the deadline, the case ends as rectified with no escalation', async () => {
  await withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-4' }));
      // Time-skip to the morning after the deadline: the re-inspection window is open.
      await skipTo(expiry(s.rectifyBy) + 9 * hour);
      const v = await act(handle, action({ type: 'reinspected', result: 'passed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'rectified' });
      expect(obligation(v, 'reinspection', 'round-1')).toMatchObject({ status: 'done', late: false });
      expect(records(v)).toMatchObject({
        stage: 'rectified',
        rounds: [{ round: 1, result: 'passed', reinspection: { dueAt: reinspectionDue(s.rectifyBy).due, onTime: true } }],
        kpi: { reinspectedOnTime: 'yes', failureReported: 'not-applicable' },
      });
      const result = await resultOf(handle);
      expect(result.status).toBe('closed');
      await harness.recordHistory(handle, 'hazard-rectification-rectified');
      expect(result.obligations.filter((o) => o.status === 'pending' || o.status === 'overdue')).toEqual([]);
      expect(sent(result)).toEqual(['filing→station']);
      const { rows } = await harness.pool.query('SELECT kind, recipient FROM notices WHERE case_id = $1', [handle.workflowId]);
      expect(rows).toEqual([{ kind: 'filing', recipient: 'station' }]);
    },
  );
});

test('failed with a justified reason: reported to the township government, the station sets a new deadline, the second round passes', async () => {
  await withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-5' }));
      await skipTo(expiry(s.rectifyBy) + 10 * hour);
      const reinspectedAt = await harness.now();
      let v = await act(handle, action({ type: 'reinspected', result: 'failed', justified: true, at: formatInstant(reinspectedAt) }));
      expect(v.status).toBe('open');
      const reportDue = computeDeadline('within-days', reinspectedAt, 3, builtInCalendar);
      expect(obligation(v, 'failure-report', 'round-1')).toMatchObject({ status: 'pending', dueAt: reportDue.due, responsible: 'officer' });
      expect(records(v)).toMatchObject({ stage: 'awaiting-new-deadline', kpi: { reinspectedOnTime: 'yes', failureReported: 'no' } });
      expect(await rejection(act(handle, action({ type: 'reinspected', result: 'passed' })))).toMatch(/no rectification period/);

      v = await act(handle, action({ type: 'failure-reported', recipient: 'township-government' }));
      expect(obligation(v, 'failure-report', 'round-1')).toMatchObject({ status: 'done', late: false });
      expect(sent(v, 'failure-report')).toEqual(['rectification-failure→township-government']);
      expect(records(v).kpi.failureReported).toBe('yes');

      // The station sets a new deadline 15 days on: a second round with its own re-inspection.
      const newDeadline = addDays(localDate(reinspectedAt), 15);
      v = await act(handle, action({ type: 'new-deadline-set', rectifyBy: newDeadline }));
      expect(obligation(v, 'reinspection', 'round-2')).toMatchObject({ status: 'pending', dueAt: reinspectionDue(newDeadline).due });
      expect(records(v)).toMatchObject({ stage: 'rectifying', rounds: [{ round: 1 }, { round: 2, rectifyBy: newDeadline, setBy: 'station' }] });

      await skipTo(expiry(newDeadline) + 10 * hour);
      v = await act(handle, action({ type: 'reinspected', result: 'passed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'rectified' });
      expect(records(v).rounds).toEqual([
        expect.objectContaining({ result: 'failed-justified', failureReport: expect.objectContaining({ recipient: 'township-government', late: false }) }),
        expect.objectContaining({ result: 'passed', reinspection: expect.objectContaining({ onTime: true }) }),
      ]);
      expect(records(v).kpi).toEqual({ reinspectedOnTime: 'yes', failureReported: 'yes' });
      expect(sent(v)).toEqual(['filing→station', 'rectification-failure→township-government']);
    },
  );
});

test('a justified failure not reported within 3 days is escalated; the late report to the superior department still counts as reported', async () => {
  await withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-6' }));
      await skipTo(expiry(s.rectifyBy) + 10 * hour);
      let v = await act(handle, action({ type: 'reinspected', result: 'failed', justified: true }));
      const reportDue = parseInstant(obligation(v, 'failure-report', 'round-1').dueAt);

      await skipTo(reportDue);
      v = await view(handle);
      expect(obligation(v, 'failure-report', 'round-1')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(reportDue) });
      expect(sent(v, 'failure-report')).toEqual(['reminder→officer', 'overdue-escalation→station-leader']);

      v = await act(handle, action({ type: 'failure-reported', recipient: 'superior-department' }));
      expect(obligation(v, 'failure-report', 'round-1')).toMatchObject({ status: 'done', late: true });
      expect(noticesOf(v, 'rectification-failure').map((n) => n.recipient)).toEqual(['superior-department']);
      expect(records(v).kpi.failureReported).toBe('yes');
      expect(await rejection(act(handle, action({ type: 'failure-reported', recipient: 'township-government' })))).toMatch(/no failed rectification/);
    },
  );
});

test('failed without a justified reason: the station is notified to handle it as failure to rectify in time, and the case ends as referred', async () => {
  await withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-7' }));
      await skipTo(expiry(s.rectifyBy) + 10 * hour);
      const v = await act(handle, action({ type: 'reinspected', result: 'failed', justified: false }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'referred' });
      expect(records(v)).toMatchObject({
        stage: 'referred',
        rounds: [{ result: 'failed-unjustified' }],
        kpi: { reinspectedOnTime: 'yes', failureReported: 'not-applicable' },
      });
      expect(noticesOf(v, 'referral').map((n) => [n.recipient, n.article])).toEqual([['station', '61']]);
      const result = await resultOf(handle);
      expect(result.obligations.filter((o) => o.key === 'failure-report')).toEqual([]);
      const { rows } = await harness.pool.query('SELECT kind, recipient FROM notices WHERE case_id = $1 ORDER BY id', [handle.workflowId]);
      expect(rows).toEqual([
        { kind: 'filing', recipient: 'station' },
        { kind: 'referral', recipient: 'station' },
      ]);
    },
  );
});

test('actions out of order are rejected with a reason and change nothing', async () => {
  await withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      const before = await view(handle);
      const reasons = [
        await rejection(act(handle, action({ type: 'filed', filingNumber: 'BA-8', at: formatInstant(parseInstant(s.decidedAt) - hour) }))),
        await rejection(act(handle, action({ type: 'extension-reviewed' }))),
        await rejection(act(handle, action({ type: 'extension-decided', decision: 'refused' }))),
        await rejection(act(handle, action({ type: 'reinspected', result: 'failed', justified: true }))),
        await rejection(act(handle, action({ type: 'failure-reported', recipient: 'township-government' }))),
        await rejection(act(handle, action({ type: 'new-deadline-set', rectifyBy: addDays(s.rectifyBy, 10) }))),
      ];
      expect(reasons).toEqual([
        expect.stringMatching(/before the rectification decision/),
        expect.stringMatching(/no extension request awaits review/),
        expect.stringMatching(/no extension request awaits a decision/),
        expect.stringMatching(/has not asked for an early re-inspection/),
        expect.stringMatching(/no failed rectification awaits a report/),
        expect.stringMatching(/follows a re-inspection that failed with a justified reason/),
      ]);
      expect(await view(handle)).toEqual(before);
      const { rows } = await harness.pool.query('SELECT count(*)::int AS n FROM audit_log WHERE case_id = $1', [handle.workflowId]);
      expect(rows[0].n).toBe(0);
    },
  );
});
