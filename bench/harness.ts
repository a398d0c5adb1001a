/** What the parts of `npm run bench:service` share: timing helpers, sample cases, and a worker + API on a task queue. */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, type Worker } from '@temporalio/worker';
import Fastify from 'fastify';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { app as apiApp, serverOptions } from '../src/api/app';
import { mintToken } from '../src/api/tokens';
import type { CaseStart } from '../src/procedures/index';
import type { EncryptionCodec } from '../src/temporal/codec';
import { createCaseWorker, defaultWorkerTuning, type WorkerTuning } from '../worker/run';
import type { CpuPids } from './cpu';

export const size = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
export const concurrency = size('BENCH_CONCURRENCY', 8);

export interface Timed {
  perSecond: number;
  ms: number[];
}

/** Runs `count` tasks, `width` at a time; returns per second and the latencies in ms. */
export async function run(count: number, task: (i: number) => Promise<unknown>, width = concurrency): Promise<Timed> {
  const ms: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        await task(i);
        ms.push(performance.now() - t);
      }
    }),
  );
  return { perSecond: count / ((performance.now() - started) / 1000), ms };
}

export const quantile = (ms: number[], q: number) => [...ms].sort((a, b) => a - b)[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;
export const msText = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'n/a');
export const p50p99 = (ms: number[]) => `p50 ${msText(quantile(ms, 0.5))}, p99 ${msText(quantile(ms, 0.99))}`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The stations of the bench's cases, one per part, so that a part's list requests see only its own cases. */
export const stations = ['S-01', 'S-SCALE', 'S-BURST', 'S-KILL', 'S-LITE'];

/** A bail case whose subject must report by `reportBy` (ms; a day ahead by default). */
export function bailStart(caseNumber: string, stationId = 'S-01', reportBy = Date.now() + 24 * 3_600_000): CaseStart {
  return {
    procedure: 'bail-surveillance',
    caseNumber,
    stationId,
    officerId: 'P-20931',
    measure: 'bail',
    subject: { name: '张三', idNumber: '110101199001011234', address: '北京市东城区某街1号' },
    decisionAuthority: { name: '某区人民法院', kind: 'court' },
    guarantee: { kind: 'guarantor', guarantorName: '李四' },
    noticeReceivedAt: new Date().toISOString(),
    reportBy: new Date(reportBy).toISOString(),
    termStart: new Date().toISOString().slice(0, 10),
    termEnd: new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10),
  } as CaseStart;
}

export const violation = (actionId: string = randomUUID()) => ({
  type: 'violation-reported',
  by: 'subject',
  description: '未按时报到',
  actionId,
  actor: 'P-20931',
});

export interface Shared {
  client: Client;
  connection: NativeConnection;
  dataConverter: DataConverter;
  codec: EncryptionCodec;
  logger: Logger;
  secret: string;
  /** The Temporal server's and PostgreSQL's process ids, for the CPU each operation costs them. */
  pids?: CpuPids;
}

export type Call = (method: string, url: string, as: 'system' | 'officer' | 'leader', body?: unknown) => Promise<Record<string, unknown>>;

export interface Service {
  call: Call;
  /** The in-process worker (none when the part runs worker processes of its own). */
  worker?: Worker;
  stop(): Promise<void>;
}

/** The worker's tuning from the same variables as the worker's configuration (README), else its defaults. */
export const benchTuning = (): WorkerTuning => ({
  maxCachedWorkflows: size('WORKER_MAX_CACHED_WORKFLOWS', defaultWorkerTuning.maxCachedWorkflows),
  maxConcurrentWorkflowTasks: size('WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', defaultWorkerTuning.maxConcurrentWorkflowTasks),
  maxConcurrentActivities: size('WORKER_MAX_CONCURRENT_ACTIVITIES', defaultWorkerTuning.maxConcurrentActivities),
  maxConcurrentLocalActivities: size('WORKER_MAX_CONCURRENT_LOCAL_ACTIVITIES', defaultWorkerTuning.maxConcurrentLocalActivities),
  workflowThreads: size('WORKER_WORKFLOW_THREADS', defaultWorkerTuning.workflowThreads),
});

/** The API (and, unless `worker: false`, a worker in this process) on `taskQueue`, over `pool`. */
export async function startService(
  shared: Shared,
  options: { taskQueue: string; pool: Pool; worker?: boolean; tuning?: WorkerTuning },
): Promise<Service> {
  const { client, connection, dataConverter, codec, logger, secret } = shared;
  const { taskQueue, pool } = options;
  const worker =
    options.worker === false
      ? undefined
      : await createCaseWorker({
          connection,
          namespace: 'default',
          taskQueue,
          pool,
          logger,
          client,
          dataConverter,
          codec,
          tuning: options.tuning ?? benchTuning(),
        });
  const running = worker?.run();
  const api = Fastify(serverOptions(logger));
  await api.register(apiApp, {
    temporal: { client, namespace: 'default', taskQueue },
    db: { pool },
    auth: { jwtSecret: secret, issuer: 'beatflow', audience: 'beatflow-api' },
    rateLimit: { max: 10_000_000, windowMs: 60_000 },
    payloadCodec: codec,
  });
  const address = await api.listen({ host: '127.0.0.1', port: 0 });
  const token = (role: 'station-system' | 'officer' | 'station-leader') =>
    mintToken({ secret, issuer: 'beatflow', audience: 'beatflow-api', sub: 'P-20931', roles: [role], stationIds: stations, ttlSeconds: 6 * 3600 });
  const tokens = { system: await token('station-system'), officer: await token('officer'), leader: await token('station-leader') };
  const call: Call = async (method, url, as, body) => {
    const res = await fetch(`${address}${url}`, {
      method,
      headers: { authorization: `Bearer ${tokens[as]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  return {
    call,
    worker,
    async stop() {
      await api.close();
      if (worker) {
        worker.shutdown();
        await running;
      }
    },
  };
}

/** Waits until the worker has nothing in flight (its cache then holds settled cases only). */
export async function settle(worker: Worker): Promise<void> {
  for (let quiet = 0; quiet < 3;) {
    const s = worker.getStatus();
    quiet = s.numInFlightWorkflowActivations + s.numInFlightActivities + s.numInFlightLocalActivities === 0 ? quiet + 1 : 0;
    await sleep(500);
  }
}

export const casePath = (caseId: string) => `/v1/cases/${encodeURIComponent(caseId)}`;

/** The rows of the closing table: the part, the figure, its value, and a ratio where one compares two figures. */
export const summary: Array<[part: string, figure: string, value: string, ratio: string]> = [];
