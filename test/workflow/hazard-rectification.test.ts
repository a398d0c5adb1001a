import type { CaseView } from '../../src/case/contract';
import type { HazardRecords } from '../../src/procedures/hazard-rectification/descriptor';
import { addDays, formatInstant, parseInstant, startOfDay } from '../../src/case/legal-time';
import { useCaseHarness } from '../support/case-harness';
import { act, action, hazardStart, inReminderWindow } from '../support/cases';

// The legal paths of the procedure are tested on the simulator (test/simulator/hazard-rectification.test.ts), the
// runtime in case-runtime.test.ts. Here the procedure's history for replay, with what its flush left in PostgreSQL.

const hour = 3_600_000;

const harness = useCaseHarness();

const records = (v: CaseView) => v.records as HazardRecords;

test('filed, then re-inspected the morning after the deadline and passed: the case ends rectified; the outbox, audit log and read model hold it', async () => {
  await harness.withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-4' }));
      // Time-skip to the morning after the deadline: the re-inspection window is open.
      await harness.skipTo(startOfDay(addDays(s.rectifyBy, 1)) + 9 * hour);
      const v = await act(handle, action({ type: 'reinspected', result: 'passed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'rectified' });
      expect(records(v).kpi).toEqual({ reinspectedOnTime: 'yes', failureReported: 'not-applicable' });
      const result = await harness.resultOf<CaseView<HazardRecords>>(handle);
      expect(result.status).toBe('closed');
      await harness.recordHistory(handle, 'hazard-rectification-rectified');
      expect(result.obligations.filter((o) => o.status === 'pending' || o.status === 'overdue')).toEqual([]);

      // A reminder of the re-inspection may fall before the morning after (its minute is spread by the case id, and
      // holidays move its due time); it must lie in its window.
      const notices = await harness.pool.query('SELECT kind, recipient, facts, created_at FROM notices WHERE case_id = $1', [handle.workflowId]);
      expect(notices.rows.filter((n) => n.kind !== 'reminder').map(({ created_at: _, ...n }) => n)).toEqual([
        { kind: 'filing', recipient: 'station', facts: { filingNumber: 'BA-4', late: false } },
      ]);
      const reinspectionDue = parseInstant(result.obligations.find((o) => o.key === 'reinspection')!.dueAt);
      for (const reminder of notices.rows.filter((n) => n.kind === 'reminder')) {
        expect(reminder).toMatchObject({ recipient: 'officer', facts: { dueAt: formatInstant(reinspectionDue) } });
        expect(inReminderWindow(reminder.created_at.getTime(), reinspectionDue)).toBe(true);
      }
      const audit = await harness.pool.query('SELECT type, actor FROM audit_log WHERE case_id = $1 ORDER BY id', [handle.workflowId]);
      // The filing notice the case wrote on its own, in the same flush's transaction as the filing.
      expect(audit.rows.slice(0, 2)).toEqual([
        { type: 'filed', actor: 'P-20931' },
        { type: 'notice-issued', actor: 'system' },
      ]);
      expect(audit.rows.filter((r) => r.type !== 'notice-issued')).toEqual([
        { type: 'filed', actor: 'P-20931' },
        { type: 'reinspected', actor: 'P-20931' },
      ]);
      expect(audit.rows.filter((r) => r.type === 'notice-issued')).toHaveLength(notices.rows.length);
      const cases = await harness.pool.query('SELECT status, outcome FROM cases WHERE case_id = $1', [handle.workflowId]);
      expect(cases.rows).toEqual([{ status: 'closed', outcome: 'rectified' }]);
    },
  );
});
