/**
 * The calendar watch on the time-skipping test server, with its real activity on a database of its own. The server's
 * clock starts at the real time, so the test places its years relative to it: every year up to the coming December's
 * is loaded, the next is not, and the reminders must start on the first Monday of December.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { calendarActivities } from '../../activities/calendar';
import { calendarWatchId, calendarWatchWorkflowType } from '../../src/domain/calendar-watch';
import { bundleWorkflows, silentLogger, uniqueQueue } from '../support/cases';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { testDataConverter } from '../support/payload-codec';
import { createTimeSkippingEnv } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
let db: FreshDatabase;

beforeAll(async () => {
  [env, db] = await Promise.all([createTimeSkippingEnv(), freshDatabase('calendar-watch')]);
});

afterAll(async () => {
  await env?.teardown();
  await db?.drop();
});

const dayMs = 86_400_000;
/** Shanghai's local date of an instant, written without the code under test. */
const shanghaiDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const shanghaiWeekday = (ms: number) => new Date(ms + 8 * 3_600_000).getUTCDay();

async function loadYear(year: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO calendar_years (year, holidays, workdays, source, version) VALUES ($1, '[]', '[]', 'test schedule', 1) ON CONFLICT (year) DO NOTHING`,
    [year],
  );
}

async function reminders(): Promise<Array<{ notice_key: string; recipient: string; created_at: Date }>> {
  const { rows } = await db.pool.query('SELECT notice_key, recipient, created_at FROM notices WHERE case_id = $1 ORDER BY created_at', [
    calendarWatchId,
  ]);
  return rows;
}

test('Years up to the coming December loaded, the next not: no reminder in November; from the first Monday of December one a week to the admin; loading the year stops them', async () => {
  const now = Date.now();
  // The coming December is this year's, whether it has begun or not.
  const comingDecember = Number(shanghaiDate(now).slice(0, 4));
  const nextYear = comingDecember + 1;
  for (let year = 2025; year <= comingDecember; year++) await loadYear(year);

  // The first Monday 09:00 (Shanghai) after both now and 1 December 00:00.
  let first = Math.max(now, Date.parse(`${comingDecember}-12-01T00:00:00+08:00`));
  first = Date.parse(`${shanghaiDate(first)}T09:00:00+08:00`);
  while (shanghaiWeekday(first) !== 1 || first <= now) first += dayMs;

  const taskQueue = uniqueQueue('calendar-watch');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflows(),
    dataConverter: testDataConverter,
    activities: calendarActivities({ pool: db.pool, logger: silentLogger }),
  });
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(calendarWatchWorkflowType, { taskQueue, workflowId: `${calendarWatchId}-${taskQueue}` });
    // The activity writes under the service's one watch id, whatever the workflow's id.
    await env.sleep(first - now - 60_000);
    expect(await reminders()).toEqual([]);

    await env.sleep(61_000 + 3_600_000);
    const firstWeek = await reminders();
    expect(firstWeek).toEqual([
      { notice_key: `calendar-${nextYear}-missing-${shanghaiDate(first)}`, recipient: 'admin', created_at: new Date(first) },
    ]);

    await env.sleep(7 * dayMs);
    expect((await reminders()).map((r) => r.notice_key)).toEqual([
      `calendar-${nextYear}-missing-${shanghaiDate(first)}`,
      `calendar-${nextYear}-missing-${shanghaiDate(first + 7 * dayMs)}`,
    ]);

    await loadYear(nextYear);
    await env.sleep(14 * dayMs);
    expect(await reminders()).toHaveLength(2);
    await handle.terminate('test over');
  });
});
