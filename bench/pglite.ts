/**
 * `npm start`'s embedded PGlite beside a real PostgreSQL: the same starts, actions and reads through the API, against
 * real PostgreSQL with the default pool (10), real PostgreSQL with one connection, and PGlite (one connection, as
 * `npm start` sizes it). The middle column separates what one connection costs from what PGlite itself costs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { runMigrations } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { startEmbeddedPostgres } from '../src/dev/embedded-postgres';
import { bailStart, casePath, concurrency, p50p99, run, type Shared, size, sleep, startService, summary, type Timed, violation } from './harness';

interface Figures {
  starts: Timed;
  actions: Timed;
  reads: Timed;
  failed: number;
}

async function figures(shared: Shared, pool: Pool, count: number, tag: string): Promise<Figures> {
  const taskQueue = `bench-lite-${tag}`;
  const service = await startService(shared, { taskQueue, pool });
  let failed = 0;
  // A request that waits longer than DATABASE_CONNECT_TIMEOUT_MS for the one connection is answered 503: counted, not fatal.
  const counted = (task: () => Promise<unknown>) => task().catch(() => failed++);
  try {
    const ids: string[] = [];
    const starts = await run(count, (i) =>
      counted(async () => ids.push((await service.call('POST', '/v1/cases', 'system', bailStart(`LITE-${tag}-${i}`, 'S-LITE'))).caseId as string)),
    );
    const actions = await run(count, (i) => counted(() => service.call('POST', `${casePath(ids[i % ids.length])}/actions`, 'officer', violation())));
    await sleep(2000);
    const reads = await run(count, (i) => counted(() => service.call('GET', casePath(ids[i % ids.length]), 'leader')));
    return { starts, actions, reads, failed };
  } finally {
    await service.stop();
  }
}

export async function pglitePart(shared: Shared, databaseUrl: string): Promise<string[]> {
  const count = size('BENCH_PGLITE_CASES', 100);
  const tag = randomUUID().slice(0, 6);
  const real10 = createPool(databaseUrl, { max: 10 });
  const real = await figures(shared, real10, count, `${tag}-pg10`).finally(() => real10.end());
  const real1 = createPool(databaseUrl, { max: 1 });
  const one = await figures(shared, real1, count, `${tag}-pg1`).finally(() => real1.end());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beatflow-bench-pglite-'));
  const lite = await startEmbeddedPostgres({ dataDir: dir, port: 0 });
  let embedded: Figures;
  try {
    await runMigrations(lite.url, shared.logger);
    const litePool = createPool(lite.url, { max: lite.maxConnections });
    embedded = await figures(shared, litePool, count, `${tag}-lite`).finally(() => litePool.end());
  } finally {
    await lite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const cell = (t: Timed) => `${t.perSecond.toFixed(1)}/s, ${p50p99(t.ms)}`;
  const row = (what: string, k: 'starts' | 'actions' | 'reads') =>
    `| ${what} | ${cell(real[k])} | ${cell(one[k])} | ${cell(embedded[k])} | ${(embedded[k].perSecond / real[k].perSecond).toFixed(2)} |`;
  for (const k of ['starts', 'actions', 'reads'] as const) {
    summary.push([
      'pglite',
      `${k}/s: PGlite / real PostgreSQL (pool 10)`,
      `${embedded[k].perSecond.toFixed(1)} / ${real[k].perSecond.toFixed(1)}`,
      (embedded[k].perSecond / real[k].perSecond).toFixed(2),
    ]);
    summary.push([
      'pglite',
      `${k}/s: real PostgreSQL pool 1 / pool 10`,
      `${one[k].perSecond.toFixed(1)} / ${real[k].perSecond.toFixed(1)}`,
      (one[k].perSecond / real[k].perSecond).toFixed(2),
    ]);
  }
  return [
    `### PGlite (npm start's default) beside real PostgreSQL (${count} starts, actions and settled reads through the API, ${concurrency} clients)`,
    '',
    '| | real PostgreSQL, pool 10 | real PostgreSQL, pool 1 | PGlite (one connection) | PGlite / pool 10 |',
    '|---|---|---|---|---|',
    row('start a case', 'starts'),
    row('officer action', 'actions'),
    row('read (GET /v1/cases/{caseId})', 'reads'),
    `| failed requests (503: no connection within 3 s) | ${real.failed} | ${one.failed} | ${embedded.failed} | |`,
  ];
}
