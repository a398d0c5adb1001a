import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { createActivities } from '../activities';

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  logger: Logger;
  webhookUrl?: string;
  /** A prebuilt bundle (tests bundle once per file); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** After shutdown is asked: how long activities in flight may run before they are cancelled, and the worker given up on later. */
  shutdownGraceMs?: number;
}

/** The worker that runs every procedure's workflows and the activities. */
export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  const { connection, namespace, taskQueue, pool, logger, webhookUrl, workflowBundle, shutdownGraceMs } = options;
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({ pool, logger, webhookUrl }),
    ...(shutdownGraceMs === undefined ? {} : { shutdownGraceTime: shutdownGraceMs, shutdownForceTime: shutdownGraceMs + 5_000 }),
  });
}

export { NativeConnection };
