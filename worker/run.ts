import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import type { Config } from '../src/config';
import type { EncryptionCodec } from '../src/temporal/codec';
import { createNoticeRelay, type NoticeRelay } from '../src/relay/notice-relay';
import { noticeRelaySettings } from '../src/relay/settings';

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  logger: Logger;
  /** The client the calendar broadcast signals the open cases with. */
  client: Client;
  /** A prebuilt bundle (tests bundle once per file); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Carries the payload codec: what the worker writes to Temporal (commands, results, query answers) is sealed. */
  dataConverter?: DataConverter;
  /** Seals the personal part of the read model (the payload codec's keys). */
  codec?: EncryptionCodec;
  /** Cache size and concurrency (WORKER_* in the configuration); unset: the defaults below. */
  tuning?: WorkerTuning;
  /** After shutdown is asked: how long activities in flight may run before they are cancelled, and the worker given up on later. */
  shutdownGraceMs?: number;
}

export interface WorkerTuning {
  /** Workflows kept in memory between their tasks (sticky cache); an evicted case replays its history when it next wakes. */
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTasks: number;
  maxConcurrentActivities: number;
  maxConcurrentLocalActivities: number;
  workflowThreads: number;
}

export const defaultWorkerTuning: WorkerTuning = {
  maxCachedWorkflows: 2_000,
  maxConcurrentWorkflowTasks: 40,
  maxConcurrentActivities: 40,
  maxConcurrentLocalActivities: 40,
  workflowThreads: 1,
};

/** The worker's tuning from the configuration. */
export function workerTuningOf(config: Config): WorkerTuning {
  return {
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTasks: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivities: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentLocalActivities: config.WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES,
    workflowThreads: config.WORKER_WORKFLOW_THREADS,
  };
}

/** The worker that runs every procedure's workflows, the calendar broadcast and the activities. */
export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, pool, logger, client, workflowBundle, dataConverter, shutdownGraceMs, codec } = options;
  const tuning = options.tuning ?? defaultWorkerTuning;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    dataConverter,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ pool, logger, client, codec }),
    maxCachedWorkflows: tuning.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTasks,
    maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivities,
    maxConcurrentLocalActivityExecutions: tuning.maxConcurrentLocalActivities,
    workflowThreadPoolSize: tuning.workflowThreads,
    ...(shutdownGraceMs === undefined ? {} : { shutdownGraceTime: shutdownGraceMs, shutdownForceTime: shutdownGraceMs + 5_000 }),
  });
}

/**
 * The worker's Temporal runtime, installed before any connection: with WORKER_METRICS_PORT it exports on
 * METRICS_HOST:port `/metrics` the SDK's own series (`temporal_…`: workflow task failures, schedule-to-start latency,
 * slots) and beatflow's, counted by the cases through the workflow metric meter and by the relay.
 */
export function installRuntime(config: Config): void {
  if (!config.WORKER_METRICS_PORT) return;
  Runtime.install({
    telemetryOptions: {
      metrics: {
        prometheus: { bindAddress: `${config.METRICS_HOST}:${config.WORKER_METRICS_PORT}`, countersTotalSuffix: true, useSecondsForDurations: true },
      },
    },
  });
}

/**
 * The relay of the notices outbox, a loop of its own beside the worker (not a case's activity, so a partner never
 * holds up a case): started when NOTICE_WEBHOOK_URL is set, undefined otherwise. Throws on a configuration production
 * must not run with.
 */
export function startNoticeRelay(config: Config, pool: Pool, logger: Logger): NoticeRelay | undefined {
  const settings = noticeRelaySettings(config, logger);
  if (!settings) {
    logger.info('NOTICE_WEBHOOK_URL is unset: notices stay in the outbox');
    return undefined;
  }
  const relay = createNoticeRelay({ ...settings, pool, logger, meter: Runtime.instance().metricMeter });
  relay.start();
  logger.info({ pollIntervalMs: settings.pollIntervalMs, signed: Boolean(settings.secret) }, 'notice relay running');
  return relay;
}

export { NativeConnection };
