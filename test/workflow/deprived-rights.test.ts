import type { WorkflowHandle } from '@temporalio/client';
import { type CalendarYear, WorkingCalendar, builtInCalendarYears } from '../../src/domain/calendar';
import { type CaseView, calendarChangedSignal } from '../../src/domain/case';
import type { DeprivedRightsRecords } from '../../src/domain/deprived-rights';
import { addDays, addMonths, computeDeadline, endOfDay, formatInstant, localDate, parseInstant, startOfDay } from '../../src/domain/legal-time';
import { useCaseHarness } from '../support/case-harness';
import { act, action, deprivedStart, noticesOf, obligation, view, rejection } from '../support/cases';

const hour = 3_600_000;
const day = 24 * hour;

const harness = useCaseHarness();


const firstOfNextMonth = (now: number) => addMonths(`${localDate(now).slice(0, 7)}-01`, 1);

// First in the file: the test server's clock only moves forward, and the 5-year case below moves it by years.
test('a window in a year without calendar data moves when that year is loaded, with the reason recorded; once reached it never moves', async () => {
  await harness.withCase(
    (now) => {
      const year = Number(localDate(now).slice(0, 4)) + 1;
      return deprivedStart(firstOfNextMonth(now), `${year}-06-15`);
    },
    async (handle, s) => {
      const termEnd = s.termEnd!;
      const year = Number(termEnd.slice(0, 4));
      const weekendsOnly = computeDeadline('working-days-before', termEnd, 5, new WorkingCalendar(builtInCalendarYears));
      let v = await view(handle);
      expect(obligation(v, 'station-report').opensAt).toBe(weekendsOnly.due);
      expect(v.warnings).toContain(`no working-day calendar for ${year}: computed on weekends only`);

      // The State Council's notice for that year: a week off right before the term ends.
      const published: CalendarYear = {
        year,
        holidays: [{ from: addDays(termEnd, -7), to: addDays(termEnd, -1), name: 'Test holiday' }],
        workdays: [],
        source: 'notice for the test year',
        version: 1,
      };
      await handle.signal(calendarChangedSignal, published);
      const withData = computeDeadline('working-days-before', termEnd, 5, new WorkingCalendar([...builtInCalendarYears, published]));
      expect(parseInstant(withData.due)).toBeLessThan(parseInstant(weekendsOnly.due));
      v = await view(handle);
      const report = obligation(v, 'station-report');
      expect(report.opensAt).toBe(withData.due);
      expect(report.changes).toEqual([
        expect.objectContaining({
          field: 'opensAt',
          from: weekendsOnly.due,
          to: withData.due,
          reason: `working-day calendar ${year} version 1 loaded (notice for the test year)`,
        }),
      ]);
      expect(v.warnings).toEqual([]);
      expect(v.calendar).toContainEqual({ year, version: 1 });

      // Once the window has opened, a corrected calendar does not move it.
      await harness.skipTo(parseInstant(withData.due) + hour);
      await handle.signal(calendarChangedSignal, { ...published, holidays: [], version: 2, source: 'corrected notice' });
      v = await view(handle);
      expect(obligation(v, 'station-report').opensAt).toBe(withData.due);
      expect(obligation(v, 'station-report').changes).toHaveLength(1);
      expect(v.calendar).toContainEqual({ year, version: 2 });
    },
  );
});

test('a 5-year term: 60 monthly reports, some late, one missed; the station report window; three written notices; rights restored', async () => {
  const runs = new Set<string>();
  let caseHandle: WorkflowHandle | undefined;
  await harness.withCase(
    (now) => {
      const termStart = firstOfNextMonth(now);
      return deprivedStart(termStart, addDays(addMonths(termStart, 60), -1));
    },
    async (handle, s) => {
      caseHandle = handle;
      const track = async () => runs.add((await handle.describe()).runId);
      await act(handle, action({ type: 'subject-reported' }));
      let v = await act(handle, action({ type: 'announced', to: ['subject', 'community-organisation'] }));
      expect(obligation(v, 'announcement').status).toBe('pending');
      v = await act(handle, action({ type: 'announced', to: ['unit'] }));
      expect(obligation(v, 'announcement')).toMatchObject({ status: 'done', late: false });

      const months = Array.from({ length: 60 }, (_, i) => addMonths(s.termStart, i).slice(0, 7));
      const late = new Set([months[5], months[17], months[41]]);
      const missed = months[30];
      for (const month of months) {
        if (month === missed) continue;
        const reportAt = late.has(month) ? endOfDay(addDays(addMonths(`${month}-01`, 1), -1)) + day : startOfDay(`${month}-10`);
        await harness.skipTo(reportAt);
        v = await act(handle, action({ type: 'activity-reported', month }));
        expect(obligation(v, 'monthly-report', month)).toMatchObject({ status: 'done', late: late.has(month) });
        await track();
      }

      // 执行期满前五个工作日内报所: not before the window opens.
      const window = computeDeadline('working-days-before', s.termEnd!, 5, new WorkingCalendar(builtInCalendarYears));
      v = await view(handle);
      expect(obligation(v, 'station-report')).toMatchObject({ status: 'pending', opensAt: window.due });
      expect(obligation(v, 'station-report').dueAt).toBe(formatInstant(endOfDay(addDays(s.termEnd!, -1))));
      expect(await rejection(act(handle, action({ type: 'station-reported' })))).toBe(`the station report window opens on ${window.due}`);
      await harness.skipTo(parseInstant(window.due));
      await act(handle, action({ type: 'station-reported' }));
      v = await act(handle, action({ type: 'written-notices-delivered' }));
      expect(noticesOf(v, 'rights-restoration-notice').map((n) => n.recipient).sort()).toEqual(['community-organisation', 'subject', 'unit']);
      expect(v.status).toBe('open');

      await harness.skipTo(endOfDay(s.termEnd!));
      await track();
      const result = await harness.resultOf<CaseView<DeprivedRightsRecords>>(handle);
      expect(result).toMatchObject({ status: 'closed', outcome: 'rights-restored' });
      expect(result.records.summary).toEqual({ monthlyReports: 59, reportedLate: 3, missed: 1, violations: 0, writtenNotices: 3 });
      const monthly = result.obligations.filter((o) => o.key === 'monthly-report');
      expect(monthly.map((o) => o.period)).toEqual(months);
      const missedDuty = monthly.find((o) => o.period === missed)!;
      expect(missedDuty.overdueAt).toBe(missedDuty.dueAt);
      const escalated = result.notices.filter((n) => n.obligationKey === 'monthly-report' && n.kind !== 'reminder');
      expect(escalated.map((n) => `${n.kind}→${n.recipient}`).sort()).toEqual([
        'overdue-escalation→station-leader',
        'overdue-escalation→station-leader',
        'overdue-escalation→station-leader',
        'overdue-escalation→station-leader',
        'supervisor-escalation→supervisor',
      ]);
      expect(result.run).toBeGreaterThanOrEqual(1);
      await harness.recordHistory(handle, 'deprived-rights-5-years-last-run');
    },
    { budgetMs: 280_000 },
  );
  // Every run of the case stays small, however long the term.
  expect(runs.size).toBeGreaterThanOrEqual(2);
  for (const runId of runs) {
    const history = await harness.env.client.workflow.getHandle(caseHandle!.workflowId, runId).fetchHistory();
    expect(history.events?.length).toBeLessThan(2000);
  }
}, 300_000);

test('a life-long deprivation starting later: monthly duties begin with the term, no expiry duties, ended only by a decision', async () => {
  await harness.withCase(
    (now) => deprivedStart(addMonths(firstOfNextMonth(now), 2), null, { unit: undefined }),
    async (handle, s) => {
      let v = await view(handle);
      expect(v.obligations).toEqual([]);
      expect(await rejection(act(handle, action({ type: 'station-reported' })))).toBe('a life-long deprivation has no station report');

      await act(handle, action({ type: 'subject-reported' }));
      expect(await rejection(act(handle, action({ type: 'announced', to: ['unit'] })))).toBe('the case has no unit to tell');
      v = await act(handle, action({ type: 'announced', to: ['subject', 'community-organisation'] }));
      expect(obligation(v, 'announcement').status).toBe('done');

      await harness.skipTo(startOfDay(s.termStart) + hour);
      v = await view(handle);
      expect(v.obligations.filter((o) => o.key === 'monthly-report').map((o) => o.period)).toEqual([s.termStart.slice(0, 7)]);
      v = await act(handle, action({ type: 'violation-recorded', description: '未经批准接受境外媒体采访', penaltyProposed: true }));
      expect(noticesOf(v, 'penalty-proposal').map((n) => n.recipient)).toEqual(['station']);

      await harness.skipTo(startOfDay(addMonths(s.termStart, 3)) + hour);
      v = await view(handle);
      expect(v.obligations.filter((o) => o.key === 'monthly-report')).toHaveLength(4);
      expect(v.obligations.map((o) => o.key)).not.toContain('station-report');
      v = await act(handle, action({ type: 'case-closed', reason: '法院裁定' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'closed-by-decision' });
      expect(v.obligations.filter((o) => o.status === 'pending' || o.status === 'overdue')).toEqual([]);
      await harness.resultOf(handle);
      await harness.recordHistory(handle, 'deprived-rights-life-closed');
    },
  );
});
