import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { BailStart } from '../../src/domain/bail-surveillance.schema';
import type { BailRecords } from '../../src/domain/bail-surveillance';
import { builtInCalendar } from '../../src/domain/calendar';
import { type CaseView, submitActionUpdate } from '../../src/domain/case';
import { workflowTypes } from '../../src/domain/procedures';
import { addDays, addMonths, computeDeadline, endOfDay, formatInstant, localDate, parseInstant, startOfDay } from '../../src/domain/legal-time';
import * as workflows from '../../workflows';
import { useCaseHarness } from '../support/case-harness';
import { act, action, bailStart, noticesOf, obligation, view, rejection } from '../support/cases';

const hour = 3_600_000;
const day = 24 * hour;

const harness = useCaseHarness();

function withCase(
  start: (now: number) => BailStart,
  body: (handle: WorkflowHandle, s: BailStart, now: number) => Promise<void>,
  maxHistoryEvents?: number,
): Promise<void> {
  return harness.withCase(start, body, { maxHistoryEvents });
}

const skipTo = (at: number) => harness.skipTo(at);
const resultOf = (handle: WorkflowHandle) => harness.resultOf(handle);


test('the workflow type names the API uses are the ones the worker registers', () => {
  expect(Object.values(workflowTypes).sort()).toEqual(Object.keys(workflows).sort());
});

test('subject reports, rules explained, feedback within 3 days, authority notified 10 days before the term ends, decision ends the case', async () => {
  await withCase(
    (now) => bailStart(now),
    async (handle, s, now) => {
      const reportedAt = now + 2 * hour;
      await skipTo(reportedAt);
      let v = await act(handle, action({ type: 'subject-reported', at: formatInstant(reportedAt) }));
      expect(obligation(v, 'subject-report')).toMatchObject({ status: 'done', late: false });
      // 三日内: the feedback window runs from the later of notice and report, by the period rule.
      const feedbackDue = computeDeadline('within-days', reportedAt, 3, builtInCalendar);
      expect(obligation(v, 'authority-feedback')).toMatchObject({ status: 'pending', dueAt: feedbackDue.due });

      v = await act(handle, action({ type: 'rules-explained' }));
      expect(obligation(v, 'rules-explained')).toMatchObject({ status: 'done', late: false });
      v = await act(handle, action({ type: 'feedback-sent', documentRef: 'FK-2026-001' }));
      expect(obligation(v, 'authority-feedback')).toMatchObject({ status: 'done', late: false });
      expect(noticesOf(v, 'authority-feedback')).toEqual([expect.objectContaining({ recipient: 'decision-authority' })]);

      // 期限届满十日前: the system notifies the decision authority on the latest working day.
      const expiry = computeDeadline('days-before', s.termEnd, 10, builtInCalendar);
      expect(obligation(v, 'expiry-notice')).toMatchObject({ status: 'pending', dueAt: expiry.due, responsible: 'system' });
      await skipTo(startOfDay(localDate(expiry.dueMs)) + 9 * hour);
      v = await view(handle);
      expect(obligation(v, 'expiry-notice')).toMatchObject({ status: 'done', late: false, completedBy: 'system' });
      const notified = noticesOf(v, 'expiry-notice');
      expect(notified).toHaveLength(1);
      expect(notified[0].recipient).toBe('decision-authority');
      expect(parseInstant(notified[0].createdAt)).toBeLessThanOrEqual(expiry.dueMs);

      v = await act(handle, action({ type: 'authority-decided', decision: 'case-closed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'case-closed' });
      expect(obligation(v, 'authority-decision')).toMatchObject({ status: 'done', late: false });
      const result = (await resultOf(handle)) as CaseView<BailRecords>;
      expect(result.status).toBe('closed');
      await harness.recordHistory(handle, 'bail-surveillance-closed');
      expect(result.obligations.filter((o) => o.status === 'pending' || o.status === 'overdue')).toEqual([]);
      // The duties that were kept were never escalated (the monthly checks this test skipped were).
      const kept = ['subject-report', 'rules-explained', 'authority-feedback', 'expiry-notice', 'authority-decision'];
      const escalated = result.notices.filter((n) => n.recipient === 'station-leader' || n.recipient === 'supervisor');
      expect(escalated.filter((n) => kept.includes(n.obligationKey ?? ''))).toEqual([]);
      expect(escalated.map((n) => n.obligationKey)).toContain('compliance-check');
    },
  );
});

test('feedback missed: overdue at the deadline, station leader notified, supervisor after the grace period, late feedback recorded as late', async () => {
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      let v = await act(handle, action({ type: 'subject-reported' }));
      const due = parseInstant(obligation(v, 'authority-feedback').dueAt);

      await skipTo(due - 12 * hour);
      v = await view(handle);
      expect(noticesOf(v, 'reminder').filter((n) => n.obligationKey === 'authority-feedback')).toEqual([
        expect.objectContaining({ recipient: 'officer' }),
      ]);
      expect(obligation(v, 'authority-feedback').status).toBe('pending');

      await skipTo(due);
      v = await view(handle);
      expect(obligation(v, 'authority-feedback')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(due) });
      const first = noticesOf(v, 'overdue-escalation').filter((n) => n.obligationKey === 'authority-feedback');
      expect(first.map((n) => n.recipient)).toEqual(['station-leader']);
      expect(first[0].createdAt).toBe(formatInstant(due));
      expect(noticesOf(v, 'supervisor-escalation').filter((n) => n.obligationKey === 'authority-feedback')).toEqual([]);
      expect(v.overdueCount).toBeGreaterThanOrEqual(1);

      await skipTo(due + 48 * hour);
      v = await view(handle);
      const second = noticesOf(v, 'supervisor-escalation').filter((n) => n.obligationKey === 'authority-feedback');
      expect(second.map((n) => [n.recipient, n.createdAt])).toEqual([['supervisor', formatInstant(due + 48 * hour)]]);

      v = await act(handle, action({ type: 'feedback-sent' }));
      expect(obligation(v, 'authority-feedback')).toMatchObject({ status: 'done', late: true });
      expect(noticesOf(v, 'authority-feedback')).toHaveLength(1);
    },
  );
});

test('subject never reports: the station and the decision authority are notified at the deadline; a late report is still accepted', async () => {
  await withCase(
    (now) => bailStart(now),
    async (handle, s) => {
      const reportBy = parseInstant(s.reportBy);
      await skipTo(reportBy);
      let v = await view(handle);
      expect(obligation(v, 'subject-report')).toMatchObject({ status: 'overdue' });
      const missed = noticesOf(v, 'subject-not-reported');
      expect(missed.map((n) => n.recipient).sort()).toEqual(['decision-authority', 'station']);
      expect(missed.every((n) => n.createdAt === formatInstant(reportBy))).toBe(true);

      await skipTo(reportBy + 3 * day);
      v = await view(handle);
      expect(noticesOf(v, 'supervisor-escalation').filter((n) => n.obligationKey === 'subject-report')).toEqual([]);

      v = await act(handle, action({ type: 'subject-reported' }));
      expect(obligation(v, 'subject-report')).toMatchObject({ status: 'done', late: true });
      expect(v.status).toBe('open');
      expect(obligation(v, 'authority-feedback').status).toBe('pending');
    },
  );
});

test('a report deadline already past when the case starts is acted on at once', async () => {
  await withCase(
    (now) => bailStart(now, { noticeReceivedAt: formatInstant(now - 3 * day), reportBy: formatInstant(now - 2 * day) }),
    async (handle, s, now) => {
      await harness.env.sleep(1000);
      const v = await view(handle);
      expect(obligation(v, 'subject-report').status).toBe('overdue');
      const missed = noticesOf(v, 'subject-not-reported');
      expect(missed.map((n) => n.recipient).sort()).toEqual(['decision-authority', 'station']);
      expect(parseInstant(missed[0].createdAt)).toBeLessThan(now + 60_000);
      expect(parseInstant(missed[0].createdAt)).toBeGreaterThan(parseInstant(s.reportBy));
    },
  );
});

test('a term changed by the authority moves the expiry notice and the decision deadline', async () => {
  await withCase(
    (now) => bailStart(now, { termEnd: addDays(localDate(now), 60) }),
    async (handle, s) => {
      await act(handle, action({ type: 'subject-reported' }));
      const oldExpiry = computeDeadline('days-before', s.termEnd, 10, builtInCalendar);
      const newEnd = addDays(s.termEnd, 90);
      const newExpiry = computeDeadline('days-before', newEnd, 10, builtInCalendar);
      let v = await act(handle, action({ type: 'term-changed', termEnd: newEnd }));
      const moved = obligation(v, 'expiry-notice');
      expect(moved.dueAt).toBe(newExpiry.due);
      expect(moved.changes).toEqual([expect.objectContaining({ from: oldExpiry.due, to: newExpiry.due, reason: expect.stringContaining(newEnd) })]);
      expect(obligation(v, 'authority-decision').dueAt).toBe(formatInstant(endOfDay(newEnd)));

      await skipTo(oldExpiry.dueMs);
      v = await view(handle);
      expect(noticesOf(v, 'expiry-notice')).toEqual([]);
      await skipTo(newExpiry.dueMs);
      v = await view(handle);
      expect(noticesOf(v, 'expiry-notice').map((n) => n.recipient)).toEqual(['decision-authority']);
    },
  );
});

test('term end without a decision: the decision is overdue and escalated, and the case stays open until it comes', async () => {
  await withCase(
    (now) => bailStart(now, { termEnd: addDays(localDate(now), 20) }),
    async (handle, s) => {
      await act(handle, action({ type: 'subject-reported' }));
      const termEnd = endOfDay(s.termEnd);
      await skipTo(termEnd + 49 * hour);
      let v = await view(handle);
      expect(v.status).toBe('open');
      expect(obligation(v, 'authority-decision')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(termEnd) });
      const escalations = v.notices.filter((n) => n.obligationKey === 'authority-decision');
      expect(escalations.map((n) => `${n.kind}→${n.recipient}`)).toEqual(
        expect.arrayContaining(['overdue-escalation→station-leader', 'supervisor-escalation→supervisor']),
      );
      v = await act(handle, action({ type: 'authority-decided', decision: 'revoked' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'revoked' });
      expect(obligation(v, 'authority-decision')).toMatchObject({ status: 'done', late: true });
    },
  );
});

test('applications fit the measure, violations notify the decision authority at once', async () => {
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      expect(await rejection(act(handle, action({ type: 'application-received', applicationId: 'A1', kind: 'meet-others' })))).toMatch(
        /does not apply to bail/,
      );
      let v = await act(handle, action({ type: 'application-received', applicationId: 'A1', kind: 'leave-city-or-county' }));
      expect(await rejection(act(handle, action({ type: 'application-decided', applicationId: 'A2', decision: 'approved' })))).toMatch(
        /no application A2/,
      );
      v = await act(handle, action({ type: 'application-decided', applicationId: 'A1', decision: 'approved' }));
      expect((v.records as BailRecords).applications).toEqual([expect.objectContaining({ applicationId: 'A1', decision: 'approved' })]);

      v = await act(handle, action({ type: 'violation-reported', by: 'guarantor', description: '保证人未履行监督义务' }));
      expect(noticesOf(v, 'violation').map((n) => n.recipient)).toEqual(['decision-authority']);
      expect((v.records as BailRecords).violations).toHaveLength(1);
    },
  );
});

test('invalid actions are rejected with a reason and change nothing; a repeated actionId is answered without a second effect', async () => {
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      const before = await view(handle);
      expect(await rejection(act(handle, action({ type: 'feedback-sent' })))).toMatch(/after the subject has reported/);
      expect(await rejection(act(handle, action({ type: 'rules-explained' })))).toMatch(/not reported yet/);
      expect(await rejection(act(handle, action({ type: 'authority-decided', decision: 'revoked', at: '2099-01-01T00:00:00+08:00' })))).toMatch(
        /future/,
      );
      expect(await view(handle)).toEqual(before);

      const report = action({ type: 'subject-reported' });
      const first = await act(handle, report);
      // A retried request carries the same actionId as its Update id: the server answers with the first result.
      expect(await act(handle, { ...report })).toEqual(first);
      // After continue-as-new the server no longer remembers the Update id; the case itself does.
      const again = await handle.executeUpdate(submitActionUpdate, { args: [{ ...report }], updateId: randomUUID() });
      expect(again.duplicate).toBe(true);
      expect(again.obligations).toEqual(first.obligations);
      expect(await rejection(act(handle, { ...report, at: formatInstant(Date.now() - day) }))).toMatch(/already used/);
      expect(await rejection(act(handle, action({ type: 'subject-reported' })))).toMatch(/already reported/);
      const { rows } = await harness.pool.query('SELECT type FROM audit_log WHERE case_id = $1', [handle.workflowId]);
      expect(rows.map((r) => r.type)).toEqual(['subject-reported']);
    },
  );
});

test('a 6-month residential surveillance runs to its end with every monthly check, across continue-as-new, none lost or repeated', async () => {
  await withCase(
    (now) => {
      const termStart = localDate(now);
      return bailStart(now, {
        measure: 'residential-surveillance',
        guarantee: undefined,
        termStart,
        termEnd: addDays(addMonths(termStart, 6), -1),
      });
    },
    async (handle, s) => {
      await act(handle, action({ type: 'subject-reported' }));
      await act(handle, action({ type: 'rules-explained' }));
      await act(handle, action({ type: 'feedback-sent' }));
      const months: string[] = [];
      for (let m = s.termStart.slice(0, 7); m <= s.termEnd.slice(0, 7); m = addMonths(`${m}-01`, 1).slice(0, 7)) months.push(m);
      for (const month of months) {
        // Wait into the month (its duty opens on the 1st), then the officer records the check.
        await skipTo(Math.max(startOfDay(`${month}-01`), await harness.now()) + 10 * hour);
        const v = await act(handle, action({ type: 'compliance-checked', month, compliant: true }));
        expect(obligation(v, 'compliance-check', month)).toMatchObject({ status: 'done', late: false });
      }
      await skipTo(endOfDay(s.termEnd) - 2 * hour);
      let v = await act(handle, action({ type: 'authority-decided', decision: 'case-closed' }));
      v = (await resultOf(handle)) as CaseView;
      const checks = v.obligations.filter((o) => o.key === 'compliance-check');
      expect(checks.map((c) => c.period)).toEqual(months);
      expect(checks.every((c) => c.status === 'done' && !c.late)).toBe(true);
      expect(v.run).toBeGreaterThanOrEqual(2);
      expect(noticesOf(v, 'expiry-notice')).toHaveLength(1);
      expect(v.notices.filter((n) => n.kind === 'overdue-escalation')).toEqual([]);
      const { rows } = await harness.pool.query(
        "SELECT count(*)::int AS n FROM audit_log WHERE case_id = $1 AND type = 'compliance-checked'",
        [handle.workflowId],
      );
      expect(rows[0].n).toBe(months.length);
    },
    40,
  );
}, 300_000);

test('actions that arrive while the case is writing its records still get every notice written, even the one that closes it', async () => {
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      const send = (a: ReturnType<typeof action>) => handle.executeUpdate(submitActionUpdate, { args: [a], updateId: a.actionId });
      await send(action({ type: 'violation-reported', by: 'subject', description: '未按时报到' }));
      await send(action({ type: 'violation-reported', by: 'guarantor', description: '保证人失联' }));
      await send(action({ type: 'authority-decided', decision: 'revoked' }));
      const result = (await resultOf(handle)) as CaseView;
      expect(noticesOf(result, 'violation')).toHaveLength(2);
      const { rows } = await harness.pool.query('SELECT kind, recipient FROM notices WHERE case_id = $1', [handle.workflowId]);
      expect(rows).toEqual([
        { kind: 'violation', recipient: 'decision-authority' },
        { kind: 'violation', recipient: 'decision-authority' },
      ]);
    },
  );
});
