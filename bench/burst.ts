/**
 * The midnight burst: B bail cases whose subject must report by the same instant (subject-report, Art. 41(8)); at that
 * instant each case marks the duty overdue and writes a subject-not-reported notice to the station and one to the
 * decision authority. Measures how long after the instant the marks and notices land, and the API meanwhile.
 * With `kill`, two worker processes serve the cases and one is SIGKILLed mid-burst; every case also gets an officer's
 * action during the burst, and the outbox and audit log are accounted: nothing lost, nothing doubled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { tsToMs } from '@temporalio/common/lib/time';
import type { Pool } from 'pg';
import { startCase } from '../src/temporal/cases';
import {
  bailStart,
  casePath,
  concurrency,
  msText,
  p50p99,
  quantile,
  run,
  type Service,
  type Shared,
  size,
  sleep,
  startService,
  summary,
  violation,
} from './harness';

/** What one case owes the outbox at the instant (kind→recipient), and after the officer's violation report. */
const overdueNotices = ['subject-not-reported→decision-authority', 'subject-not-reported→station'];
const violationNotices = ['violation→decision-authority'];

export interface BurstTarget {
  /** The real PostgreSQL's URL, for worker processes. */
  databaseUrl: string;
  temporalAddress: string;
  payloadKeys: string;
}

interface Landing {
  marks: number[];
  notices: number[];
}

/**
 * When each subject-not-reported notice of `ids` was written (its written_at), in ms after `instant`; the overdue
 * marks as the polls saw them land (a case's row is written again by later actions, so it keeps no landing time).
 */
async function landings(pool: Pool, ids: string[], instant: number, polls: Array<[number, number]>): Promise<Landing> {
  const notices = await pool.query(
    `SELECT extract(epoch FROM written_at) * 1000 AS at FROM notices WHERE case_id = ANY($1) AND kind = 'subject-not-reported'`,
    [ids],
  );
  const marks: number[] = [];
  for (const [at, count] of polls) while (marks.length < count) marks.push(at - instant);
  return { marks, notices: notices.rows.map((r: { at: string }) => Number(r.at) - instant).sort((a, b) => a - b) };
}

/** Time after the instant until `share` of `expected` had landed ('not landed' when fewer did). */
const until = (times: number[], expected: number, share: number) => {
  const needed = Math.max(1, Math.ceil(share * expected));
  return times.length >= needed ? msText(times[needed - 1]) : `not landed (${times.length}/${expected})`;
};

/** Starts `count` cases due at one instant far enough ahead for all of them to start before it. */
async function startDueTogether(shared: Shared, service: Service, taskQueue: string, station: string, count: number, tag: string) {
  // The pace of this run's starts decides the lead: 20 API starts (the other cases the API load reads and acts on).
  const others: string[] = [];
  const sample = await run(20, async (i) => {
    others.push((await service.call('POST', '/v1/cases', 'system', bailStart(`OTHER-${tag}-${i}`, 'S-01'))).caseId as string);
  });
  const leadMs = size('BENCH_BURST_LEAD_S', 0) * 1000 || Math.ceil((count / sample.perSecond) * 1.5 * 1000) + 30_000;
  const instant = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
  const ids: string[] = [];
  const width = size('BENCH_FILL_CONCURRENCY', 16);
  await run(
    count,
    async (i) =>
      ids.push(
        (await startCase(shared.client, taskQueue, bailStart(`BURST-${tag}-${i}`, station, instant), [], { actor: 'SYS-01', role: 'station-system' }))
          .caseId,
      ),
    width,
  );
  const late = Date.now() > instant;
  return { others, ids, instant, late };
}

/** Reads and actions on the other cases until `done()`; each latency with the time it ended. */
function apiLoad(service: Service, others: string[], done: () => boolean) {
  const reads: Array<[number, number]> = [];
  const actions: Array<[number, number]> = [];
  const loop = async (i: number, kind: 'read' | 'action') => {
    for (let n = i; !done(); n += concurrency) {
      const t = performance.now();
      const caseId = others[n % others.length];
      try {
        if (kind === 'read') await service.call('GET', casePath(caseId), 'leader');
        else await service.call('POST', `${casePath(caseId)}/actions`, 'officer', violation());
      } catch {
        continue;
      }
      (kind === 'read' ? reads : actions).push([Date.now(), performance.now() - t]);
    }
  };
  const loops = Array.from({ length: concurrency }, (_, i) => loop(i, i % 2 ? 'action' : 'read'));
  return { reads, actions, finished: Promise.all(loops) };
}

const between = (samples: Array<[number, number]>, from: number, to: number) => samples.filter(([at]) => at >= from && at < to).map(([, ms]) => ms);

/** Waits until every mark and notice landed or `timeoutMs` passed; `progress` sees the notices landed so far. */
async function awaitLanding(pool: Pool, ids: string[], instant: number, timeoutMs: number, progress?: (notices: number) => Promise<void>) {
  const deadline = instant + timeoutMs;
  const polls: Array<[number, number]> = [];
  for (;;) {
    const polledAt = Date.now();
    const { rows } = await pool.query(
      `SELECT (SELECT count(*)::int FROM obligations WHERE case_id = ANY($1) AND key = 'subject-report' AND status = 'overdue') AS marks,
              (SELECT count(*)::int FROM notices WHERE case_id = ANY($1) AND kind = 'subject-not-reported') AS notices`,
      [ids],
    );
    if (polledAt >= instant) polls.push([polledAt, rows[0].marks]);
    await progress?.(rows[0].notices);
    if ((rows[0].marks >= ids.length && rows[0].notices >= ids.length * overdueNotices.length) || Date.now() > deadline) {
      return { end: Date.now(), polls };
    }
    await sleep(250);
  }
}

/**
 * Where the time went, from a sample of the cases' histories: when the server fired each case's timer, and when the
 * workflow task that followed started on a worker (ms after the instant).
 */
async function timerLag(shared: Shared, ids: string[], instant: number): Promise<string> {
  const fired: number[] = [];
  const started: number[] = [];
  for (const id of ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 20)) === 0).slice(0, 20)) {
    const events = (await shared.client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const timer = events.findIndex((e) => e.timerFiredEventAttributes && tsToMs(e.eventTime) >= instant - 1000);
    if (timer < 0) continue;
    fired.push(tsToMs(events[timer].eventTime) - instant);
    const task = events.slice(timer).find((e) => e.workflowTaskStartedEventAttributes);
    if (task) started.push(tsToMs(task.eventTime) - instant);
  }
  const max = (ms: number[]) => msText(Math.max(...ms));
  return (
    `From ${fired.length} of the cases' histories: the server fired their timers p50 ${msText(quantile(fired, 0.5))}, max ${max(fired)} ` +
    `after the instant; the workflow task that followed started p50 ${msText(quantile(started, 0.5))}, max ${max(started)}.`
  );
}

function landingLines(part: string, count: number, landed: Landing, load: ReturnType<typeof apiLoad>, instant: number, end: number): string[] {
  const before = (s: Array<[number, number]>) => between(s, 0, instant);
  const during = (s: Array<[number, number]>) => between(s, instant, end);
  const p99 = (ms: number[]) => msText(quantile(ms, 0.99));
  summary.push(
    [
      part,
      `${count} overdue marks landed: 50 % / 100 % after the instant`,
      `${until(landed.marks, count, 0.5)} / ${until(landed.marks, count, 1)}`,
      '',
    ],
    [
      part,
      `${count * 2} notices landed: 50 % / 100 % after the instant`,
      `${until(landed.notices, count * 2, 0.5)} / ${until(landed.notices, count * 2, 1)}`,
      '',
    ],
    [part, 'API p99 on other cases during the burst: reads / actions', `${p99(during(load.reads))} / ${p99(during(load.actions))}`, ''],
  );
  return [
    `| | 50 % | 99 % | 100 % |`,
    '|---|---|---|---|',
    `| overdue marks in the read model (${count}) | ${until(landed.marks, count, 0.5)} | ${until(landed.marks, count, 0.99)} | ${until(landed.marks, count, 1)} |`,
    `| subject-not-reported notices in the outbox (${count * 2}) | ${until(landed.notices, count * 2, 0.5)} | ${until(landed.notices, count * 2, 0.99)} | ${until(landed.notices, count * 2, 1)} |`,
    '',
    `API on other cases before the instant: reads ${p50p99(before(load.reads))} (${before(load.reads).length}), ` +
      `actions ${p50p99(before(load.actions))} (${before(load.actions).length}); ` +
      `during the burst: reads ${p50p99(during(load.reads))} (${during(load.reads).length}), ` +
      `actions ${p50p99(during(load.actions))} (${during(load.actions).length}).`,
  ];
}

/** The burst against the worker in this process. */
export async function burstPart(shared: Shared, pool: Pool): Promise<string[]> {
  const count = size('BENCH_BURST', 5_000);
  const tag = randomUUID().slice(0, 6);
  const taskQueue = `bench-burst-${tag}`;
  const service = await startService(shared, { taskQueue, pool });
  try {
    const { others, ids, instant, late } = await startDueTogether(shared, service, taskQueue, 'S-BURST', count, tag);
    let done = false;
    const load = apiLoad(service, others, () => done);
    const { end, polls } = await awaitLanding(pool, ids, instant, size('BENCH_BURST_TIMEOUT_S', 900) * 1000);
    done = true;
    await load.finished;
    return [
      `### The midnight burst (${count} cases due at ${new Date(instant).toISOString()}, one worker in the bench's process)`,
      '',
      `Cases started through the bare client's startCase${late ? ' (**the last started after the instant**: raise BENCH_BURST_LEAD_S)' : ''}; ` +
        `times after the instant until the notices were written (notices.written_at) and the marks seen by polls every 250 ms; API load: ${concurrency} clients, ` +
        `half reading, half reporting violations on ${others.length} other cases.`,
      '',
      ...landingLines('burst', count, await landings(pool, ids, instant, polls), load, instant, end),
      '',
      await timerLag(shared, ids, instant),
    ];
  } finally {
    await service.stop();
  }
}

export function spawnWorker(target: BurstTarget, taskQueue: string, output: string[]): ChildProcess {
  const child = spawn(process.execPath, [path.resolve(__dirname, '../worker/main.js')], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: target.temporalAddress,
      DATABASE_URL: target.databaseUrl,
      TEMPORAL_TASK_QUEUE: taskQueue,
      PAYLOAD_ENCRYPTION_KEYS: target.payloadKeys,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer) => {
    output.push(String(d));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

export async function stopWorker(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** Two worker processes on one task queue, one SIGKILLed mid-burst; the outbox and audit log accounted. */
export async function killPart(shared: Shared, pool: Pool, target: BurstTarget): Promise<string[]> {
  const count = size('BENCH_KILL_CASES', size('BENCH_BURST', 5_000));
  const killAt = Number(process.env.BENCH_KILL_AT ?? 0.25);
  const tag = randomUUID().slice(0, 6);
  const taskQueue = `bench-kill-${tag}`;
  const output: string[] = [];
  const workers = [spawnWorker(target, taskQueue, output), spawnWorker(target, taskQueue, output)];
  const service = await startService(shared, { taskQueue, pool, worker: false });
  try {
    for (const deadline = Date.now() + 120_000; output.join('').split('worker running').length < 3; await sleep(250)) {
      if (Date.now() > deadline) throw new Error(`the worker processes did not start:\n${output.join('').slice(-3000)}`);
    }
    const { others, ids, instant, late } = await startDueTogether(shared, service, taskQueue, 'S-KILL', count, tag);
    let done = false;
    const load = apiLoad(service, others, () => done);
    await sleep(Math.max(0, instant - Date.now()));
    // Each case's officer reports a violation during the burst; a failed request is sent again with the same actionId.
    const actionIds = new Map(ids.map((id) => [id, randomUUID()]));
    let failedAttempts = 0;
    const acting = run(ids.length, async (i) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await service.call('POST', `${casePath(ids[i])}/actions`, 'officer', violation(actionIds.get(ids[i])));
        } catch (err) {
          failedAttempts++;
          if (attempt >= 10) throw err;
          await sleep(1000);
        }
      }
    });
    let killedAt: number | undefined;
    const killed = workers[0];
    const { end, polls } = await awaitLanding(pool, ids, instant, size('BENCH_BURST_TIMEOUT_S', 900) * 1000, async (notices) => {
      if (killedAt === undefined && notices >= killAt * ids.length * overdueNotices.length) {
        killedAt = Date.now();
        await stopWorker(killed, 'SIGKILL');
      }
    });
    const actionsDone = await acting.then(
      () => 'all answered',
      (err: Error) => `not all answered: ${err.message.slice(0, 200)}`,
    );
    done = true;
    await load.finished;
    await sleep(3000);

    const notices = await pool.query(
      `SELECT case_id, kind || '→' || recipient AS what, count(*)::int AS n FROM notices WHERE case_id = ANY($1) GROUP BY 1, 2`,
      [ids],
    );
    const audit = await pool.query(`SELECT case_id, action_id, kind, count(*)::int AS n FROM audit_log WHERE case_id = ANY($1) GROUP BY 1, 2, 3`, [
      ids,
    ]);
    const expected = [...overdueNotices, ...violationNotices];
    const seen = new Map<string, number>();
    for (const r of notices.rows) seen.set(`${r.case_id}|${r.what}`, r.n);
    let lost = 0;
    let doubled = 0;
    let exactlyOnce = 0;
    for (const id of ids) {
      for (const what of expected) {
        const n = seen.get(`${id}|${what}`) ?? 0;
        if (n === 0) lost++;
        else if (n > 1) doubled++;
        else exactlyOnce++;
      }
    }
    const unexpectedNotices = notices.rows.filter((r) => !expected.includes(r.what));
    const auditSeen = new Map<string, number>();
    for (const r of audit.rows.filter((r) => r.kind === 'action')) auditSeen.set(`${r.case_id}|${r.action_id}`, r.n);
    let auditOnce = 0;
    let auditLost = 0;
    let auditDoubled = 0;
    for (const id of ids) {
      const n = auditSeen.get(`${id}|${actionIds.get(id)}`) ?? 0;
      if (n === 0) auditLost++;
      else if (n > 1) auditDoubled++;
      else auditOnce++;
    }
    const strayActions = audit.rows.filter((r) => r.kind === 'action' && actionIds.get(r.case_id) !== r.action_id).length;
    // Rows of other kinds are the API's own (an unmasked read is logged once per answer that carried personal data).
    const otherKinds = new Map<string, number>();
    for (const r of audit.rows.filter((r) => r.kind !== 'action')) otherKinds.set(r.kind, (otherKinds.get(r.kind) ?? 0) + r.n);
    const otherText = [...otherKinds].map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none';
    const totalNotices = notices.rows.reduce((sum, r) => sum + r.n, 0);
    summary.push(
      ['kill', `notices expected / exactly once / lost / doubled`, `${ids.length * expected.length} / ${exactlyOnce} / ${lost} / ${doubled}`, ''],
      ['kill', `action audit rows expected / exactly once / lost / doubled`, `${ids.length} / ${auditOnce} / ${auditLost} / ${auditDoubled}`, ''],
    );
    return [
      `### Two workers, one SIGKILLed mid-burst (${count} cases due at ${new Date(instant).toISOString()})`,
      '',
      `Two worker processes (node dist/worker/main.js) on one task queue; the first was SIGKILLed ${killedAt === undefined ? '**never** (the burst ended first)' : `${((killedAt - instant) / 1000).toFixed(1)} s after the instant, once ${Math.round(killAt * 100)} % of the notices had landed`}` +
        `${late ? ' (**the last case started after the instant**)' : ''}. From the instant on, every case's officer reported a violation ` +
        `through the API (${ids.length} actions, ${actionsDone}; ${failedAttempts} failed attempts sent again with the same actionId).`,
      '',
      ...landingLines('kill', count, await landings(pool, ids, instant, polls), load, instant, end),
      '',
      await timerLag(shared, ids, instant),
      '',
      "Accounting (outbox `notices` and `audit_log`, this burst's cases):",
      '',
      '| | expected | exactly once | lost | doubled | unexpected rows |',
      '|---|---|---|---|---|---|',
      `| notices (${expected.join(', ')} per case) | ${ids.length * expected.length} | ${exactlyOnce} | ${lost} | ${doubled} | ${unexpectedNotices.length} (of ${totalNotices} rows) |`,
      `| audit rows of the officers' actions (one per actionId) | ${ids.length} | ${auditOnce} | ${auditLost} | ${auditDoubled} | ${strayActions} |`,
      '',
      `Audit rows of other kinds on these cases (written by the API, not the cases): ${otherText}.`,
    ];
  } finally {
    await service.stop();
    for (const w of workers) await stopWorker(w, 'SIGTERM');
  }
}
