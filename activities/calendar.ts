import { ApplicationFailure, Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { recordCalendarBroadcast, remindMissingCalendarYears } from '../src/db/calendar';
import type { CalendarWatchCheck } from '../src/domain/calendar-watch';
import type { CalendarYear } from '../src/case/calendar';
import { calendarChangedSignal } from '../src/case/contract';
import { workflowTypes } from '../src/procedures/index';

export interface SignalOpenCasesInput {
  year: CalendarYear;
  /** The reached cases whose current run started at or after this instant are named in the result. */
  recentSince: string;
  /** Only those recent cases (a later pass), but for the ones an earlier pass reached already. */
  recentOnly?: { reached: string[] };
  /** How many cases one visibility page holds. */
  pageSize?: number;
}

export interface SignalOpenCasesResult {
  casesReached: number;
  /** The workflow ids of the reached cases started since `recentSince`. */
  recent: string[];
}

/** Where a pass resumes after a retry: the page it was on, and what it had reached before that page. */
export interface BroadcastProgress extends SignalOpenCasesResult {
  pageToken?: string;
  done?: boolean;
}

type ListPage = Awaited<ReturnType<Client['workflowService']['listWorkflowExecutions']>>;
type ListedCase = { workflowId: string; recent: boolean };

/** Signals sent at once; enough to be quick, few enough not to flood the frontend. */
const signalsInFlight = 20;

/** The calendar broadcast's activities: tell the open cases of a year's version, and record how many it reached. */
export function calendarActivities({ pool, logger, client }: { pool: Pool; logger: Logger; client?: Client }) {
  return {
    /**
     * Signals the year to every open case on this worker's task queue, a visibility page at a time. The heartbeat
     * carries the page being worked on, so a retried attempt resumes there; a case signalled twice ignores the
     * version it already holds.
     */
    async signalOpenCases({ year, recentSince, recentOnly, pageSize = 500 }: SignalOpenCasesInput): Promise<SignalOpenCasesResult> {
      if (!client) {
        throw ApplicationFailure.create({
          type: 'no-temporal-client',
          message: 'the worker has no Temporal client to signal cases with',
          nonRetryable: true,
        });
      }
      const context = Context.current();
      const query = openCasesQuery(context.info.taskQueue, recentOnly ? recentSince : undefined);
      const skip = new Set(recentOnly?.reached);
      const since = Date.parse(recentSince);
      let progress: BroadcastProgress = context.info.heartbeatDetails ?? { casesReached: 0, recent: [] };
      while (!progress.done) {
        const page: ListPage = await client.workflowService.listWorkflowExecutions({
          namespace: client.options.namespace,
          query,
          pageSize,
          nextPageToken: progress.pageToken ? Buffer.from(progress.pageToken, 'base64') : undefined,
        });
        const cases: ListedCase[] = (page.executions ?? [])
          .map((e) => ({ workflowId: e.execution?.workflowId ?? '', recent: tsToMs(e.startTime) >= since }))
          .filter((c) => c.workflowId && !skip.has(c.workflowId));
        const reached: ListedCase[] = [];
        for (let i = 0; i < cases.length; i += signalsInFlight) {
          const chunk = cases.slice(i, i + signalsInFlight);
          const told = await Promise.all(chunk.map((c) => tell(client, c.workflowId, year)));
          reached.push(...chunk.filter((_, j) => told[j]));
          context.heartbeat(progress);
        }
        const next = page.nextPageToken?.length ? Buffer.from(page.nextPageToken).toString('base64') : undefined;
        progress = {
          pageToken: next,
          casesReached: progress.casesReached + reached.length,
          recent: [...progress.recent, ...reached.filter((c) => c.recent).map((c) => c.workflowId)],
          done: !next,
        };
        context.heartbeat(progress);
      }
      logger.info(
        { year: year.year, version: year.version, recentOnly: Boolean(recentOnly), casesReached: progress.casesReached },
        'calendar broadcast pass',
      );
      return { casesReached: progress.casesReached, recent: progress.recent };
    },

    /** Records the broadcast's count where supervisors read it (GET /v1/calendar/{year}); `finished` marks it done. */
    async recordCalendarBroadcast(input: { year: number; version: number; casesReached: number; finished: boolean }) {
      return recordCalendarBroadcast(pool, input);
    },

    /** The calendar watch's weekly check: a notice to the administrators for each year due and not loaded. */
    async remindMissingCalendarYears({ at }: CalendarWatchCheck): Promise<{ missing: number[] }> {
      const missing = await remindMissingCalendarYears(pool, at);
      if (missing.length) logger.warn({ missing }, 'calendar years due and not loaded');
      return { missing };
    },
  };
}

/** The open cases of every procedure on a task queue; with `startedSince`, those whose current run started since. */
export function openCasesQuery(taskQueue: string, startedSince?: string): string {
  const types = Object.values(workflowTypes)
    .map((t) => `'${t}'`)
    .join(', ');
  const query = `WorkflowType IN (${types}) AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`;
  return startedSince ? `${query} AND StartTime >= '${startedSince}'` : query;
}

/** Signals one case; false when it closed since it was listed. */
async function tell(client: Client, workflowId: string, year: CalendarYear): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).signal(calendarChangedSignal, year);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
