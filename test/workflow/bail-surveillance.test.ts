import type { CaseView } from '../../src/case/contract';
import type { BailRecords } from '../../src/procedures/bail-surveillance/descriptor';
import { formatInstant, localDate, parseInstant } from '../../src/case/legal-time';
import { useCaseHarness } from '../support/case-harness';
import { act, action, bailStart, inReminderWindow, noticesOf, obligation, settle, view } from '../support/cases';

// The legal paths of bail and residential surveillance are tested on the simulator (test/simulator), the runtime in
// case-runtime.test.ts, which runs on this procedure. Here a bail case from the subject's report to the decision that
// ends it, with its reminder fired on the server and its expiry report in PostgreSQL: the history for replay.

const hour = 3_600_000;

const harness = useCaseHarness();

test('subject reports, rules explained, feedback within 3 days, the officer reminded of the expiry report and sending it with the compliance summary, decision ends the case', async () => {
  await harness.withCase(
    (now) => bailStart(now),
    async (handle, s, now) => {
      const reportedAt = now + 2 * hour;
      await harness.skipTo(reportedAt);
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
      await harness.skipTo(expiryDue - 12 * hour);
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
      const result = await harness.resultOf<CaseView<BailRecords>>(handle);
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
