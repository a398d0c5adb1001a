/**
 * The calendar broadcast workflow on the time-skipping test server, with the real record activity on PostgreSQL. The
 * test server lists no workflows (no visibility queries), so the pass that lists and signals the cases is played by
 * the test here; test/activities/calendar.test.ts runs the real one on the dev server, test/e2e/calendar.e2e.test.ts all
 * of it together.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Pool } from 'pg';
import { type BroadcastProgress, calendarActivities, type SignalOpenCasesInput, type SignalOpenCasesResult } from '../../activities/calendar';
import { loadCalendarBroadcast, replaceCalendarYear } from '../../src/db/calendar';
import type { CalendarBroadcast } from '../../src/domain/calendar-broadcast';
import { startCalendarBroadcast } from '../../src/temporal/calendar';
import { bundleWorkflows, silentLogger, testPool, uniqueQueue } from '../support/cases';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { testDataConverter } from '../support/payload-codec';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;
let pool: Pool;

beforeAll(async () => {
  [env, bundle, pool] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows(), testPool()]);
});

afterAll(async () => {
  await env?.teardown();
  await pool?.end();
});

interface Pass {
  input: SignalOpenCasesInput;
  attempt: number;
  resumedFrom?: BroadcastProgress;
  /** The broadcast's row in PostgreSQL when the pass began. */
  row?: CalendarBroadcast;
}

test('Start the broadcast of a stored version twice: one broadcast. Its first pass, cut short by a lost worker, resumes from its heartbeat; the count is recorded; time-skip 10 s: a second pass tells the recent cases the first did not reach; the result and the row say how many', async () => {
  const { year } = await replaceCalendarYear(pool, { year: 2074, holidays: [], workdays: [], source: `notice ${randomUUID()}` });
  const passes: Pass[] = [];
  const signalOpenCases = async (input: SignalOpenCasesInput): Promise<SignalOpenCasesResult> => {
    const { attempt, heartbeatDetails } = Context.current().info;
    passes.push({ input, attempt, resumedFrom: heartbeatDetails, row: await loadCalendarBroadcast(pool, year.year, year.version) });
    if (!input.recentOnly && attempt === 1) {
      Context.current().heartbeat({ pageToken: 'cGFnZSAz', casesReached: 1000, recent: [] } satisfies BroadcastProgress);
      await new Promise((r) => setTimeout(r, 1500)); // lets the heartbeat reach the server
      throw new Error('the worker was lost mid-pass');
    }
    if (!input.recentOnly) return { casesReached: 1200, recent: ['bail-surveillance:XA-1', 'dispute:JF-2'] };
    return { casesReached: 3, recent: ['bail-surveillance:XA-3', 'dispute:JF-4', 'dispute:JF-5'] };
  };
  const { recordCalendarBroadcast } = calendarActivities({ pool, logger: silentLogger });
  const taskQueue = uniqueQueue('calendar-broadcast');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    dataConverter: testDataConverter,
    activities: { signalOpenCases, recordCalendarBroadcast },
  });

  const handle = env.client.workflow.getHandle(`calendar-2074-v${year.version}`);
  const result = await worker.runUntil(async () => {
    expect(await startCalendarBroadcast(env.client, taskQueue, year)).toBe(handle.workflowId);
    const { runId } = await handle.describe();
    // A retried PUT, or an API that boots meanwhile, finds the broadcast running.
    await startCalendarBroadcast(env.client, taskQueue, year);
    expect((await handle.describe()).runId).toBe(runId);
    return handle.result();
  });

  const { startTime } = await handle.describe();
  const recentSince = new Date(startTime.getTime() - 60_000).toISOString();
  expect(passes).toEqual([
    { input: { year, recentSince }, attempt: 1, resumedFrom: undefined, row: expect.objectContaining({ casesReached: null, finishedAt: null }) },
    { input: { year, recentSince }, attempt: 2, resumedFrom: { pageToken: 'cGFnZSAz', casesReached: 1000, recent: [] }, row: expect.anything() },
    {
      input: { year, recentSince, recentOnly: { reached: ['bail-surveillance:XA-1', 'dispute:JF-2'] } },
      attempt: 1,
      resumedFrom: undefined,
      // Supervisors see the first pass's count while the second waits.
      row: expect.objectContaining({ casesReached: 1200, finishedAt: null }),
    },
  ]);
  expect(result).toEqual({
    id: handle.workflowId,
    version: year.version,
    requestedAt: expect.any(String),
    casesReached: 1203,
    finishedAt: expect.any(String),
  });
  expect(await loadCalendarBroadcast(pool, year.year, year.version)).toEqual(result);

  const { events } = await handle.fetchHistory();
  const steps = events!.flatMap((e) => {
    if (e.activityTaskScheduledEventAttributes) return [e.activityTaskScheduledEventAttributes.activityType!.name!];
    if (e.timerStartedEventAttributes) return [`timer ${Number(e.timerStartedEventAttributes.startToFireTimeout!.seconds)} s`];
    return [];
  });
  expect(steps).toEqual(['signalOpenCases', 'recordCalendarBroadcast', 'timer 10 s', 'signalOpenCases', 'recordCalendarBroadcast']);

  // Once it has finished, starting the same version again starts nothing.
  await startCalendarBroadcast(env.client, taskQueue, year);
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  expect(passes).toHaveLength(3);
});
