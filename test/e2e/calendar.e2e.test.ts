/**
 * End to end: a calendar load reaches every open case through the real worker and API processes (built into dist/), the
 * Temporal dev server and PostgreSQL, though the API is killed (SIGKILL) right after it accepted the load, or before
 * it could start the broadcast at all.
 */
import { randomUUID } from 'node:crypto';
import { replaceCalendarYear } from '../../src/db/calendar';
import type { CaseView } from '../../src/case/contract';
import { bailStart } from '../support/cases';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { ProcessStack, casePath } from '../support/stack';

const openCases = 50;

let stack: ProcessStack;
let database: FreshDatabase;
let caseIds: string[];

beforeAll(async () => {
  // A database of its own: the years this suite stores would otherwise reach other suites' cases through their records.
  database = await freshDatabase('calendar');
  stack = await ProcessStack.start('e2e-calendar', { databaseUrl: database.url });
  const started = Date.now();
  const created = await Promise.all(Array.from({ length: openCases }, () => stack.http('POST', '/v1/cases', bailStart(Date.now()))));
  expect(created.map((r) => r.status)).toEqual(Array(openCases).fill(201));
  caseIds = created.map((r) => r.body.caseId);
  process.stdout.write(`[calendar e2e] ${openCases} cases started through the API in ${Date.now() - started} ms\n`);
});

afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

/** A holiday arrangement for `year` that differs from any stored before, so that storing it raises the version. */
function arrangement(year: number) {
  return {
    holidays: [{ from: `${year}-10-01`, to: `${year}-10-07`, name: 'National Day' }],
    workdays: [],
    source: `notice for ${year} (${randomUUID()})`,
  };
}

/** Waits until every case's read model computes with `version` of `year`, then asks each case itself (a query to its workflow). */
async function everyCaseHolds(year: number, version: number): Promise<void> {
  const holding = JSON.stringify({ calendar: [{ year, version }] });
  await stack.until(
    async () => {
      const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM cases WHERE case_id = ANY($1) AND view @> $2::jsonb', [
        caseIds,
        holding,
      ]);
      return rows[0].n === caseIds.length ? true : undefined;
    },
    `every case to hold calendar ${year} version ${version}`,
    90_000,
  );
  const views = await Promise.all(caseIds.map(async (id) => (await stack.http('GET', casePath(id))).body as CaseView));
  expect(views.filter((v) => !v.calendar.some((c) => c.year === year && c.version === version)).map((v) => v.caseId)).toEqual([]);
}

/** The broadcast of the year's current version, once it has finished. */
async function finishedBroadcast(year: number) {
  const body = await stack.until(
    async () => {
      const res = await stack.http('GET', `/v1/calendar/${year}`);
      return res.body.broadcast?.finishedAt ? res.body : undefined;
    },
    `the broadcast of ${year} to finish`,
    90_000,
  );
  return body.broadcast;
}

test('a year loaded through the API reaches all 50 open cases though the API is killed -9 right after accepting it', async () => {
  const year = 2081;
  const res = await stack.http('PUT', `/v1/calendar/${year}`, arrangement(year));
  expect(res.status).toBe(202);
  await stack.killApi();
  const { version } = res.body;
  expect(res.body.broadcast).toMatchObject({ id: `calendar-${year}-v${version}`, version, finishedAt: null });

  await stack.startApi();
  await everyCaseHolds(year, version);
  expect(await finishedBroadcast(year)).toEqual({
    id: `calendar-${year}-v${version}`,
    version,
    requestedAt: expect.any(String),
    casesReached: openCases,
    finishedAt: expect.any(String),
  });
}, 240_000);

test('a year stored by an API that died before it started the broadcast is told to every open case when an API boots', async () => {
  const year = 2082;
  await stack.killApi();
  // What the PUT had done when the API died: the year stored with its broadcast to do, and nothing started.
  const { year: stored } = await replaceCalendarYear(stack.pool, { year, ...arrangement(year) });
  const { rows } = await stack.pool.query('SELECT finished_at FROM calendar_broadcasts WHERE year = $1 AND version = $2', [year, stored.version]);
  expect(rows).toEqual([{ finished_at: null }]);

  await stack.startApi();
  await everyCaseHolds(year, stored.version);
  expect(await finishedBroadcast(year)).toMatchObject({ id: `calendar-${year}-v${stored.version}`, casesReached: openCases });
}, 240_000);
