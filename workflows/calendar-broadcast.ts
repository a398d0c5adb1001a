import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { CalendarActivities } from '../activities';
import type { CalendarBroadcast, CalendarBroadcastInput } from '../src/domain/calendar-broadcast';

const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;

const { signalOpenCases } = proxyActivities<CalendarActivities>({
  startToCloseTimeout: '1 hour',
  // A worker that dies mid-pass is noticed within this; the retry resumes at the page its heartbeat named.
  heartbeatTimeout: '30 seconds',
  retry,
});
const { recordCalendarBroadcast } = proxyActivities<CalendarActivities>({ startToCloseTimeout: '30 seconds', retry });

/** A run started this long before the broadcast is surely in visibility when the first pass lists; later ones maybe not. */
const visibleAfterMs = 60_000;
/** How long a new run may take to show in visibility: the second pass waits this long. */
const visibilityLag = '10 seconds';

/**
 * Tells every open case of one version of a calendar year (workflow id `calendar-<year>-v<version>`) and records how
 * many it reached. A first pass tells every open case listed; after visibility has caught up, a second pass tells the
 * cases started since shortly before the broadcast that the first did not list: one started while the year was being
 * stored, or a case between two runs.
 */
export async function calendarBroadcastWorkflow({ year }: CalendarBroadcastInput): Promise<CalendarBroadcast> {
  const recentSince = new Date(workflowInfo().startTime.getTime() - visibleAfterMs).toISOString();
  const record = { year: year.year, version: year.version };
  const title = `${year.year} 年日历第 ${year.version} 版`;

  const first = await signalOpenCases.executeWithOptions({ summary: `通知全部在办案件：${title}` }, [{ year, recentSince }]);
  await recordCalendarBroadcast({ ...record, casesReached: first.casesReached, finished: false });
  await sleep(visibilityLag, { summary: '等待新近立案的案件进入可见性索引' });
  const second = await signalOpenCases.executeWithOptions({ summary: `通知 ${recentSince} 起立案、首轮未及的案件：${title}` }, [
    { year, recentSince, recentOnly: { reached: first.recent } },
  ]);
  return recordCalendarBroadcast({ ...record, casesReached: first.casesReached + second.casesReached, finished: true });
}
