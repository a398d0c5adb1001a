import fs from 'node:fs';
import path from 'node:path';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { CaseActivities } from '../../activities';
import { caseIdOf } from '../../src/case/contract';
import { type Procedure, workflowTypes } from '../../src/procedures/index';
import { caseArgs } from '../../src/temporal/cases';
import { bundleWorkflows, caseWorker, lastStep, realTime, settle, uniqueQueue } from './cases';
import { type FreshDatabase, freshDatabase } from './database';
import { testDataConverter } from './payload-codec';
import { createTimeSkippingEnv } from './time-skipping';

export const historiesDir = path.resolve(__dirname, '../histories');

/**
 * Time-skipping cases for a test file: one test server, one workflow bundle and the test database, shared by its
 * tests; each case runs on its own task queue with its own worker.
 */
export class CaseHarness {
  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly bundle: WorkflowBundle,
    private readonly database: FreshDatabase,
  ) {}

  /** Each test file's cases write to a database of its own: another file's calendar years or rows never reach them. */
  static async create(): Promise<CaseHarness> {
    const [env, bundle, database] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows(), freshDatabase('workflow')]);
    return new CaseHarness(env, bundle, database);
  }

  get pool(): Pool {
    return this.database.pool;
  }

  async teardown(): Promise<void> {
    await this.env.teardown();
    await this.database.drop();
  }

  async now(): Promise<number> {
    return Number(await this.env.currentTimeMs());
  }

  /** Starts a case with inputs laid out from the test server's clock and runs `body` against it. */
  async withCase<S extends { procedure: Procedure; caseNumber: string }>(
    start: (now: number) => S,
    body: (handle: WorkflowHandle, start: S, now: number) => Promise<void>,
    options: { maxHistoryEvents?: number; budgetMs?: number; activities?: CaseActivities } = {},
  ): Promise<void> {
    const taskQueue = uniqueQueue('case');
    const worker = await caseWorker(this.env, taskQueue, this.bundle, options.activities ?? this.pool);
    const now = await this.now();
    const s = start(now);
    await worker.runUntil(async () => {
      const handle = await this.env.client.workflow.start(workflowTypes[s.procedure], {
        taskQueue,
        workflowId: caseIdOf(s.procedure, s.caseNumber),
        args: [{ ...caseArgs(s), maxHistoryEvents: options.maxHistoryEvents }],
      });
      // The first task done before a test moves the clock: a timer is armed for a duration from the task's time, and a
      // clock skipped while the task (and the flush it runs) is in flight would set it that much later.
      await settle(handle);
      // A case that stops answering fails the test with what it was waiting for, before jest's own timeout.
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`case ${handle.workflowId} stuck at: ${lastStep.name}`)), options.budgetMs ?? 110_000);
      });
      try {
        await Promise.race([body(handle, s, now), stuck]);
      } finally {
        clearTimeout(timer);
        await closeCase(handle);
      }
    });
  }

  /**
   * With RECORD_HISTORIES=1 (`npm run record-histories`), writes the history of a finished case's last run into
   * test/histories/, where the replay test reads it to guard determinism on every later change.
   */
  async recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
    if (process.env.RECORD_HISTORIES !== '1') return;
    const history = await this.env.client.workflow.getHandle(handle.workflowId).fetchHistory();
    fs.mkdirSync(historiesDir, { recursive: true });
    fs.writeFileSync(path.join(historiesDir, `${name}.binpb`), temporal.api.history.v1.History.encode(history).finish());
  }

  /**
   * Sleeps the test server's clock until just after `at`: 10 s after, since a timer counts its duration from the time
   * of the task that armed it and fires that task's run time (a busy machine's seconds, with the flush) after `at`.
   */
  async skipTo(at: number): Promise<void> {
    lastStep.name = `time skip to ${new Date(at).toISOString()}`;
    // The Java test server now and then leaves a sleep unanswered although its clock has moved on: look again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = await this.now();
      if (now > at + afterDue - 1000) return;
      const sleep = this.env.sleep(at - now + afterDue);
      sleep.catch(() => undefined);
      await Promise.race([sleep, realTime(20_000)]);
    }
    throw new Error(`the test server's clock did not reach ${new Date(at).toISOString()}`);
  }

  /**
   * The result of a case that has already ended. The environment's own client would unlock time skipping while
   * it waits, and the test server then races its clock ahead; a plain client does not.
   */
  async resultOf<T>(handle: WorkflowHandle): Promise<T> {
    lastStep.name = 'the case to end';
    for (let tries = 0; (await handle.describe()).status.name === 'RUNNING'; tries++) {
      if (tries === 300) throw new Error(`case ${handle.workflowId} is still open`);
      await realTime(100);
    }
    return new Client({ connection: this.env.connection, dataConverter: testDataConverter }).workflow
      .getHandle(handle.workflowId)
      .result() as Promise<T>;
  }
}

const afterDue = 10_000;

/**
 * An instant `at` or a moment after it, within a skip's margin: the test server wakes a case at its timer, but on a
 * loaded machine it may hand the woken task to the worker a second or so later, and what the case writes then carries
 * that moment. The time a duty became overdue does not move (the engine takes its deadline); a notice's does.
 */
export function wokenAt(at: number): number {
  return {
    $$typeof: Symbol.for('jest.asymmetricMatcher'),
    asymmetricMatch: (value: unknown) => typeof value === 'number' && value >= at && value < at + afterDue,
    toAsymmetricMatcher: () => `wokenAt(${new Date(at).toISOString()})`,
  } as unknown as number;
}

/**
 * Ends a case a test left open, once its activities are done: an open case would keep firing timers on the
 * shared test server's clock, and one terminated with an activity in flight stalls the server's time skipping.
 */
async function closeCase(handle: WorkflowHandle): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    // Quiet several times in a row: a case whose records drain beside its deadlines may start a write just after a look.
    await settle(handle);
    const { status, raw } = await handle.describe();
    if (status.name !== 'RUNNING') return;
    if (!raw.pendingActivities?.length && !raw.pendingWorkflowTask) {
      await handle.terminate('test over');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`case ${handle.workflowId} still has activities in flight`);
}

/** The test file's harness: created before its tests, torn down after them. */
export function useCaseHarness(): CaseHarness {
  let current: CaseHarness | undefined;
  beforeAll(async () => {
    current = await CaseHarness.create();
  });
  afterAll(async () => {
    await current?.teardown();
  });
  return new Proxy({} as CaseHarness, {
    get(_target, property) {
      if (!current) throw new Error('the case harness is used before beforeAll created it');
      const value = Reflect.get(current, property, current);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
