/**
 * The calendar broadcast's activities on the real servers: the visibility listing and the signals against the Temporal
 * dev server (the time-skipping test server lists no workflows), the record in PostgreSQL. The cases have no worker:
 * a signal lands in a case's history whether or not a worker runs it, and the history is what is checked.
 */
import { Client, Connection } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { caseActivities } from '../../activities';
import { type BroadcastProgress, calendarActivities, openCasesQuery, type SignalOpenCasesResult } from '../../activities/calendar';
import { loadCalendarBroadcast, loadYearsAwaitingBroadcast, recordCalendarBroadcast, replaceCalendarYear } from '../../src/db/calendar';
import type { CalendarYear } from '../../src/case/calendar';
import type { CaseView } from '../../src/case/contract';
import { startCase } from '../../src/temporal/cases';
import { bailStart, silentLogger, testPool, uniqueQueue } from '../support/cases';

const address = process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
const queue = uniqueQueue('calendar-activities');
const year: CalendarYear = {
  year: 2071,
  holidays: [{ from: '2071-10-01', to: '2071-10-07', name: 'National Day' }],
  workdays: [],
  source: 'test',
  version: 1,
};

let connection: Connection;
let client: Client;
let pool: Pool;
let activities: ReturnType<typeof calendarActivities>;
/** Open cases on the queue: 20 started first, then 5 started after `recentSince`. */
let earlier: string[];
let recent: string[];
let recentSince: string;
let elsewhere: string;
let ended: string;

const startMany = async (n: number, taskQueue = queue) =>
  Promise.all(
    Array.from(
      { length: n },
      async () => (await startCase(client, taskQueue, bailStart(Date.now()), [], { actor: 'SYS-01', role: 'station-system' })).caseId,
    ),
  );

/** How many calendar signals each case's history holds, by workflow id. */
async function signalsOf(ids: string[]): Promise<Record<string, number>> {
  const counts = await Promise.all(
    ids.map(async (id) => {
      const { events } = await client.workflow.getHandle(id).fetchHistory();
      return [id, events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'calendarChanged').length] as const;
    }),
  );
  return Object.fromEntries(counts);
}

const times = (ids: string[], n: number) => Object.fromEntries(ids.map((id) => [id, n]));

function run(input: Parameters<typeof activities.signalOpenCases>[0], heartbeatDetails?: BroadcastProgress) {
  const env = new MockActivityEnvironment({ taskQueue: queue, heartbeatDetails });
  const heartbeats: BroadcastProgress[] = [];
  env.on('heartbeat', (details: BroadcastProgress) => heartbeats.push(structuredClone(details)));
  return { heartbeats, result: env.run(activities.signalOpenCases, input) as Promise<SignalOpenCasesResult> };
}

beforeAll(async () => {
  connection = await Connection.connect({ address });
  client = new Client({ connection });
  pool = await testPool();
  activities = calendarActivities({ pool, logger: silentLogger, client });
  earlier = await startMany(20);
  [ended] = await startMany(1);
  await client.workflow.getHandle(ended).terminate('closed before the broadcast');
  [elsewhere] = await startMany(1, uniqueQueue('other-deployment'));
  await new Promise((r) => setTimeout(r, 1500));
  recentSince = new Date(Date.now() - 500).toISOString();
  recent = await startMany(5);
  // Visibility lags behind starts: wait until it lists them all.
  for (let tries = 0; (await client.workflow.count(openCasesQuery(queue))).count !== 25; tries++) {
    if (tries > 100) throw new Error('visibility never listed the 25 open cases');
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await Promise.all([...earlier, ...recent, elsewhere].map((id) => client.workflow.getHandle(id).terminate('test over')));
  await connection?.close();
  await pool?.end();
});

test('a pass signals each open case of its task queue once, page by page with a heartbeat each, and names those started since', async () => {
  const { heartbeats, result } = run({ year, recentSince, pageSize: 10 });
  expect(await result).toEqual({ casesReached: 25, recent: expect.arrayContaining(recent) });
  expect((await result).recent).toHaveLength(5);
  expect(await signalsOf([...earlier, ...recent])).toEqual(times([...earlier, ...recent], 1));
  // A closed case and a case of another task queue are not told.
  expect(await signalsOf([ended, elsewhere])).toEqual(times([ended, elsewhere], 0));

  const pages = heartbeats.filter((h, i) => i === 0 || h.casesReached !== heartbeats[i - 1].casesReached);
  expect(pages.map((h) => h.casesReached)).toEqual([0, 10, 20, 25]);
  expect(heartbeats.at(-1)).toEqual({ pageToken: undefined, casesReached: 25, recent: expect.arrayContaining(recent), done: true });
  expect(heartbeats.filter((h) => h.casesReached === 10).every((h) => h.pageToken)).toBe(true);
});

test('a retried attempt resumes at the page its last heartbeat named: the cases of the pages before are not told again', async () => {
  const first = run({ year, recentSince, pageSize: 10 });
  await first.result;
  const afterFirstPage = first.heartbeats.find((h) => h.casesReached === 10)!;
  const before = await signalsOf([...earlier, ...recent]);

  const retried = run({ year, recentSince, pageSize: 10 }, afterFirstPage);
  expect(await retried.result).toMatchObject({ casesReached: 25 });
  const after = await signalsOf([...earlier, ...recent]);
  const toldAgain = Object.keys(after).filter((id) => after[id] > before[id]);
  expect(toldAgain).toHaveLength(15);
  expect(Object.values(after).every((n, i) => n - Object.values(before)[i] <= 1)).toBe(true);
  // And a finished pass, retried, tells no one.
  expect(await run({ year, recentSince }, first.heartbeats.at(-1)).result).toMatchObject({ casesReached: 25 });
  expect(await signalsOf([...earlier, ...recent])).toEqual(after);
});

test('the second pass tells only the cases started since, but for those the first pass reached', async () => {
  const before = await signalsOf([...earlier, ...recent]);
  const { result } = run({ year, recentSince, recentOnly: { reached: recent.slice(0, 2) } });
  expect(await result).toEqual({ casesReached: 3, recent: expect.arrayContaining(recent.slice(2)) });
  const after = await signalsOf([...earlier, ...recent]);
  expect(Object.keys(after).filter((id) => after[id] > before[id])).toEqual(expect.arrayContaining(recent.slice(2)));
  expect(Object.keys(after).filter((id) => after[id] > before[id])).toHaveLength(3);
});

test('a stored version is awaited until its broadcast is recorded finished; the count is shown; a newer version supersedes it', async () => {
  const arrangement = (source: string) => ({ year: 2072, holidays: [], workdays: [], source: `${source} ${queue}` });
  const { year: v1 } = await replaceCalendarYear(pool, arrangement('first notice'));
  expect(await loadCalendarBroadcast(pool, 2072, v1.version)).toMatchObject({
    id: `calendar-2072-v${v1.version}`,
    casesReached: null,
    finishedAt: null,
  });
  expect(await loadYearsAwaitingBroadcast(pool)).toContainEqual(v1);

  await recordCalendarBroadcast(pool, { year: 2072, version: v1.version, casesReached: 3, finished: false });
  expect(await loadCalendarBroadcast(pool, 2072, v1.version)).toMatchObject({ casesReached: 3, finishedAt: null });
  expect(await loadYearsAwaitingBroadcast(pool)).toContainEqual(v1);

  const finished = await recordCalendarBroadcast(pool, { year: 2072, version: v1.version, casesReached: 7, finished: true });
  expect(finished).toMatchObject({ casesReached: 7, finishedAt: expect.any(String) });
  expect((await loadYearsAwaitingBroadcast(pool)).filter((y) => y.year === 2072)).toEqual([]);
  // A retried record keeps the first finish time.
  expect(await recordCalendarBroadcast(pool, { year: 2072, version: v1.version, casesReached: 7, finished: true })).toEqual(finished);

  const { year: v2 } = await replaceCalendarYear(pool, arrangement('corrected notice'));
  expect(v2.version).toBe(v1.version + 1);
  expect((await loadYearsAwaitingBroadcast(pool)).filter((y) => y.year === 2072)).toEqual([v2]);
  expect(await loadCalendarBroadcast(pool, 2072, v1.version)).toEqual(finished);
  await recordCalendarBroadcast(pool, { year: 2072, version: v2.version, casesReached: 0, finished: true });
});

test('an open case writing its read model learns of the calendar years stored in a newer version than it holds', async () => {
  const { year: stored } = await replaceCalendarYear(pool, { year: 2073, holidays: [], workdays: [], source: `notice ${queue}` });
  const view = (calendar: CaseView['calendar'], status: CaseView['status'] = 'open'): CaseView => ({
    caseId: `bail-surveillance:CAL-${queue}`,
    procedure: 'bail-surveillance',
    caseNumber: `CAL-${queue}`,
    stationId: 'S-01',
    officerId: 'P-20931',
    status,
    startedAt: '2026-03-02T09:00:00+08:00',
    overdueCount: 0,
    obligations: [],
    notices: [],
    records: {},
    policy: {},
    warnings: [],
    calendar,
    run: 0,
  });
  const { flushRecords } = caseActivities({ pool, logger: silentLogger });
  const caseSaved = ({ view: v, revision }: { view: ReturnType<typeof view>; revision: number }) =>
    flushRecords({ caseId: v.caseId, notices: [], audit: [], view: v, revision });
  const shipped = [
    { year: 2025, version: 1 },
    { year: 2026, version: 1 },
  ];
  const missing = await caseSaved({ view: view(shipped), revision: 1 });
  expect(missing.newerCalendarYears).toContainEqual(stored);
  expect(missing.newerCalendarYears.map((y) => y.year)).not.toContain(2025);

  const older = await caseSaved({ view: view([...shipped, { year: 2073, version: stored.version - 1 }]), revision: 2 });
  expect(older.newerCalendarYears).toContainEqual(stored);
  const current = await caseSaved({ view: view([...shipped, { year: 2073, version: stored.version }]), revision: 3 });
  expect(current.newerCalendarYears.map((y) => y.year)).not.toContain(2073);
  expect((await caseSaved({ view: view(shipped, 'closed'), revision: 4 })).newerCalendarYears).toEqual([]);
  await recordCalendarBroadcast(pool, { year: 2073, version: stored.version, casesReached: 0, finished: true });
});
