import { randomUUID } from 'node:crypto';
import { type WorkflowHandle, WorkflowFailedError } from '@temporalio/client';
import type { BailStart } from '../../src/procedures/bail-surveillance/schema';
import type { BailRecords } from '../../src/procedures/bail-surveillance/descriptor';
import type { CaseActivities } from '../../activities';
import { type CaseView, caseStartRejected, submitActionUpdate } from '../../src/case/contract';
import { recordsBlockedSinceKey } from '../../src/domain/search-attributes';
import { addDays, addMonths, endOfDay, formatInstant, localDate, parseInstant, startOfDay } from '../../src/case/legal-time';
import { useCaseHarness } from '../support/case-harness';
import { act, action, bailStart, fakeActivities, inReminderWindow, noticesOf, obligation, realTime, rejection, settle, view } from '../support/cases';

const hour = 3_600_000;
const day = 24 * hour;

const harness = useCaseHarness();

function withCase(
  start: (now: number) => BailStart,
  body: (handle: WorkflowHandle, s: BailStart, now: number) => Promise<void>,
  options: { maxHistoryEvents?: number; activities?: CaseActivities } = {},
): Promise<void> {
  return harness.withCase(start, body, options);
}

const skipTo = (at: number) => harness.skipTo(at);
const resultOf = (handle: WorkflowHandle) => harness.resultOf(handle);

test('subject reports, rules explained, feedback within 3 days, the officer reminded of the expiry report and sending it with the compliance summary, decision ends the case', async () => {
  await withCase(
    (now) => bailStart(now),
    async (handle, s, now) => {
      const reportedAt = now + 2 * hour;
      await skipTo(reportedAt);
      let v = await act(handle, action({ type: 'subject-reported', at: formatInstant(reportedAt) }));
      expect(obligation(v, 'subject-report')).toMatchObject({ status: 'done', late: false });
      expect(obligation(v, 'authority-feedback').status).toBe('pending');

      v = await act(handle, action({ type: 'rules-explained' }));
      expect(obligation(v, 'rules-explained')).toMatchObject({ status: 'done', late: false });
      v = await act(handle, action({ type: 'feedback-sent', documentRef: 'FK-2026-001' }));
      expect(obligation(v, 'authority-feedback')).toMatchObject({ status: 'done', late: false });
      expect(noticesOf(v, 'authority-feedback')).toEqual([expect.objectContaining({ recipient: 'decision-authority' })]);

      const month = localDate(reportedAt).slice(0, 7);
      await act(handle, action({ type: 'compliance-checked', month, compliant: true }));
      await act(handle, action({ type: 'violation-reported', by: 'guarantor', description: '未及时报告' }));

      // Time-skip to noon of the expiry report's latest day, past any morning reminder (the simulator pins which
      // morning and minute): the case's timer fired and the officer was reminded; nothing goes to the authority on its own.
      const expiryDue = parseInstant(obligation(v, 'expiry-report').dueAt);
      expect(obligation(v, 'expiry-report')).toMatchObject({ status: 'pending', responsible: 'officer' });
      await skipTo(expiryDue - 12 * hour);
      v = await view(handle);
      const expiryNotices = v.notices.filter((n) => n.obligationKey === 'expiry-report');
      expect(expiryNotices.map((n) => `${n.kind} → ${n.recipient} in the window: ${inReminderWindow(n.createdAt, expiryDue)}`)).toEqual([
        'reminder → officer in the window: true',
      ]);
      expect(noticesOf(v, 'expiry-notice')).toEqual([]);
      v = await act(handle, action({ type: 'expiry-report-sent', documentRef: 'TZ-2026-001' }));
      expect(obligation(v, 'expiry-report')).toMatchObject({ status: 'done', late: false });
      await settle(handle);
      const { rows: reports } = await harness.pool.query(`SELECT recipient, facts FROM notices WHERE case_id = $1 AND kind = 'expiry-report'`, [
        handle.workflowId,
      ]);
      expect(reports).toEqual([
        {
          recipient: 'decision-authority',
          facts: expect.objectContaining({
            termEnd: s.termEnd,
            complianceChecks: 1,
            complianceChecksNonCompliant: 0,
            violationsBySubject: 0,
            violationsByGuarantor: 1,
            applications: 0,
            late: false,
            documentRef: 'TZ-2026-001',
          }),
        },
      ]);

      v = await act(handle, action({ type: 'authority-decided', decision: 'case-closed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'case-closed' });
      expect(obligation(v, 'authority-decision')).toMatchObject({ status: 'done', late: false });
      const result = (await resultOf(handle)) as CaseView<BailRecords>;
      expect(result.status).toBe('closed');
      await harness.recordHistory(handle, 'bail-surveillance-closed');
      expect(result.obligations.filter((o) => o.status === 'pending' || o.status === 'overdue')).toEqual([]);
      // The duties that were kept were never escalated (the monthly checks this test skipped were).
      const kept = ['subject-report', 'rules-explained', 'authority-feedback', 'expiry-report', 'authority-decision'];
      const escalated = result.notices.filter((n) => n.recipient === 'station-leader' || n.recipient === 'supervisor');
      expect(escalated.filter((n) => kept.includes(n.obligationKey ?? ''))).toEqual([]);
      expect(escalated.map((n) => n.obligationKey)).toContain('compliance-check');
    },
  );
});

test('timers fire on the server: reminder, overdue escalation and the supervisor escalation reach the notice activity at their times', async () => {
  const activities = fakeActivities();
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      let v = await act(handle, action({ type: 'subject-reported' }));
      const due = parseInstant(obligation(v, 'authority-feedback').dueAt);
      const written = () =>
        activities.noticeWritten.mock.calls
          .map(([n]) => n)
          .filter((n) => n.obligationKey === 'authority-feedback')
          .map((n) => `${n.kind} → ${n.recipient} @ ${formatInstant(n.createdAt)}`);

      await skipTo(due + 48 * hour);
      const reminded = activities.noticeWritten.mock.calls.map(([n]) => n).find((n) => n.obligationKey === 'authority-feedback');
      expect(inReminderWindow(reminded!.createdAt, due)).toBe(true);
      expect(written()).toEqual([
        `reminder → officer @ ${formatInstant(reminded!.createdAt)}`,
        `overdue-escalation → station-leader @ ${formatInstant(due)}`,
        `supervisor-escalation → supervisor @ ${formatInstant(due + 48 * hour)}`,
      ]);
      v = await act(handle, action({ type: 'feedback-sent' }));
      expect(obligation(v, 'authority-feedback')).toMatchObject({ status: 'done', late: true });
      await settle(handle);
      expect(activities.actionRecorded.mock.calls.map(([entry]) => entry.type)).toEqual(['subject-reported', 'feedback-sent']);
      // The read model is written with the revision that grows with every change.
      const revisions = activities.caseSaved.mock.calls.map(([input]) => input.revision);
      expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
    },
    { activities },
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
      const reportOpens = parseInstant(obligation(await view(handle), 'expiry-report').opensAt!);
      let checked = 0;
      let reported = false;
      for (const month of months) {
        // Wait into the month (its duty opens on the 1st), then the officer records the check.
        const next = Math.max(startOfDay(`${month}-01`), await harness.now()) + 10 * hour;
        if (!reported && reportOpens + 10 * hour <= next) {
          // The expiry report's window has opened: the officer visits the subject and reports to the authority.
          await skipTo(reportOpens + 10 * hour);
          await act(handle, action({ type: 'visited-in-full' }));
          const v = await act(handle, action({ type: 'expiry-report-sent' }));
          expect(obligation(v, 'expiry-report')).toMatchObject({ status: 'done', late: false });
          reported = true;
          await skipTo(next);
        } else {
          await skipTo(next);
        }
        const v = await act(handle, action({ type: 'compliance-checked', month, compliant: true }));
        expect(obligation(v, 'compliance-check', month)).toMatchObject({ status: 'done', late: false });
        if (!reported) checked++;
      }
      await skipTo(endOfDay(s.termEnd) - 2 * hour);
      let v = await act(handle, action({ type: 'authority-decided', decision: 'case-closed' }));
      v = (await resultOf(handle)) as CaseView;
      const checks = v.obligations.filter((o) => o.key === 'compliance-check');
      expect(checks.map((c) => c.period)).toEqual(months);
      expect(checks.every((c) => c.status === 'done' && !c.late)).toBe(true);
      expect(v.run).toBeGreaterThanOrEqual(2);
      expect(noticesOf(v, 'expiry-notice')).toEqual([]);
      expect(noticesOf(v, 'expiry-report')).toHaveLength(1);
      expect(obligation(v, 'half-yearly-visit', '1')).toMatchObject({ status: 'done', late: false });
      expect(v.notices.filter((n) => n.kind === 'overdue-escalation')).toEqual([]);
      const { rows: reports } = await harness.pool.query(`SELECT facts FROM notices WHERE case_id = $1 AND kind = 'expiry-report'`, [
        handle.workflowId,
      ]);
      expect(reports.map((r) => [r.facts.complianceChecks, r.facts.fullVisits])).toEqual([[checked, 1]]);
      const { rows } = await harness.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE case_id = $1 AND type = 'compliance-checked'", [
        handle.workflowId,
      ]);
      expect(rows[0].n).toBe(months.length);
    },
    { maxHistoryEvents: 40 },
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

test('a start that passed no API and that the procedure cannot begin fails the case with the reason, not its workflow task forever', async () => {
  await withCase(
    (now) => ({ ...bailStart(now), reportBy: 'not a time' }),
    async (handle) => {
      const failure = await harness.resultOf(handle).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause).toMatchObject({
        type: caseStartRejected,
        message: expect.stringMatching(/^the case cannot start: /),
      });
      const { events } = await handle.fetchHistory();
      expect(events?.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
    },
    { activities: fakeActivities() },
  );
});

test('a database that keeps failing delays the records, never the deadlines; the case says since when, then catches up without a duplicate', async () => {
  let down = true;
  const written: string[] = [];
  const activities = fakeActivities();
  activities.noticeWritten.mockImplementation(async (notice) => {
    if (down) throw new Error('connection refused');
    written.push(notice.key);
  });
  activities.actionRecorded.mockImplementation(async (entry) => {
    if (down) throw new Error('connection refused');
    written.push(`audit/${entry.actionId}`);
  });
  activities.caseSaved.mockImplementation(async () => {
    if (down) throw new Error('connection refused');
    return { saved: true, newerCalendarYears: [] };
  });
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      const reported = action({ type: 'subject-reported' });
      let v = await act(handle, reported);
      const due = parseInstant(obligation(v, 'authority-feedback').dueAt);

      // Time-skip to 48 h after the feedback deadline with every write failing: the deadlines were kept all the same.
      await skipTo(due + 48 * hour);
      v = await view(handle);
      expect(obligation(v, 'authority-feedback')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(due) });
      expect(noticesOf(v, 'supervisor-escalation').filter((n) => n.obligationKey === 'authority-feedback')).toEqual([
        expect.objectContaining({ recipient: 'supervisor', createdAt: formatInstant(due + 48 * hour) }),
      ]);
      expect(v.recordsBlockedSince).toBeDefined();
      expect(parseInstant(v.recordsBlockedSince!)).toBeLessThan(due);
      expect((await handle.describe()).typedSearchAttributes.get(recordsBlockedSinceKey)).toBeInstanceOf(Date);
      expect(written).toEqual([]);

      // The database is back: within the longest back-off every record is written, each once, and the flag is gone.
      down = false;
      await skipTo(due + 50 * hour);
      await settle(handle);
      v = await view(handle);
      expect(v.recordsBlockedSince).toBeUndefined();
      expect((await handle.describe()).typedSearchAttributes.get(recordsBlockedSinceKey)).toBeUndefined();
      expect(new Set(written).size).toBe(written.length);
      expect(written.filter((k) => !k.startsWith('audit/'))).toHaveLength(v.notices.length);
      expect(written).toContain(`audit/${reported.actionId}`);

      // Down again: an action is accepted and its record blocked after the short retries. Back up, the next action
      // writes both at once, without waiting out the back-off (no time skipped).
      down = true;
      const explained = action({ type: 'rules-explained' });
      await act(handle, explained);
      await skipTo(due + 50 * hour + 10_000);
      expect((await view(handle)).recordsBlockedSince).toBeDefined();
      down = false;
      const violation = action({ type: 'violation-reported', by: 'subject', description: '未按规定报告' });
      await act(handle, violation);
      // The test server's clock stands still while the test only asks (no skip, no result awaited): the back-off cannot run out.
      for (let look = 0; look < 40 && (await view(handle)).recordsBlockedSince !== undefined; look++) await realTime(250);
      expect((await view(handle)).recordsBlockedSince).toBeUndefined();
      expect(written).toEqual(expect.arrayContaining([`audit/${explained.actionId}`, `audit/${violation.actionId}`]));
      expect(new Set(written).size).toBe(written.length);
    },
    { activities },
  );
}, 180_000);
