/**
 * The service benchmark, `npm run bench:service`: starts its own Temporal dev server and PostgreSQL (as the tests do:
 * the provisioned CLI, a private cluster on 127.0.0.1, both stopped by their PID), one worker and the API in this
 * process, and measures side by side, in the same run:
 * - case starts per second: through the API, through a bare Temporal client (same workflow), and a no-op workflow;
 * - officer actions per second: through the API, through a bare client's Update, and an Update on the no-op workflow;
 * - history events per officer action (read from the cases' histories);
 * - GET /v1/cases/{caseId} p50/p99 during a start storm, from the read model and with ?consistency=strong.
 * Sizes from the environment (BENCH_CASES, BENCH_ACTIONS, BENCH_STORM, BENCH_CONCURRENCY). Prints figures, asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import Fastify from 'fastify';
import pino from 'pino';
import { startPostgresCluster } from '../test/support/postgres-cluster';
import { app as apiApp, serverOptions } from '../src/api/app';
import { mintToken } from '../src/api/tokens';
import { runMigrations } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { freePort } from '../src/dev/processes';
import { ensureTemporalCli } from '../src/dev/provision';
import { startTemporalDevServer } from '../src/dev/temporal-dev-server';
import { submitActionUpdate } from '../src/domain/case';
import type { CaseStart } from '../src/domain/procedures';
import { startCase, submitAction } from '../src/temporal/cases';
import { connectClient } from '../src/temporal/client';
import { EncryptionCodec, dataConverterOf, generatePayloadKey, parsePayloadKeys } from '../src/temporal/codec';
import { createCaseWorker } from '../worker/run';
import { noopUpdate } from './noop-workflow';

const size = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const cases = size('BENCH_CASES', 100);
const actions = size('BENCH_ACTIONS', 200);
const storm = size('BENCH_STORM', 300);
const concurrency = size('BENCH_CONCURRENCY', 8);
const secret = randomUUID() + randomUUID();
const logger = pino({ level: 'warn' });

/** Runs `count` tasks, `concurrency` at a time; returns per second and the latencies in ms. */
async function run(count: number, task: (i: number) => Promise<unknown>, width = concurrency): Promise<{ perSecond: number; ms: number[] }> {
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

const quantile = (ms: number[], q: number) => [...ms].sort((a, b) => a - b)[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;

function bailStart(caseNumber: string): CaseStart {
  return {
    procedure: 'bail-surveillance',
    caseNumber,
    stationId: 'S-01',
    officerId: 'P-20931',
    measure: 'bail',
    subject: { name: '张三', idNumber: '110101199001011234', address: '北京市东城区某街1号' },
    decisionAuthority: { name: '某区人民法院', kind: 'court' },
    guarantee: { kind: 'guarantor', guarantorName: '李四' },
    noticeReceivedAt: new Date().toISOString(),
    reportBy: new Date(Date.now() + 24 * 3_600_000).toISOString(),
    termStart: new Date().toISOString().slice(0, 10),
    termEnd: new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10),
  } as CaseStart;
}

const violation = () => ({ type: 'violation-reported', by: 'subject', description: '未按时报到', actionId: randomUUID(), actor: 'P-20931' });

async function main(): Promise<void> {
  const stops: Array<() => Promise<unknown>> = [];
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'beatflow-bench-'));
  try {
    const pg = await startPostgresCluster({ baseDir: os.tmpdir(), database: 'beatflow_bench' });
    stops.push(() => pg.stop());
    const cli = await ensureTemporalCli(() => undefined);
    if (!cli) throw new Error('no temporal CLI could be provisioned');
    const temporal = await startTemporalDevServer({ cliPath: cli.path, port: await freePort(), dbFile: path.join(base, 'temporal.db') });
    stops.push(() => temporal.stop());

    await runMigrations(pg.url, logger);
    const pool = createPool(pg.url, { max: 10 });
    stops.push(() => pool.end());
    const codec = new EncryptionCodec(parsePayloadKeys(generatePayloadKey('bench')));
    const dataConverter = dataConverterOf(codec);
    const client: Client = await connectClient(temporal.address, 'default', dataConverter);
    stops.push(() => client.connection.close());
    const connection = await NativeConnection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const worker = await createCaseWorker({ connection, namespace: 'default', taskQueue: 'bench', pool, logger, client, dataConverter, codec });
    const noopWorker = await Worker.create({ connection, taskQueue: 'bench-noop', dataConverter, workflowsPath: require.resolve('./noop-workflow') });
    const running = Promise.all([worker.run(), noopWorker.run()]);
    stops.push(async () => {
      worker.shutdown();
      noopWorker.shutdown();
      await running;
    });

    const api = Fastify(serverOptions(logger));
    await api.register(apiApp, {
      temporal: { client, namespace: 'default', taskQueue: 'bench' },
      db: { pool },
      auth: { jwtSecret: secret, issuer: 'beatflow', audience: 'beatflow-api' },
      rateLimit: { max: 10_000_000, windowMs: 60_000 },
      payloadCodec: codec,
    });
    const address = await api.listen({ host: '127.0.0.1', port: 0 });
    stops.push(() => api.close());
    const token = (role: string) =>
      mintToken({
        secret,
        issuer: 'beatflow',
        audience: 'beatflow-api',
        sub: 'P-20931',
        roles: [role as 'officer'],
        stationIds: ['S-01'],
        ttlSeconds: 3600,
      });
    const headers = (t: string) => ({ authorization: `Bearer ${t}`, 'content-type': 'application/json' });
    const system = headers(await token('station-system'));
    const officer = headers(await token('officer'));
    const supervisor = headers(await token('station-leader'));
    const call = async (method: string, url: string, h: Record<string, string>, body?: unknown) => {
      const res = await fetch(`${address}${url}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const tag = randomUUID().slice(0, 6);

    // Starts.
    const apiIds: string[] = [];
    const starts = await run(cases, async (i) => {
      const { caseId } = await call('POST', '/v1/cases', system, bailStart(`API-${tag}-${i}`));
      apiIds.push(caseId as string);
    });
    const bareIds: string[] = [];
    const bareStarts = await run(cases, async (i) => {
      const outcome = await startCase(client, 'bench', bailStart(`BARE-${tag}-${i}`), []);
      bareIds.push(outcome.caseId);
    });
    const noopIds: string[] = [];
    const noopStarts = await run(cases, async (i) => {
      const id = `noop-${tag}-${i}`;
      await client.workflow.start('noopWorkflow', { taskQueue: 'bench-noop', workflowId: id });
      noopIds.push(id);
    });

    // Actions, spread over the cases.
    const apiActions = await run(actions, (i) =>
      call('POST', `/v1/cases/${encodeURIComponent(apiIds[i % apiIds.length])}/actions`, officer, violation()),
    );
    const bareActions = await run(actions, (i) => submitAction(client, bareIds[i % bareIds.length], violation() as never));
    const noopActions = await run(actions, (i) =>
      client.workflow.getHandle(noopIds[i % noopIds.length]).executeUpdate(noopUpdate, { args: [violation()] }),
    );

    // History events per action: a case's history after its start settled, and after `perCase` more actions.
    const perCase = 5;
    const probe = apiIds[0];
    const handle: WorkflowHandle = client.workflow.getHandle(probe);
    await new Promise((r) => setTimeout(r, 2000));
    const before = (await handle.fetchHistory()).events?.length ?? 0;
    for (let i = 0; i < perCase; i++) await handle.executeUpdate(submitActionUpdate, { args: [violation() as never] });
    await new Promise((r) => setTimeout(r, 2000));
    const eventsPerAction = (((await handle.fetchHistory()).events?.length ?? 0) - before) / perCase;

    // Reads during a start storm.
    let storming = true;
    const readModelMs: number[] = [];
    const strongMs: number[] = [];
    const reader = async (strong: boolean, into: number[]) => {
      for (let i = 0; storming; i++) {
        const t = performance.now();
        await call('GET', `/v1/cases/${encodeURIComponent(apiIds[i % apiIds.length])}${strong ? '?consistency=strong' : ''}`, supervisor);
        into.push(performance.now() - t);
      }
    };
    const readers = [reader(false, readModelMs), reader(false, readModelMs), reader(true, strongMs), reader(true, strongMs)];
    const stormStarts = await run(storm, (i) => call('POST', '/v1/cases', system, bailStart(`STORM-${tag}-${i}`)));
    storming = false;
    await Promise.all(readers);

    const row = (what: string, a: { perSecond: number; ms: number[] }, b: { perSecond: number }, c: { perSecond: number }) =>
      `| ${what} | ${a.perSecond.toFixed(1)}/s, p50 ${quantile(a.ms, 0.5).toFixed(0)} ms | ${b.perSecond.toFixed(1)}/s | ${c.perSecond.toFixed(1)}/s | ${(a.perSecond / c.perSecond).toFixed(2)} |`;
    const lines = [
      `Date: ${new Date().toISOString()}; machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`,
      `Sizes: BENCH_CASES=${cases} BENCH_ACTIONS=${actions} BENCH_STORM=${storm} BENCH_CONCURRENCY=${concurrency}; real PostgreSQL, Temporal dev server`,
      '',
      '| | beatflow (API) | bare client, same workflow | no-op workflow | beatflow / no-op |',
      '|---|---|---|---|---|',
      row('start a case', starts, bareStarts, noopStarts),
      row('officer action', apiActions, bareActions, noopActions),
      '',
      `History events per officer action (a bail case, ${perCase} violation reports): ${eventsPerAction.toFixed(1)}`,
      `Start storm: ${storm} starts at ${stormStarts.perSecond.toFixed(1)}/s; GET /v1/cases/{caseId} meanwhile: read model p50 ${quantile(readModelMs, 0.5).toFixed(0)} ms, p99 ${quantile(readModelMs, 0.99).toFixed(0)} ms (${readModelMs.length} reads); consistency=strong p50 ${quantile(strongMs, 0.5).toFixed(0)} ms, p99 ${quantile(strongMs, 0.99).toFixed(0)} ms (${strongMs.length} reads)`,
    ];
    console.log(lines.join('\n'));
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => console.error(err));
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
