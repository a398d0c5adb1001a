import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readFile } from 'node:fs/promises';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import { Pool } from 'pg';
import pino from 'pino';
import { type AuditEntry, type CaseActivities, createActivities } from '../../activities';
import type { CalendarYear } from '../../src/case/calendar';
import type { IssuedNotice } from '../../src/case/obligation';
import type { BailStart } from '../../src/procedures/bail-surveillance/schema';
import type { DeprivedRightsStart } from '../../src/procedures/deprived-rights/schema';
import type { DisputeStart } from '../../src/procedures/dispute/schema';
import { type HazardStart, hazardStartSchema } from '../../src/procedures/hazard-rectification/schema';
import { type CaseView, caseViewQuery, submitActionUpdate, type ActionEnvelope } from '../../src/case/contract';
import { addDays, formatInstant, localDate, parseInstant } from '../../src/case/legal-time';
import { runMigrations } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { updateIdOf } from '../../src/temporal/cases';
import { testDataConverter } from './payload-codec';

export const silentLogger = pino({ level: 'silent' });
const hour = 3_600_000;

const quietBundler = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Bundles the workflows at `workflowsPath` (the global setup builds the case workflows' bundle once per run). */
export function buildWorkflowBundle(workflowsPath = require.resolve('../../workflows')): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, logger: quietBundler });
}

/** The case workflows' bundle the global setup built for this run, or another module's bundled now. */
export async function bundleWorkflows(workflowsPath?: string): Promise<WorkflowBundle> {
  const built = process.env.BEATFLOW_TEST_WORKFLOW_BUNDLE;
  if (workflowsPath === undefined && built) return { code: await readFile(built, 'utf8') };
  return buildWorkflowBundle(workflowsPath);
}

/** The test PostgreSQL (started by the global setup, unless another `url` is given), migrated. */
export async function testPool(url = process.env.BEATFLOW_TEST_DATABASE_URL ?? process.env.DATABASE_URL): Promise<Pool> {
  if (!url) throw new Error('no test database: the global setup sets BEATFLOW_TEST_DATABASE_URL');
  await runMigrations(url);
  const pool = new Pool({ connectionString: url, max: 4 });
  // A test that stops PostgreSQL drops the idle connections; unheard, that error would end the test run.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * The case's activities on the test database, as the worker builds them (its own pool of two), beside a pool for the
 * test's own reads (`admin`): for the tests of the records' flush. `end()` closes both.
 */
export async function flushingActivities(codec?: Parameters<typeof createActivities>[0]['codec']) {
  const admin = await testPool();
  const pool = createPool(process.env.BEATFLOW_TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? '', { max: 2, logger: silentLogger });
  const activities = createActivities({ pool, logger: silentLogger, codec });
  return {
    admin,
    pool,
    activities,
    end: async () => {
      await pool.end();
      await admin.end();
    },
  };
}

export function uniqueQueue(name: string): string {
  return `${name}-${randomUUID().slice(0, 8)}`;
}

/** A worker for the case workflows, with the real activities on `pool` or the given ones (jest.fn fakes). */
export async function caseWorker(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  bundle: WorkflowBundle,
  activities: Pool | CaseActivities,
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    dataConverter: testDataConverter,
    activities: activities instanceof Pool ? createActivities({ pool: activities, logger: silentLogger }) : activities,
  });
}

/**
 * Activities that record what they would write and write nothing: for time-skipping tests that are not about the
 * database. The fake flush hands each of its notices, audit rows and its read model to a recorder of its own, in that
 * order, so a test reads what a wake wrote record by record; a recorder that fails fails the flush.
 */
export function fakeActivities() {
  const fakes = {
    noticeWritten: jest.fn<Promise<void>, [IssuedNotice & { caseId: string }]>(async () => undefined),
    actionRecorded: jest.fn<Promise<void>, [AuditEntry & { caseId: string }]>(async () => undefined),
    caseSaved: jest.fn<Promise<{ saved: boolean; newerCalendarYears: CalendarYear[] }>, [{ view: CaseView<unknown>; revision: number }]>(
      async () => ({
        saved: true,
        newerCalendarYears: [],
      }),
    ),
  };
  const flushRecords = jest.fn<ReturnType<CaseActivities['flushRecords']>, Parameters<CaseActivities['flushRecords']>>(
    async ({ caseId, notices, audit, view, revision }) => {
      for (const notice of notices) await fakes.noticeWritten({ caseId, ...notice });
      for (const entry of audit) await fakes.actionRecorded({ caseId, ...entry });
      const { personal: _personal, ...withoutPersonal } = view;
      const { saved, newerCalendarYears } = await fakes.caseSaved({ view: withoutPersonal, revision });
      return { notices: notices.length, audit: audit.length, saved, newerCalendarYears };
    },
  );
  return { ...fakes, flushRecords } satisfies CaseActivities & typeof fakes;
}

/** A bail case whose dates are laid out from `now` (the test server's clock). */
export function bailStart(now: number, overrides: Partial<BailStart> = {}): BailStart {
  const today = localDate(now);
  return {
    procedure: 'bail-surveillance',
    caseNumber: `XA-${randomUUID().slice(0, 8)}`,
    stationId: 'S-01',
    officerId: 'P-20931',
    measure: 'bail',
    subject: { name: '张三', idNumber: '110101199001011234', address: '北京市东城区某街1号' },
    decisionAuthority: { name: '某区人民法院', kind: 'court' },
    guarantee: { kind: 'guarantor', guarantorName: '李四' },
    noticeReceivedAt: formatInstant(now),
    reportBy: formatInstant(now + 24 * hour),
    termStart: today,
    termEnd: addDays(today, 120),
    ...overrides,
  };
}

export function action<T extends { type: string }>(fields: T): T & ActionEnvelope {
  return { actionId: randomUUID(), actor: 'P-20931', ...fields };
}

/**
 * Reports an action once the case is idle, as an officer would between two acts. The Java test server, unlike
 * the real one, does not carry an Update that arrives during continue-as-new over to the new run.
 */
/** What a test was last waiting for, named when a test runs out of time. */
export const lastStep = { name: '' };

/** An action as the API sends it to a case: addressed to it (src/temporal/cases.ts, `submitAction`). */
export function sealedFor<A extends ActionEnvelope>(handle: WorkflowHandle, a: A): A {
  return { ...a, caseId: handle.workflowId };
}

export async function act(handle: WorkflowHandle, action: ActionEnvelope): Promise<CaseView> {
  lastStep.name = `action ${action.type}`;
  const a = sealedFor(handle, action);
  // The same Update id answers a repeated request with the first result, so a retry after a lost Update is safe.
  for (let attempt = 1; ; attempt++) {
    await settle(handle);
    const update = handle.executeUpdate(submitActionUpdate, { args: [a], updateId: updateIdOf(a) });
    // Answered by a run that continued as new just then: the test server does not pass it on, so it is sent again.
    const outcome = await Promise.race([
      update.catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError && attempt < 3) return 'lost' as const;
        throw err;
      }),
      realTime(20_000).then(() => 'lost' as const),
    ]);
    if (outcome !== 'lost') return outcome;
    update.catch(() => undefined);
    if (attempt === 3) throw new Error(`action ${a.type} got no answer after ${attempt} attempts`);
  }
}

/** Waits until the case has no workflow task or activity in flight, and is not between two runs. */
export async function settle(handle: WorkflowHandle): Promise<void> {
  let quiet = 0;
  for (let tries = 0; tries < 200 && quiet < 3; tries++) {
    const { raw, status } = await handle.describe();
    const busy = status.name === 'CONTINUED_AS_NEW' || (status.name === 'RUNNING' && (raw.pendingWorkflowTask || raw.pendingActivities?.length));
    quiet = busy ? 0 : quiet + 1;
    if (quiet < 3) await new Promise((r) => setTimeout(r, 25));
  }
}

export async function view(handle: WorkflowHandle): Promise<CaseView> {
  lastStep.name = 'query of the case view';
  // A query waits for the worker; after continue-as-new the test server has been seen not to answer one.
  for (let attempt = 1; ; attempt++) {
    await settle(handle);
    const query = handle.query(caseViewQuery);
    query.catch(() => undefined);
    const outcome = await Promise.race([query, realTime(20_000).then(() => 'lost' as const)]);
    if (outcome !== 'lost') return outcome;
    if (attempt === 3) throw new Error(`the case ${handle.workflowId} answered no query after ${attempt} attempts`);
  }
}

/** A wait on the machine's clock, which the test server's time skipping does not shorten. */
export function realTime(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function obligation(v: CaseView, key: string, period?: string) {
  const found = v.obligations.find((o) => o.key === key && o.period === period);
  if (!found) throw new Error(`no obligation ${key}${period ? ` ${period}` : ''} in ${v.obligations.map((o) => o.key).join(', ')}`);
  return found;
}

export function noticesOf(v: CaseView, kind: string) {
  return v.notices.filter((n) => n.kind === kind);
}

/** A deprivation-of-political-rights case with a unit, so three parties are told and notified. */
export function deprivedStart(termStart: string, termEnd: string | null, overrides: Partial<DeprivedRightsStart> = {}): DeprivedRightsStart {
  return {
    procedure: 'deprived-rights',
    caseNumber: `DR-${randomUUID().slice(0, 8)}`,
    stationId: 'S-01',
    officerId: 'P-20931',
    subject: { name: '钱七', idNumber: '110101198501011234', address: '北京市西城区某街2号' },
    sentence: { court: '某市中级人民法院', judgmentNumber: '(2026)某刑初12号' },
    termStart,
    termEnd,
    unit: { name: '某机械厂' },
    communityOrganisation: { name: '某街道某社区居民委员会' },
    ...overrides,
  };
}

/** A neighbours' dispute from an alarm two hours ago, two parties named. */
export function disputeStart(now: number, overrides: Partial<DisputeStart> = {}): DisputeStart {
  return {
    procedure: 'dispute',
    caseNumber: `JF-${randomUUID().slice(0, 8)}`,
    stationId: 'S-01',
    officerId: 'P-20931',
    source: 'alarm',
    category: 'neighbour',
    parties: [
      { name: '王五', role: 'complainant' },
      { name: '赵六', role: 'respondent' },
    ],
    place: '某小区3栋2单元楼道',
    occurredAt: new Date(now - 2 * hour).toISOString(),
    riskLevel: 'medium',
    relatedCaseNumbers: [],
    ...overrides,
  };
}

/** A unit's hazard decided an hour ago, to be rectified within 10 days. */
export function hazardStart(now: number): HazardStart {
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

/** The reason a case refused an action with; fails the test when the action was accepted. */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return String(err.cause?.message);
    throw err;
  }
  throw new Error('the action was accepted');
}

/**
 * Whether a reminder sent at `createdAt` lies in the morning window new cases pin (08:30–11:29), less
 * than a week before the deadline `due`. Time-skipping tests run on today's dates with random case numbers, so the exact
 * minute, pinned in test/simulator/reminder-window.test.ts, is not written out there.
 */
export function inReminderWindow(createdAt: string | number, due: number): boolean {
  const at = typeof createdAt === 'number' ? createdAt : parseInstant(createdAt);
  // The minute it was due; a timer fires a busy machine's seconds after it.
  const time = /T(\d\d):(\d\d):\d\d\+08:00$/.exec(formatInstant(at));
  if (!time) return false;
  const minute = Number(time[1]) * 60 + Number(time[2]);
  return minute >= 8 * 60 + 30 && minute < 11 * 60 + 30 && at < due && due - at < 7 * 24 * hour;
}
