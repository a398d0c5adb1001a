import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { CalendarYear } from '../case/calendar';
import { calendarBroadcastId, calendarBroadcastWorkflowType } from '../domain/calendar-broadcast';
import { calendarWatchId, calendarWatchWorkflowType } from '../domain/calendar-watch';

/**
 * Starts the broadcast of a year's version to every open case, once: its workflow id names the year and version, so
 * a repeated start finds the broadcast running, or finished, and starts nothing. Returns the workflow id.
 */
export async function startCalendarBroadcast(client: Client, taskQueue: string, year: CalendarYear): Promise<string> {
  const workflowId = calendarBroadcastId(year.year, year.version);
  try {
    await client.workflow.start(calendarBroadcastWorkflowType, {
      taskQueue,
      workflowId,
      args: [{ year }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A broadcast that failed or was terminated may run again; one that finished has nothing left to do.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      staticSummary: `工作日历 ${year.year} 年第 ${year.version} 版：通知全部在办案件`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return workflowId;
}

/** Starts the service's one calendar watch unless it runs already; every worker process asks at boot. */
export async function ensureCalendarWatch(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.workflow.start(calendarWatchWorkflowType, {
      taskQueue,
      workflowId: calendarWatchId,
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: '工作日历守望：每周一提醒载入下一年度国务院放假安排',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
