import { continueAsNew, proxyActivities, setCurrentDetails, sleep } from '@temporalio/workflow';
import type { CalendarActivities } from '../activities';
import { nextWatchAt } from '../src/domain/calendar-watch';
import { formatInstant } from '../src/case/legal-time';

const { remindMissingCalendarYears } = proxyActivities<CalendarActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** A year of weekly checks per run keeps the history small; the next run starts where this one stopped. */
const checksPerRun = 52;

/**
 * Every Monday morning: the years that should have their schedule by now and have none raise a notice to the
 * administrators (one per year and week; a retried check writes it once).
 */
export async function calendarWatchWorkflow(): Promise<void> {
  for (let check = 0; check < checksPerRun; check++) {
    await sleep(nextWatchAt(Date.now()) - Date.now(), { summary: '等到周一 09:00 检查工作日历' });
    const { missing } = await remindMissingCalendarYears.executeWithOptions({ summary: '检查应已载入的国务院放假安排' }, [
      { at: formatInstant(Date.now()) },
    ]);
    setCurrentDetails(missing.length ? `未载入国务院放假安排：${missing.join('、')} 年（按法定节假日暂算）` : '应载入的放假安排均已载入');
  }
  await continueAsNew<typeof calendarWatchWorkflow>();
}
