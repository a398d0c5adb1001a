/**
 * The service benchmark, `npm run bench:service`: starts its own Temporal dev server and PostgreSQL (as the tests do:
 * the provisioned CLI, a private cluster on 127.0.0.1, both stopped by their PID) and runs the parts BENCH_PARTS names
 * (all by default), each on a task queue of its own:
 * - throughput: case starts and officer actions per second through the API, through a bare Temporal client (same
 *   workflow) and on a no-op workflow; history events per action; GET /v1/cases/{caseId} during a start storm;
 * - scale: latencies at 100 and at BENCH_OPEN_CASES open cases, and the worker's memory per cached workflow;
 * - burst: BENCH_BURST cases due at one instant, how long their overdue marks and notices take to land;
 * - kill: the burst on two worker processes, one SIGKILLed mid-burst, the outbox and audit log accounted;
 * - pglite: npm start's embedded PGlite beside real PostgreSQL.
 * Sizes from the environment (README). Prints figures, asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import type { Pool } from 'pg';
import { startPostgresCluster } from '../test/support/postgres-cluster';
import { runMigrations } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { freePort } from '../src/dev/processes';
import { ensureTemporalCli } from '../src/dev/provision';
import { startTemporalDevServer } from '../src/dev/temporal-dev-server';
import { submitActionUpdate } from '../src/case/contract';
import { startCase, submitAction } from '../src/temporal/cases';
import { connectClient } from '../src/temporal/client';
import { EncryptionCodec, dataConverterOf, generatePayloadKey, parsePayloadKeys } from '../src/temporal/codec';
import { type BurstTarget, burstPart, killPart, spawnWorker, stopWorker } from './burst';
import { cpuPerOperation, cpuTotal, measuringCpu } from './cpu';
import {
  bailStart,
  casePath,
  concurrency,
  quantile,
  run,
  settle,
  type Shared,
  size,
  sleep,
  startService,
  summary,
  type Timed,
  violation,
} from './harness';
import { noopUpdate } from './noop-workflow';
import { pglitePart } from './pglite';
import { scalePart } from './scale';

const allParts = ['throughput', 'scale', 'burst', 'kill', 'pglite'];

/** Starts and actions against the baselines, events per action, and reads during a start storm. */
async function throughputPart(shared: Shared, pool: Pool, target: BurstTarget): Promise<string[]> {
  const cases = size('BENCH_CASES', 100);
  const actions = size('BENCH_ACTIONS', 200);
  const storm = size('BENCH_STORM', 300);
  const { client, connection, dataConverter } = shared;
  const tag = randomUUID().slice(0, 6);
  const taskQueue = `bench-${tag}`;
  const service = await startService(shared, { taskQueue, pool });
  const noopWorker = await Worker.create({
    connection,
    taskQueue: `bench-noop-${tag}`,
    dataConverter,
    workflowsPath: require.resolve('./noop-workflow'),
  });
  const noopRunning = noopWorker.run();
  try {
    const { call } = service;
    const apiIds: string[] = [];
    const starts = await run(cases, async (i) => {
      const { caseId } = await call('POST', '/v1/cases', 'system', bailStart(`API-${tag}-${i}`));
      apiIds.push(caseId as string);
    });
    const bareIds: string[] = [];
    const bareStarts = await run(cases, async (i) => {
      bareIds.push((await startCase(client, taskQueue, bailStart(`BARE-${tag}-${i}`), [], { actor: 'SYS-01', role: 'station-system' })).caseId);
    });
    const noopIds: string[] = [];
    const noopStarts = await run(cases, async (i) => {
      const id = `noop-${tag}-${i}`;
      await client.workflow.start('noopWorkflow', { taskQueue: `bench-noop-${tag}`, workflowId: id });
      noopIds.push(id);
    });

    // Actions, spread over the cases.
    // Each with the CPU it cost this process, the Temporal server and PostgreSQL (they share the machine's cores).
    // Each run starts once the worker has finished what the runs before it left (the starts' first tasks and flushes).
    await settle(service.worker!);
    const { result: apiActions, cpu: apiCpu } = await measuringCpu(shared.pids, () =>
      run(actions, (i) => call('POST', `${casePath(apiIds[i % apiIds.length])}/actions`, 'officer', violation())),
    );
    await settle(service.worker!);
    const { result: bareActions, cpu: bareCpu } = await measuringCpu(shared.pids, () =>
      run(actions, (i) => submitAction(client, bareIds[i % bareIds.length], violation() as never)),
    );
    await settle(service.worker!);
    const { result: noopActions, cpu: noopCpu } = await measuringCpu(shared.pids, () =>
      run(actions, (i) => client.workflow.getHandle(noopIds[i % noopIds.length]).executeUpdate(noopUpdate, { args: [violation()] })),
    );

    // History events per action: a case's history after its start settled, and after `perCase` more actions.
    const perCase = 5;
    const handle: WorkflowHandle = client.workflow.getHandle(apiIds[0]);
    await sleep(2000);
    const before = (await handle.fetchHistory()).events?.length ?? 0;
    for (let i = 0; i < perCase; i++)
      await handle.executeUpdate(submitActionUpdate, { args: [{ ...violation(), caseId: handle.workflowId } as never] });
    await sleep(2000);
    const eventsPerAction = (((await handle.fetchHistory()).events?.length ?? 0) - before) / perCase;

    // Reads during a start storm.
    let storming = true;
    const readModelMs: number[] = [];
    const strongMs: number[] = [];
    const reader = async (strong: boolean, into: number[]) => {
      for (let i = 0; storming; i++) {
        const t = performance.now();
        await call('GET', `${casePath(apiIds[i % apiIds.length])}${strong ? '?consistency=strong' : ''}`, 'leader');
        into.push(performance.now() - t);
      }
    };
    const readers = [reader(false, readModelMs), reader(false, readModelMs), reader(true, strongMs), reader(true, strongMs)];
    const stormStarts = await run(storm, (i) => call('POST', '/v1/cases', 'system', bailStart(`STORM-${tag}-${i}`)));
    storming = false;
    await Promise.all(readers);
    const deployed = await asDeployed(shared, pool, target, { cases, actions, storm });

    const row = (what: string, a: Timed, b: Timed, c: Timed) =>
      `| ${what} | ${a.perSecond.toFixed(1)}/s, p50 ${quantile(a.ms, 0.5).toFixed(0)} ms | ${b.perSecond.toFixed(1)}/s | ${c.perSecond.toFixed(1)}/s | ${(a.perSecond / c.perSecond).toFixed(2)} |`;
    const ratio = (a: Timed, b: Timed) => (a.perSecond / b.perSecond).toFixed(2);
    summary.push(
      [
        'throughput',
        'starts/s: API / no-op workflow',
        `${starts.perSecond.toFixed(1)} / ${noopStarts.perSecond.toFixed(1)}`,
        ratio(starts, noopStarts),
      ],
      [
        'throughput',
        'actions/s: API / no-op Update',
        `${apiActions.perSecond.toFixed(1)} / ${noopActions.perSecond.toFixed(1)}`,
        ratio(apiActions, noopActions),
      ],
      ['throughput', 'CPU ms per action: API / no-op Update', `${cpuTotal(apiCpu, actions)} / ${cpuTotal(noopCpu, actions)}`, ''],
      ['throughput', 'history events per action', eventsPerAction.toFixed(1), ''],
      ['throughput', 'read p99 during a start storm (read model)', `${quantile(readModelMs, 0.99).toFixed(0)} ms`, ''],
    );
    return [
      `### Throughput (${cases} starts and ${actions} actions each, ${concurrency} clients; a storm of ${storm} starts)`,
      '',
      '| | beatflow (API) | bare client, same workflow | no-op workflow | beatflow / no-op |',
      '|---|---|---|---|---|',
      row('start a case', starts, bareStarts, noopStarts),
      row('officer action', apiActions, bareActions, noopActions),
      '',
      'CPU per officer action (this process holds the bench clients, the API and the worker):',
      `- beatflow through the API: ${cpuPerOperation(apiCpu, actions)}`,
      `- bare client, same workflow: ${cpuPerOperation(bareCpu, actions)}`,
      `- no-op Update: ${cpuPerOperation(noopCpu, actions)}`,
      '',
      `History events per officer action (a bail case, ${perCase} violation reports): ${eventsPerAction.toFixed(1)}`,
      `Start storm: ${storm} starts at ${stormStarts.perSecond.toFixed(1)}/s; GET /v1/cases/{caseId} meanwhile: read model p50 ${quantile(readModelMs, 0.5).toFixed(0)} ms, p99 ${quantile(readModelMs, 0.99).toFixed(0)} ms (${readModelMs.length} reads); consistency=strong p50 ${quantile(strongMs, 0.5).toFixed(0)} ms, p99 ${quantile(strongMs, 0.99).toFixed(0)} ms (${strongMs.length} reads)`,
      '',
      ...deployed,
    ];
  } finally {
    noopWorker.shutdown();
    await noopRunning;
    await service.stop();
  }
}

/**
 * The same actions and storm as deployed (docker-compose's worker and api services): the worker in a process of its
 * own (dist/worker/main.js), the API in the bench's process. Its CPU is counted with the bench's as node.
 */
async function asDeployed(
  shared: Shared,
  pool: Pool,
  target: BurstTarget,
  sizes: { cases: number; actions: number; storm: number },
): Promise<string[]> {
  const tag = randomUUID().slice(0, 6);
  const taskQueue = `bench-deployed-${tag}`;
  const output: string[] = [];
  const worker = spawnWorker(target, taskQueue, output);
  const service = await startService(shared, { taskQueue, pool, worker: false });
  const pids = shared.pids && { ...shared.pids, workers: [worker.pid!] };
  try {
    for (const deadline = Date.now() + 120_000; !output.join('').includes('worker running'); await sleep(250)) {
      if (Date.now() > deadline) throw new Error(`the worker process did not start:\n${output.join('').slice(-3000)}`);
    }
    const { call } = service;
    const ids: string[] = [];
    await run(sizes.cases, async (i) => {
      ids.push((await call('POST', '/v1/cases', 'system', bailStart(`DEPLOYED-${tag}-${i}`))).caseId as string);
    });
    // The worker process cannot be asked whether it settled: the actions wait until every start's first flush landed.
    while ((await pool.query('SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1)', [ids])).rows[0].n < ids.length) await sleep(500);
    await sleep(2000);
    const { result: actions, cpu } = await measuringCpu(pids, () =>
      run(sizes.actions, (i) => call('POST', `${casePath(ids[i % ids.length])}/actions`, 'officer', violation())),
    );
    let storming = true;
    const readMs: number[] = [];
    const reader = async () => {
      for (let i = 0; storming; i++) {
        const t = performance.now();
        await call('GET', casePath(ids[i % ids.length]), 'leader');
        readMs.push(performance.now() - t);
      }
    };
    const readers = [reader(), reader()];
    const storm = await run(sizes.storm, (i) => call('POST', '/v1/cases', 'system', bailStart(`DEPLOYED-STORM-${tag}-${i}`)));
    storming = false;
    await Promise.all(readers);
    summary.push(
      ['throughput', 'as deployed (worker process apart): actions/s', actions.perSecond.toFixed(1), ''],
      ['throughput', 'as deployed: read p99 during a start storm (read model)', `${quantile(readMs, 0.99).toFixed(0)} ms`, ''],
    );
    return [
      'As deployed (the worker in a process of its own, as docker-compose runs it; the API and the clients in the bench):',
      `- officer actions through the API: ${actions.perSecond.toFixed(1)}/s, p50 ${quantile(actions.ms, 0.5).toFixed(0)} ms; CPU per action ${cpuPerOperation(cpu, sizes.actions)}`,
      `- start storm: ${sizes.storm} starts at ${storm.perSecond.toFixed(1)}/s; GET /v1/cases/{caseId} meanwhile p50 ${quantile(readMs, 0.5).toFixed(0)} ms, p99 ${quantile(readMs, 0.99).toFixed(0)} ms (${readMs.length} reads)`,
    ];
  } finally {
    await service.stop();
    await stopWorker(worker, 'SIGTERM');
  }
}

async function main(): Promise<void> {
  const parts = (process.env.BENCH_PARTS ?? allParts.join(',')).split(',').map((p) => p.trim());
  const unknown = parts.filter((p) => !allParts.includes(p));
  if (unknown.length) throw new Error(`BENCH_PARTS: unknown part ${unknown.join(', ')} (the parts: ${allParts.join(', ')})`);
  const stops: Array<() => Promise<unknown>> = [];
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'beatflow-bench-'));
  const logger = pino({ level: 'warn' });
  try {
    const pg = await startPostgresCluster({ baseDir: os.tmpdir(), database: 'beatflow_bench' });
    stops.push(() => pg.stop());
    const cli = await ensureTemporalCli(() => undefined);
    if (!cli) throw new Error('no temporal CLI could be provisioned');
    // BENCH_SQLITE_PRAGMAS: the dev server's SQLite pragmas, comma-separated ('none': SQLite's own defaults).
    const pragmas = process.env.BENCH_SQLITE_PRAGMAS;
    const sqlitePragmas = pragmas === undefined ? undefined : pragmas === 'none' ? [] : pragmas.split(',');
    // BENCH_DYNAMIC_CONFIG: the dev server's dynamic configuration, as JSON (e.g. {"history.cacheMaxSize":12000}).
    const dynamicConfig = process.env.BENCH_DYNAMIC_CONFIG ? (JSON.parse(process.env.BENCH_DYNAMIC_CONFIG) as Record<string, unknown>) : undefined;
    const temporal = await startTemporalDevServer({
      cliPath: cli.path,
      port: await freePort(),
      dbFile: path.join(base, 'temporal.db'),
      sqlitePragmas,
      dynamicConfig,
    });
    stops.push(() => temporal.stop());

    await runMigrations(pg.url, logger);
    const pool = createPool(pg.url, { max: 10 });
    stops.push(() => pool.end());
    const payloadKeys = generatePayloadKey('bench');
    const codec = new EncryptionCodec(parsePayloadKeys(payloadKeys));
    const dataConverter = dataConverterOf(codec)!;
    const client = await connectClient(temporal.address, 'default', dataConverter);
    stops.push(() => client.connection.close());
    const connection = await NativeConnection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const pids = { temporal: temporal.pid, postgres: pg.pid };
    const shared: Shared = { client, connection, dataConverter, codec, logger, secret: randomUUID() + randomUUID(), pids };

    const out: string[] = [];
    const machine = `${os.cpus().length} cores (nproc), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`;
    const sizes = Object.entries(process.env)
      .filter(([k]) => k.startsWith('BENCH_'))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    out.push(`Date: ${new Date().toISOString()}; machine: ${machine}; real PostgreSQL (private cluster), Temporal CLI dev server`);
    out.push(`Settings: ${sizes || '(defaults)'}`);
    const partsRun: Record<string, () => Promise<string[]>> = {
      throughput: () => throughputPart(shared, pool, { databaseUrl: pg.url, temporalAddress: temporal.address, payloadKeys }),
      scale: () => scalePart(shared, pool),
      burst: () => burstPart(shared, pool),
      kill: () => killPart(shared, pool, { databaseUrl: pg.url, temporalAddress: temporal.address, payloadKeys }),
      pglite: () => pglitePart(shared, pg.url),
    };
    for (const part of parts) {
      const began = Date.now();
      const lines = await partsRun[part]().catch((err: Error) => [`### ${part}: failed`, '', String(err.stack ?? err).slice(0, 2000)]);
      lines.push('', `(${part}: ${((Date.now() - began) / 1000).toFixed(0)} s)`, '');
      // Each part's figures as soon as they exist; all of them again at the end.
      console.error(lines.join('\n'));
      out.push('', ...lines);
    }
    out.push('', '### Summary', '', '| part | figure | value | ratio |', '|---|---|---|---|', ...summary.map((r) => `| ${r.join(' | ')} |`));
    console.log(out.join('\n'));
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => console.error(err));
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
