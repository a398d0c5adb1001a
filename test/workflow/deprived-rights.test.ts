import type { WorkflowHandle } from '@temporalio/client';
import type { IssuedNotice } from '../../src/case/obligation';
import type { CalendarYear } from '../../src/case/calendar';
import { type CaseView, calendarChangedSignal } from '../../src/case/contract';
import type { DeprivedRightsRecords } from '../../src/procedures/deprived-rights/descriptor';
import { addDays, addMonths, dayOfWeek, endOfDay, formatInstant, localDate, parseInstant, startOfDay } from '../../src/case/legal-time';
import { useCaseHarness } from '../support/case-harness';
import { act, action, deprivedStart, fakeActivities, obligation, rejection, view } from '../support/cases';

// The legal paths of Art. 41(4) are tested on the simulator (test/simulator/deprived-rights.test.ts), the runtime in
// case-runtime.test.ts. Here what only this procedure has on the server: the calendar reaching a running case (signal
// and read model) and moving its working-day window, a term of years across runs, and a life term.

const hour = 3_600_000;
const day = 24 * hour;

const harness = useCaseHarness();

const firstOfNextMonth = (now: number) => addMonths(`${localDate(now).slice(0, 7)}-01`, 1);
const mondayOnOrAfter = (date: string): string => (dayOfWeek(date) === 1 ? date : mondayOnOrAfter(addDays(date, 1)));
const issued = (activities: ReturnType<typeof fakeActivities>) =>
  activities.noticeWritten.mock.calls.map(([notice]: [IssuedNotice & { caseId: string }]) => notice);

// First in the file: the test server's clock only moves forward, and the 5-year case below moves it by years.
test('Signal a calendar for a year without data to the running case: its station-report window moves, the validator refuses a report before it; once reached, a corrected calendar moves nothing', async () => {
  await harness.withCase(
    (now) => {
      // The built-in calendar ends with 2026.
      const year = Math.max(2027, Number(localDate(now).slice(0, 4)) + 1);
      // A term starting in June of that year: no monthly duty wakes the case on the long way there.
      return deprivedStart(`${year}-06-01`, mondayOnOrAfter(`${year}-06-15`));
    },
    async (handle, s) => {
      const termEnd = s.termEnd!;
      const year = Number(termEnd.slice(0, 4));
      // The term ends on a Monday: on weekends only the 5 working days are the week before; a week off before the
      // end pushes them back a week.
      const weekendsOnly = formatInstant(startOfDay(addDays(termEnd, -7)));
      const withHoliday = formatInstant(startOfDay(addDays(termEnd, -14)));
      let v = await view(handle);
      expect(obligation(v, 'station-report').opensAt).toBe(weekendsOnly);
      expect(v.warnings).toEqual([`no working-day calendar for ${year}: computed on weekends only`]);

      const published: CalendarYear = {
        year,
        holidays: [{ from: addDays(termEnd, -7), to: addDays(termEnd, -1), name: 'Test holiday' }],
        workdays: [],
        source: 'notice for the test year',
        version: 1,
      };
      await handle.signal(calendarChangedSignal, published);
      v = await view(handle);
      expect(obligation(v, 'station-report').opensAt).toBe(withHoliday);
      expect(obligation(v, 'station-report').changes).toEqual([
        expect.objectContaining({
          field: 'opensAt',
          from: weekendsOnly,
          to: withHoliday,
          reason: `working-day calendar ${year} version 1 loaded (notice for the test year)`,
        }),
      ]);
      expect(v.warnings).toEqual([]);
      expect(await rejection(act(handle, action({ type: 'station-reported' })))).toBe(`the station report window opens on ${withHoliday}`);
      expect(obligation(await view(handle), 'station-report').status).toBe('pending');

      await harness.skipTo(parseInstant(withHoliday) + hour);
      await handle.signal(calendarChangedSignal, { ...published, holidays: [], version: 2, source: 'corrected notice' });
      v = await view(handle);
      expect(obligation(v, 'station-report').opensAt).toBe(withHoliday);
      expect(obligation(v, 'station-report').changes).toHaveLength(1);
      expect(v.calendar).toContainEqual({ year, version: 2 });
      v = await act(handle, action({ type: 'station-reported' }));
      expect(obligation(v, 'station-report')).toMatchObject({ status: 'done', late: false });
    },
    { activities: fakeActivities() },
  );
});

test('A case a calendar broadcast missed learns the newer year from the read model it writes: its window moves as with the signal', async () => {
  const activities = fakeActivities();
  let published: CalendarYear | undefined;
  activities.caseSaved.mockImplementation(async () => ({ saved: true, newerCalendarYears: published ? [published] : [] }));
  await harness.withCase(
    (now) => {
      const year = Math.max(2027, Number(localDate(now).slice(0, 4)) + 1);
      return deprivedStart(`${year}-06-01`, mondayOnOrAfter(`${year}-06-15`));
    },
    async (handle, s) => {
      const termEnd = s.termEnd!;
      const year = Number(termEnd.slice(0, 4));
      expect(obligation(await view(handle), 'station-report').opensAt).toBe(formatInstant(startOfDay(addDays(termEnd, -7))));
      // Stored while the case was not listening; its next record write brings it.
      published = {
        year,
        holidays: [{ from: addDays(termEnd, -7), to: addDays(termEnd, -1), name: 'Test holiday' }],
        workdays: [],
        source: 'stored during a broadcast that missed the case',
        version: 3,
      };
      await act(handle, action({ type: 'subject-reported' }));
      const v = await view(handle);
      expect(v.calendar).toContainEqual({ year, version: 3 });
      expect(obligation(v, 'station-report').opensAt).toBe(formatInstant(startOfDay(addDays(termEnd, -14))));
    },
    { activities },
  );
});

test('A 5-year term across continue-as-new: 60 monthly reports (three late, one missed), 10 half-yearly visits, the station report, the written notices, the rights restored; every run stays small and no notice is written twice', async () => {
  const activities = fakeActivities();
  let caseHandle: WorkflowHandle | undefined;
  let finalRun: number | undefined;
  await harness.withCase(
    (now) => {
      const termStart = firstOfNextMonth(now);
      return deprivedStart(termStart, addDays(addMonths(termStart, 60), -1));
    },
    async (handle, s) => {
      caseHandle = handle;
      await act(handle, action({ type: 'subject-reported' }));
      await act(handle, action({ type: 'announced', to: ['subject', 'community-organisation'] }));
      await act(handle, action({ type: 'announced', to: ['unit'] }));

      const months = Array.from({ length: 60 }, (_, i) => addMonths(s.termStart, i).slice(0, 7));
      const late = new Set([months[5], months[17], months[41]]);
      const missed = months[30];
      for (const [i, month] of months.entries()) {
        if (month === missed) continue;
        const reportAt = late.has(month) ? endOfDay(addDays(addMonths(`${month}-01`, 1), -1)) + day : startOfDay(`${month}-10`);
        await harness.skipTo(reportAt);
        const v = await act(handle, action({ type: 'activity-reported', month }));
        expect(obligation(v, 'monthly-report', month).status).toBe('done');
        // A full visit on the 10th of the 5th month of the term, then every six months: each on its half-year's last day or before.
        if (i % 6 === 4)
          expect(obligation(await act(handle, action({ type: 'visited-in-full' })), 'half-yearly-visit', String((i + 2) / 6))).toMatchObject({
            status: 'done',
            late: false,
          });
      }

      await harness.skipTo(parseInstant(obligation(await view(handle), 'station-report').opensAt!));
      await act(handle, action({ type: 'station-reported' }));
      await harness.skipTo(startOfDay(s.termEnd!));
      await act(handle, action({ type: 'written-notices-delivered' }));

      await harness.skipTo(endOfDay(s.termEnd!));
      const result = await harness.resultOf<CaseView<DeprivedRightsRecords>>(handle);
      expect(result).toMatchObject({ status: 'closed', outcome: 'rights-restored' });
      expect(result.records.summary).toEqual({ monthlyReports: 59, reportedLate: 3, missed: 1, violations: 0, writtenNotices: 3, fullVisits: 10 });
      expect(result.obligations.filter((o) => o.key === 'half-yearly-visit').map((o) => `${o.period} ${o.status} ${o.late}`)).toEqual(
        Array.from({ length: 10 }, (_, k) => `${k + 1} done false`),
      );
      expect(result.obligations.filter((o) => o.key === 'monthly-report').map((o) => o.period)).toEqual(months);
      finalRun = result.run;
      await harness.recordHistory(handle, 'deprived-rights-5-years-last-run');
    },
    { budgetMs: 280_000, activities },
  );
  // Every run of the case stays small, however long the term: walk the chain of runs back from the last.
  const sizes: number[] = [];
  let runId: string | undefined;
  do {
    const history = await harness.env.client.workflow.getHandle(caseHandle!.workflowId, runId).fetchHistory();
    sizes.push(history.events!.length);
    runId = history.events![0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  } while (runId);
  expect(sizes.length).toBeGreaterThanOrEqual(2);
  expect(sizes.length).toBe(finalRun! + 1);
  for (const size of sizes) expect(size).toBeLessThan(2000);
  const keys = issued(activities).map((n) => n.key);
  expect(new Set(keys).size).toBe(keys.length);
  expect(
    issued(activities)
      .filter((n) => n.kind === 'rights-restoration-notice')
      .map((n) => n.recipient),
  ).toEqual(['subject', 'unit', 'community-organisation']);
}, 300_000);

test('A life-long deprivation starting later: monthly periods open on the test server’s clock, the validator refuses what a life term has not, a penalty proposal reaches the outbox, case-closed ends it', async () => {
  const activities = fakeActivities();
  await harness.withCase(
    (now) => deprivedStart(addMonths(firstOfNextMonth(now), 2), null, { unit: undefined }),
    async (handle, s) => {
      // Before the term only its first half-yearly visit is owed, from the term's first day.
      expect((await view(handle)).obligations.map((o) => `${o.key} ${o.period} ${o.opensAt}`)).toEqual([
        `half-yearly-visit 1 ${formatInstant(startOfDay(s.termStart))}`,
      ]);
      expect(await rejection(act(handle, action({ type: 'station-reported' })))).toBe('a life-long deprivation has no station report');
      expect(await rejection(act(handle, action({ type: 'visited-in-full' })))).toBe(
        `half-yearly-visit 1 opens on ${formatInstant(startOfDay(s.termStart))}`,
      );

      await act(handle, action({ type: 'subject-reported' }));
      expect(await rejection(act(handle, action({ type: 'announced', to: ['unit'] })))).toBe('the case has no unit to tell');
      await act(handle, action({ type: 'announced', to: ['subject', 'community-organisation'] }));

      await harness.skipTo(startOfDay(s.termStart) + hour);
      let v = await view(handle);
      expect(v.obligations.filter((o) => o.key === 'monthly-report').map((o) => o.period)).toEqual([s.termStart.slice(0, 7)]);
      await act(handle, action({ type: 'violation-recorded', description: '未经批准接受境外媒体采访', penaltyProposed: true }));
      await view(handle);
      expect(
        issued(activities)
          .filter((n) => n.kind === 'penalty-proposal')
          .map((n) => n.recipient),
      ).toEqual(['station']);

      await harness.skipTo(startOfDay(addMonths(s.termStart, 3)) + hour);
      v = await view(handle);
      expect(v.obligations.filter((o) => o.key === 'monthly-report')).toHaveLength(4);
      v = await act(handle, action({ type: 'case-closed', reason: '法院裁定' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'closed-by-decision' });
      await harness.resultOf(handle);
      await harness.recordHistory(handle, 'deprived-rights-life-closed');
    },
    { activities },
  );
});
