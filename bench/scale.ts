/**
 * Open-case scale: start, action, read and list latencies with 100 open cases and with N (BENCH_OPEN_CASES), in one
 * run, and the worker's memory per cached workflow. The open cases are started through the bare client's startCase
 * (the same call the API makes, without HTTP), the measured starts through the API.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { startCase } from '../src/temporal/cases';
import { type CpuPids, cpuPerOperation, measuringCpu } from './cpu';
import {
  bailStart,
  benchTuning,
  casePath,
  concurrency,
  p50p99,
  quantile,
  run,
  type Service,
  settle,
  type Shared,
  size,
  sleep,
  startService,
  summary,
  type Timed,
  violation,
} from './harness';

const station = 'S-SCALE';

/** The process's resident memory and the main isolate's heap, after a full collection when node runs with --expose-gc. */
function memory(): { rss: number; heap: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

async function untilReadModelHolds(pool: Pool, count: number): Promise<void> {
  for (;;) {
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM cases WHERE station_id = $1', [station]);
    if (rows[0].n >= count) return;
    await sleep(500);
  }
}

interface Figures {
  open: number;
  start: Timed;
  action: Timed;
  read: Timed;
  list: Timed;
  /** CPU per officer action in this process, the Temporal server and PostgreSQL. */
  actionCpu: string;
}

async function measure(service: Service, ids: string[], ops: number, tag: string, pids: CpuPids | undefined): Promise<Figures> {
  const open = ids.length;
  const pick = () => ids[Math.floor(Math.random() * open)];
  const start = await run(ops, async (i) => {
    const { caseId } = await service.call('POST', '/v1/cases', 'system', bailStart(`SCALE-API-${tag}-${open}-${i}`, station));
    ids.push(caseId as string);
  });
  // The starts' own first tasks and flushes are done before the actions' CPU is counted.
  await settle(service.worker!);
  const { result: action, cpu } = await measuringCpu(pids, () =>
    run(ops, () => service.call('POST', `${casePath(pick())}/actions`, 'officer', violation())),
  );
  const read = await run(ops, () => service.call('GET', casePath(pick()), 'leader'));
  const list = await run(ops, () => service.call('GET', `/v1/cases?stationId=${station}`, 'leader'));
  return { open, start, action, read, list, actionCpu: cpuPerOperation(cpu, ops) };
}

/** Runs the part; answers the lines it prints. */
export async function scalePart(shared: Shared, pool: Pool): Promise<string[]> {
  const open = size('BENCH_OPEN_CASES', 10_000);
  const ops = size('BENCH_SCALE_OPS', 200);
  const fillWidth = size('BENCH_FILL_CONCURRENCY', 16);
  const tag = randomUUID().slice(0, 6);
  const taskQueue = `bench-scale-${tag}`;
  const service = await startService(shared, { taskQueue, pool });
  const worker = service.worker!;
  const cacheSize = benchTuning().maxCachedWorkflows;
  try {
    await settle(worker);
    const empty = { ...memory(), cached: worker.getStatus().numCachedWorkflows };
    const ids: string[] = [];
    const fill = async (to: number) => {
      const from = ids.length;
      const filled = await run(
        to - from,
        async (i) =>
          ids.push(
            (
              await startCase(shared.client, taskQueue, bailStart(`SCALE-${tag}-${from + i}`, station), [], {
                actor: 'SYS-01',
                role: 'station-system',
              })
            ).caseId,
          ),
        fillWidth,
      );
      await untilReadModelHolds(pool, ids.length);
      await settle(worker);
      return filled;
    };
    await fill(100);
    const small = await measure(service, ids, ops, tag, shared.pids);
    const filled = await fill(open);
    const full = { ...memory(), cached: worker.getStatus().numCachedWorkflows };
    const large = await measure(service, ids, ops, tag, shared.pids);
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM cases WHERE station_id = $1 AND closed_at IS NULL AND next_due_at IS NOT NULL`,
      [station],
    );
    const perCached = (key: 'rss' | 'heap') => ((full[key] - empty[key]) / Math.max(1, full.cached - empty.cached) / 2 ** 20).toFixed(2);
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    const p99 = (f: Figures, k: 'start' | 'action' | 'read' | 'list') => quantile(f[k].ms, 0.99);
    const row = (what: string, k: 'start' | 'action' | 'read' | 'list') =>
      `| ${what} | ${p50p99(small[k].ms)} | ${p50p99(large[k].ms)} | ${(p99(large, k) / p99(small, k)).toFixed(2)} |`;
    for (const k of ['start', 'action', 'read', 'list'] as const) {
      summary.push([
        'scale',
        `${k} p99 at ${small.open} / at ${large.open} open`,
        `${quantile(small[k].ms, 0.99).toFixed(0)} / ${quantile(large[k].ms, 0.99).toFixed(0)} ms`,
        (p99(large, k) / p99(small, k)).toFixed(2),
      ]);
    }
    summary.push(['scale', `worker RSS per cached workflow (${full.cached} cached)`, `${perCached('rss')} MB`, '']);
    return [
      `### Open-case scale (${small.open} and ${large.open} open cases; ${ops} of each request, ${concurrency} clients)`,
      '',
      `Open cases started through the bare client's startCase (${filled.perSecond.toFixed(1)}/s, ${fillWidth} at a time); ` +
        `the measured starts, actions (violation reports on random open cases), reads and lists through the API. ` +
        `Read model afterwards: ${rows[0].n} open cases of the station with a pending due time.`,
      '',
      `| request | ${small.open} open | ${large.open} open | p99 ${large.open} / p99 ${small.open} |`,
      '|---|---|---|---|',
      row('start a case (POST /v1/cases)', 'start'),
      row('officer action', 'action'),
      row('read (GET /v1/cases/{caseId})', 'read'),
      row('list (GET /v1/cases?stationId=..)', 'list'),
      '',
      `CPU per officer action: at ${small.open} open ${small.actionCpu}; at ${large.open} open ${large.actionCpu}.`,
      '',
      `Worker memory (worker and API in one process, WORKER_MAX_CACHED_WORKFLOWS=${cacheSize}): ` +
        `${empty.cached} cached: RSS ${mb(empty.rss)}, main heap ${mb(empty.heap)}; ` +
        `${full.cached} cached: RSS ${mb(full.rss)}, main heap ${mb(full.heap)}; ` +
        `**${perCached('rss')} MB RSS per cached workflow** (main heap ${perCached('heap')} MB; the workflows' isolate is in a worker thread, ` +
        `so only RSS sees it${(globalThis as { gc?: unknown }).gc ? '' : '; run without --expose-gc, no collection before reading'}).`,
    ];
  } finally {
    await service.stop();
  }
}
