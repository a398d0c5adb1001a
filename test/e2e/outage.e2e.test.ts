/**
 * End to end: PostgreSQL stopped under load (20 s; a minute nightly), then started again. The real worker and API run against the
 * Temporal dev server and a PostgreSQL cluster of this suite's own, which the test stops (fast shutdown, by PID) and
 * starts again on the same port and data. Cases keep taking actions through Temporal while the database is down; the
 * API answers 503 at once where it needs the database; once the database is back every case catches up, and nothing
 * is written twice.
 */
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import type { CaseView } from '../../src/case/contract';
import { action, bailStart } from '../support/cases';
import { type PostgresClusterHandle, startPostgresCluster } from '../support/postgres-cluster';
import { ProcessStack, casePath } from '../support/stack';
import { testDataConverter } from '../support/payload-codec';

// Long enough for the records' retries to back off and for the load to meet the outage on every path; `npm run
// test:nightly` holds it for a minute.
const outageMs = Number(process.env.BEATFLOW_OUTAGE_E2E_MS ?? 20_000);
const catchUpTimeoutMs = 6 * 60_000;

let cluster: PostgresClusterHandle;
let stack: ProcessStack;
let temporal: Client;

beforeAll(async () => {
  cluster = await startPostgresCluster({ baseDir: os.tmpdir() });
  stack = await ProcessStack.start('e2e-outage', { databaseUrl: cluster.url });
  const connection = await Connection.connect({ address: process.env.BEATFLOW_TEST_TEMPORAL_ADDRESS ?? 'localhost:7233' });
  temporal = new Client({ connection, namespace: process.env.BEATFLOW_TEST_TEMPORAL_NAMESPACE ?? 'default', dataConverter: testDataConverter });
}, 120_000);

afterAll(async () => {
  await temporal?.connection.close();
  await stack?.stop();
  await cluster?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the officer reports on a bail case, in order; after the script, violations (each one a notice). */
const script = ['subject-reported', 'rules-explained', 'feedback-sent'] as const;

class Load {
  readonly cases: string[] = [];
  readonly accepted = new Map<string, string[]>();
  readonly refusedStarts: Array<{ status: number; ms: number; code?: string }> = [];
  readonly unexpected: string[] = [];
  private readonly step = new Map<string, number>();
  private running = true;
  private loop?: Promise<void>;

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async startCase(): Promise<void> {
    const began = Date.now();
    const res = await stack.http('POST', '/v1/cases', bailStart(Date.now()));
    if (res.status === 201) {
      this.cases.push(res.body.caseId);
      this.accepted.set(res.body.caseId, []);
    } else if (res.status === 503) {
      this.refusedStarts.push({ status: res.status, ms: Date.now() - began, code: res.body.error?.code });
    } else {
      this.unexpected.push(`start answered ${res.status} ${JSON.stringify(res.body)}`);
    }
  }

  private async act(caseId: string): Promise<void> {
    const n = this.step.get(caseId) ?? 0;
    const body =
      n < script.length
        ? action({ type: script[n] })
        : action({ type: 'violation-reported', by: 'subject', description: '未经批准离开所居住的市县' });
    const res = await stack.report(caseId, body);
    if (res.status === 200) {
      this.accepted.get(caseId)!.push(body.actionId);
      this.step.set(caseId, n + 1);
    } else {
      this.unexpected.push(`${body.type} answered ${res.status} ${JSON.stringify(res.body)}`);
    }
  }

  /** A case start every fourth round, an action on each of two cases every round. */
  private async run(): Promise<void> {
    for (let round = 0; this.running; round++) {
      const work: Array<Promise<void>> = [];
      if (round % 4 === 0) work.push(this.startCase());
      for (let k = 0; k < 2 && this.cases.length; k++) work.push(this.act(this.cases[(round * 2 + k) % this.cases.length]));
      await Promise.all(work);
      await sleep(250);
    }
  }
}

async function caseViewNow(caseId: string): Promise<CaseView> {
  // The case itself (a query), which the read model is compared with.
  const res = await stack.http('GET', `${casePath(caseId)}?consistency=strong`);
  if (res.status !== 200) throw new Error(`case ${caseId} answered ${res.status}`);
  return res.body;
}

/**
 * The read model has caught up with a case when its row holds the view the workflow answers now (the view carries no
 * revision; the whole view is the stronger check). `run` aside: the case does not rewrite its row for a continue-as-new alone;
 * `personal` aside: the read model never holds the people a case names.
 */
async function caughtUp(caseId: string): Promise<boolean> {
  const [view, { rows }] = await Promise.all([caseViewNow(caseId), stack.pool.query('SELECT view FROM cases WHERE case_id = $1', [caseId])]);
  return (
    rows.length === 1 && JSON.stringify(sorted({ ...rows[0].view, run: 0 })) === JSON.stringify(sorted({ ...view, run: 0, personal: undefined }))
  );
}

/** JSON with object keys in order (jsonb does not keep them). */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sorted(v)]),
    );
  }
  return value;
}

test(
  'PostgreSQL stopped under load: actions still accepted, database routes 503 at once, every case catches up, nothing duplicated',
  async () => {
    const load = new Load();
    for (let i = 0; i < 4; i++) await load.startCase();
    expect(load.cases).toHaveLength(4);
    load.start();
    // A few seconds of load before the outage: every path (start, act, write) has run once.
    await sleep(4_000);

    // pg_ctl stop -m fast on the suite's own cluster, by its PID.
    await cluster.halt();
    const haltedAt = Date.now();
    const acceptedBefore = [...load.accepted.values()].flat().length;
    const casesBefore = load.cases.length;
    await sleep(2_000);
    const began = Date.now();
    const ready = await stack.http('GET', '/readyz');
    expect(Date.now() - began).toBeLessThan(3_000);
    expect(ready).toEqual({ status: 503, body: { status: 'not-ready', temporal: 'up', database: 'down' } });
    const list = await stack.http('GET', '/v1/cases?stationId=S-01');
    expect(list.status).toBe(503);
    expect(list.body.error.code).toBe('database-unavailable');

    await sleep(outageMs - (Date.now() - haltedAt));
    const acceptedDuringOutage = [...load.accepted.values()].flat().length - acceptedBefore;
    expect(load.cases).toHaveLength(casesBefore);
    await cluster.resume();
    const resumedAt = Date.now();
    // The load goes on a little: each case's next action tries its blocked records again at once.
    await sleep(5_000);
    await load.stop();

    // Every start refused during the outage was a quick 503 naming the database; every action was accepted.
    expect(load.unexpected).toEqual([]);
    expect(acceptedDuringOutage).toBeGreaterThan(20);
    expect(load.refusedStarts.length).toBeGreaterThan(10);
    for (const refused of load.refusedStarts) expect(refused).toEqual({ status: 503, ms: expect.any(Number), code: 'database-unavailable' });
    expect(Math.max(...load.refusedStarts.map((r) => r.ms))).toBeLessThan(2_000);
    expect(stack.running('api') && stack.running('worker')).toBe(true);

    const pending = new Set(load.cases);
    const deadline = Date.now() + catchUpTimeoutMs;
    while (pending.size && Date.now() < deadline) {
      for (const caseId of [...pending]) if (await caughtUp(caseId).catch(() => false)) pending.delete(caseId);
      if (pending.size) await sleep(1_000);
    }
    const catchUpMs = Date.now() - resumedAt;
    process.stdout.write(
      `[outage] ${load.cases.length} cases, ${[...load.accepted.values()].flat().length} actions accepted (${acceptedDuringOutage} while PostgreSQL was down), ` +
        `${load.refusedStarts.length} starts answered 503 (slowest ${Math.max(...load.refusedStarts.map((r) => r.ms))} ms); ` +
        `every case caught up ${(catchUpMs / 1000).toFixed(1)} s after PostgreSQL was back\n`,
    );
    expect([...pending]).toEqual([]);

    for (const caseId of load.cases) {
      const { rows: audit } = await stack.pool.query<{ action_id: string; n: string }>(
        `SELECT action_id, count(*) AS n FROM audit_log WHERE case_id = $1 AND kind = 'action' GROUP BY action_id`,
        [caseId],
      );
      expect(audit.filter((r) => r.n !== '1')).toEqual([]);
      expect(audit.map((r) => r.action_id).sort()).toEqual([...load.accepted.get(caseId)!].sort());

      const view = await caseViewNow(caseId);
      const { rows: outbox } = await stack.pool.query('SELECT kind, recipient, obligation_key, created_at FROM notices WHERE case_id = $1', [caseId]);
      const asKey = (n: { kind: string; recipient: string; obligationKey?: string | null; createdAt: number }) =>
        `${n.kind}→${n.recipient}/${n.obligationKey ?? ''}@${Math.floor(n.createdAt / 1000)}`; // the view's times are to the second
      const written = outbox.map((r) => asKey({ ...r, obligationKey: r.obligation_key, createdAt: r.created_at.getTime() })).sort();
      const issued = view.notices.map((n) => asKey({ ...n, createdAt: Date.parse(n.createdAt) })).sort();
      expect(written).toEqual(issued);

      const { status } = await temporal.workflow.getHandle(caseId).describe();
      expect(status.name).toBe('RUNNING');
      const events = (await temporal.workflow.getHandle(caseId).fetchHistory()).events ?? [];
      expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
    }
    expect(stack.output.join('')).not.toMatch(/张三|110101199001011234|李四|某街1号|未经批准/);
  },
  12 * 60_000,
);
