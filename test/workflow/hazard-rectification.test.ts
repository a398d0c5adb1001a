import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { type CaseView, actionRejected, submitActionUpdate } from '../../src/case/contract';
import type { HazardRecords } from '../../src/procedures/hazard-rectification/descriptor';
import { type HazardStart, hazardStartSchema } from '../../src/procedures/hazard-rectification/schema';
import { addDays, formatInstant, localDate, parseInstant, startOfDay } from '../../src/case/legal-time';
import { useCaseHarness, wokenAt } from '../support/case-harness';
import { act, action, fakeActivities, inReminderWindow, obligation, rejection, view } from '../support/cases';

// The legal paths of the procedure are tested on the simulator (test/simulator/hazard-rectification.test.ts); here
// only what needs Temporal: timers firing on the test server, the Update's validator over the wire, the activities.

const hour = 3_600_000;

const harness = useCaseHarness();

/** A hazard-rectification case whose dates are laid out from `now` (the test server's clock): decided an hour ago. */
function hazardStart(now: number): HazardStart {
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
  });
}

const records = (v: CaseView) => v.records as HazardRecords;
/** The notices the workflow handed to the notice activity: what, to whom, dated when. */
const written = (activities: ReturnType<typeof fakeActivities>) =>
  activities.noticeWritten.mock.calls.filter(([n]) => n.kind !== 'reminder').map(([n]) => [n.kind, n.recipient, n.createdAt]);
/**
 * Whether every reminder written lies in the morning window before `due`. A 24-hour duty is reminded only when its
 * minute of the next morning falls in the second half of its time (the simulator pins both cases); this test's dates
 * follow the test server's clock, so here it may or may not be.
 */
const remindersInWindow = (activities: ReturnType<typeof fakeActivities>, due: number) =>
  activities.noticeWritten.mock.calls.filter(([n]) => n.kind === 'reminder').every(([n]) => inReminderWindow(n.createdAt, due));

test('Time-skip to the 24th hour after the decision: the filing timer fires and the station leader’s escalation is written through the notice activity; 48 hours on, the supervisor’s; a late filing is written too', async () => {
  const activities = fakeActivities();
  await harness.withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      const due = parseInstant(s.decidedAt) + 24 * hour;

      await harness.skipTo(due - hour);
      expect(obligation(await view(handle), 'filing').status).toBe('pending');
      expect(written(activities)).toEqual([]);

      await harness.skipTo(due);
      let v = await view(handle);
      expect(obligation(v, 'filing')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(due) });
      expect(written(activities)).toEqual([['overdue-escalation', 'station-leader', wokenAt(due)]]);
      expect(remindersInWindow(activities, due)).toBe(true);
      expect(activities.noticeWritten).toHaveBeenCalledWith(
        expect.objectContaining({
          caseId: handle.workflowId,
          obligationKey: 'filing',
          article: '61',
          facts: { dueAt: formatInstant(due), responsible: 'officer' },
        }),
      );

      await harness.skipTo(due + 48 * hour);
      await view(handle);
      expect(written(activities)).toEqual([
        ['overdue-escalation', 'station-leader', wokenAt(due)],
        ['supervisor-escalation', 'supervisor', wokenAt(due + 48 * hour)],
      ]);
      expect(activities.caseSaved.mock.calls.at(-1)?.[0].view).toMatchObject({ overdueCount: 1 });

      await act(handle, action({ type: 'filed', filingNumber: 'BA-2026-0200' }));
      v = await view(handle);
      expect(obligation(v, 'filing')).toMatchObject({ status: 'done', late: true });
      expect(activities.noticeWritten).toHaveBeenLastCalledWith(
        expect.objectContaining({
          caseId: handle.workflowId,
          kind: 'filing',
          recipient: 'station',
          facts: { filingNumber: 'BA-2026-0200', late: true },
        }),
      );
      expect(activities.actionRecorded).toHaveBeenCalledTimes(1);
      expect(activities.actionRecorded).toHaveBeenCalledWith(expect.objectContaining({ caseId: handle.workflowId, type: 'filed', actor: 'P-20931' }));
      expect(activities.caseSaved.mock.calls.at(-1)?.[0].view).toMatchObject({ overdueCount: 0 });
    },
    { activities },
  );
});

test('the Update’s validator refuses over the wire a request the API’s schema would have stopped, and acts out of order; a refused act is neither applied nor recorded', async () => {
  const activities = fakeActivities();
  await harness.withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      const before = await view(handle);
      // Sent straight to the workflow, without the API: a written request with no document.
      const unwritten = action({ type: 'extension-requested', requestedUntil: addDays(s.rectifyBy, 10) });
      const refused: unknown = await handle.executeUpdate(submitActionUpdate, { args: [unwritten] }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({
        type: actionRejected,
        message: 'an extension is requested in writing: documentRef is required',
      });

      const reasons = [
        await rejection(act(handle, action({ type: 'filed', filingNumber: 'BA-8', at: formatInstant(parseInstant(s.decidedAt) - hour) }))),
        await rejection(act(handle, action({ type: 'extension-reviewed' }))),
        await rejection(act(handle, action({ type: 'reinspected', result: 'failed', justified: true }))),
        await rejection(act(handle, action({ type: 'new-deadline-set', rectifyBy: addDays(s.rectifyBy, 10) }))),
      ];
      expect(reasons).toEqual([
        'the act is dated before the rectification decision',
        'no extension request awaits review',
        `the rectification period runs until the end of ${s.rectifyBy} and the unit has not asked for an early re-inspection`,
        'a new deadline follows a re-inspection that failed with a justified reason',
      ]);
      expect(await view(handle)).toEqual(before);
      expect(activities.actionRecorded).not.toHaveBeenCalled();
      expect(activities.noticeWritten).not.toHaveBeenCalled();
    },
    { activities },
  );
});

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

test("Failed with a justified reason and the failure reported: time-skip to the station's new-deadline due time; the timer fires its overdue escalation to the station leader then, and the new deadline set afterwards completes it late", async () => {
  const activities = fakeActivities();
  await harness.withCase(
    (now) => hazardStart(now),
    async (handle, s) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-5' }));
      await harness.skipTo(startOfDay(addDays(s.rectifyBy, 1)) + 9 * hour);
      await act(handle, action({ type: 'reinspected', result: 'failed', justified: true }));
      let v = await act(handle, action({ type: 'failure-reported', recipient: 'township-government' }));
      const due = parseInstant(obligation(v, 'new-deadline', 'round-1').dueAt);
      expect(obligation(v, 'new-deadline', 'round-1')).toMatchObject({ status: 'pending', responsible: 'station' });

      await harness.skipTo(due - hour);
      expect(obligation(await view(handle), 'new-deadline', 'round-1').status).toBe('pending');
      expect(activities.noticeWritten.mock.calls.filter(([n]) => n.obligationKey === 'new-deadline' && n.kind === 'overdue-escalation')).toEqual([]);

      await harness.skipTo(due);
      v = await view(handle);
      expect(obligation(v, 'new-deadline', 'round-1')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(due) });
      expect(written(activities)).toContainEqual(['overdue-escalation', 'station-leader', wokenAt(due)]);

      v = await act(handle, action({ type: 'new-deadline-set', rectifyBy: addDays(localDate(due), 10) }));
      expect(obligation(v, 'new-deadline', 'round-1')).toMatchObject({ status: 'done', late: true });
    },
    { activities },
  );
});

test('No run lives longer than 30 days: a case with nothing due for two months continues as new on day 30, its deadlines as they were', async () => {
  const activities = fakeActivities();
  const day = 24 * hour;
  await harness.withCase(
    (now) => ({ ...hazardStart(now), rectifyBy: addDays(localDate(now), 70) }),
    async (handle, _s, started) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-2026-0921' }));
      const due = obligation(await view(handle), 'reinspection', 'round-1').dueAt;

      await harness.skipTo(started + 29 * day);
      expect((await view(handle)).run).toBe(0);
      await harness.skipTo(started + 30 * day + hour);
      const renewed = await view(handle);
      expect(renewed.run).toBe(1);
      expect(obligation(renewed, 'reinspection', 'round-1')).toMatchObject({ status: 'pending', dueAt: due });
      await harness.skipTo(started + 60 * day + hour);
      expect((await view(handle)).run).toBe(2);
      // The renewals wrote nothing: the filing's notice to the station is all, none before the re-inspection's time.
      expect(written(activities).map(([kind, recipient]) => `${kind}→${recipient}`)).toEqual(['filing→station']);
    },
    { activities },
  );
});
