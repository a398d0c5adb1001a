/**
 * The supervisor's lists on the real PostgreSQL over 1,200 cases: keyset pages that together are the whole list in
 * the stable order (next due time, then case id), every filter alone and combined, a row written between two pages,
 * the duty-level list, and the query plans (printed, and checked to walk the indexes rather than sort the table).
 */
import { type CaseFilter, type CaseSummary, listCases } from '../../src/db/cases';
import { kpiCounts } from '../../src/db/kpis';
import { listObligations, type ObligationFilter } from '../../src/db/obligations';
import type { Pool } from 'pg';
import type { Page } from '../../src/db/paging';
import { kpiOf } from '../../src/domain/kpis';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { type CaseFixture, insertCases, listBase, listFixture } from '../support/read-model';

let db: FreshDatabase;
const fixture = listFixture(1200);
/** The instant `stuck` is judged at. */
const now = Date.parse('2026-03-15T12:00:00+08:00');
const hour = 3_600_000;

beforeAll(async () => {
  db = await freshDatabase('supervisor_lists');
  await insertCases(db.pool, fixture);
  await db.pool.query('ANALYZE cases; ANALYZE obligations');
});

afterAll(async () => {
  await db?.drop();
});

const dueOf = (c: CaseFixture) => (c.nextDueAt ? Date.parse(c.nextDueAt) : Infinity);
const byCaseOrder = (a: CaseFixture, b: CaseFixture) => dueOf(a) - dueOf(b) || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0);
/** The fixture's stuck cases, by the rule written out: records blocked, or open and due more than an hour before `now`. */
const isStuck = (c: CaseFixture) => c.recordsBlockedSince !== undefined || ((c.status ?? 'open') === 'open' && dueOf(c) < now - hour);

async function allPages<T>(list: (cursor?: string) => Promise<Page<T>>): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    rows.push(...page.rows);
    pages++;
    cursor = page.nextCursor;
  } while (cursor);
  return { rows, pages };
}

const ids = (rows: Array<CaseSummary | CaseFixture>) => rows.map((c) => c.caseId);
const listed = (filter: Omit<CaseFilter, 'limit' | 'cursor'>, limit = 50) =>
  allPages((cursor) => listCases(db.pool, { ...filter, now, cursor, limit }));

describe('GET /v1/cases over 1,200 cases', () => {
  test('pages of 97 are the whole list once, soonest next due first, ties by case id, nothing due last', async () => {
    const { rows, pages } = await listed({}, 97);
    expect(pages).toBe(13);
    expect(ids(rows)).toEqual(ids([...fixture].sort(byCaseOrder)));
    expect(rows.filter((c) => c.nextDueAt === undefined)).toHaveLength(120 + 30);
  });

  test.each<[string, Omit<CaseFilter, 'limit'>, (c: CaseFixture) => boolean]>([
    ['station S-02', { stationIds: ['S-02'] }, (c) => c.stationId === 'S-02'],
    ['stations S-01 and S-03', { stationIds: ['S-01', 'S-03'] }, (c) => c.stationId === 'S-01' || c.stationId === 'S-03'],
    ['officer P-2', { officerId: 'P-2' }, (c) => c.officerId === 'P-2'],
    ['procedure dispute', { procedure: 'dispute' }, (c) => c.caseId.startsWith('dispute:')],
    ['closed', { status: 'closed' }, (c) => c.status === 'closed'],
    ['overdue', { overdue: true }, (c) => (c.overdueCount ?? 0) > 0],
    ['not overdue', { overdue: false }, (c) => (c.overdueCount ?? 0) === 0],
    [
      'due before 2026-03-05T12:00+08:00',
      { dueBefore: Date.parse('2026-03-05T12:00:00+08:00') },
      (c) => dueOf(c) < Date.parse('2026-03-05T12:00:00+08:00'),
    ],
    ['stuck', { stuck: true }, isStuck],
    ['not stuck', { stuck: false }, (c) => !isStuck(c)],
    [
      'S-01, open, overdue, due in the next 24 hours from 2026-03-10T00:00+08:00',
      { stationIds: ['S-01'], status: 'open', overdue: true, dueBefore: Date.parse('2026-03-11T00:00:00+08:00') },
      (c) => c.stationId === 'S-01' && c.status === 'open' && (c.overdueCount ?? 0) > 0 && dueOf(c) < Date.parse('2026-03-11T00:00:00+08:00'),
    ],
  ])('filter: %s, in pages of 50', async (_name, filter, matches) => {
    const expected = fixture.filter(matches).sort(byCaseOrder);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids((await listed(filter)).rows)).toEqual(ids(expected));
  });

  test('the stuck cases: 13 with blocked records, and the open ones due before 2026-03-15T11:00+08:00', async () => {
    const { rows } = await listed({ stuck: true }, 500);
    expect(rows.filter((c) => c.recordsBlockedSince === '2026-03-10T08:00:00+08:00')).toHaveLength(13);
    expect(rows.length).toBe(fixture.filter(isStuck).length);
  });

  test('a case written between two pages, before the cursor, neither shifts the next page nor repeats a row', async () => {
    const first = await listCases(db.pool, { stationIds: ['S-04'], now, limit: 20 });
    const expectedNext = await listCases(db.pool, { stationIds: ['S-04'], now, cursor: first.nextCursor, limit: 20 });
    await insertCases(db.pool, [{ caseId: 'dispute:L-EARLY', stationId: 'S-04', nextDueAt: new Date(listBase - hour).toISOString() }]);
    try {
      const next = await listCases(db.pool, { stationIds: ['S-04'], now, cursor: first.nextCursor, limit: 20 });
      expect(ids(next.rows)).toEqual(ids(expectedNext.rows));
    } finally {
      await db.pool.query(`DELETE FROM cases WHERE case_id = 'dispute:L-EARLY'`);
    }
  });
});

describe('GET /v1/obligations over 1,200 duties', () => {
  const dutyOrder = (a: { dueAt: string; caseId: string; key: string; period?: string }, b: typeof a) =>
    Date.parse(a.dueAt) - Date.parse(b.dueAt) ||
    (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0) ||
    (a.period ?? '').localeCompare(b.period ?? '');
  const duties = fixture.flatMap((c) => c.duties!.map((d) => ({ ...d, caseId: c.caseId, stationId: c.stationId })));

  test.each<[string, Omit<ObligationFilter, 'limit'>, (d: (typeof duties)[number]) => boolean]>([
    ['overdue at S-01', { status: 'overdue', stationIds: ['S-01'] }, (d) => d.status === 'overdue' && d.stationId === 'S-01'],
    ['pending, every station', { status: 'pending' }, (d) => d.status === 'pending'],
    [
      'overdue, due before 2026-03-10T00:00+08:00',
      { status: 'overdue', dueBefore: Date.parse('2026-03-10T00:00:00+08:00') },
      (d) => d.status === 'overdue' && Date.parse(d.dueAt) < Date.parse('2026-03-10T00:00:00+08:00'),
    ],
  ])('%s, in pages of 40, soonest due first', async (_name, filter, matches) => {
    const expected = duties.filter(matches).sort(dutyOrder);
    expect(expected.length).toBeGreaterThan(0);
    const { rows } = await allPages((cursor) => listObligations(db.pool, { ...filter, cursor, limit: 40 }));
    expect(rows.map((d) => `${d.caseId} ${Date.parse(d.dueAt)}`)).toEqual(expected.map((d) => `${d.caseId} ${Date.parse(d.dueAt)}`));
  });
});

describe('the query plans over 1,200 rows', () => {
  /** The plan PostgreSQL chooses for a list's own query, with the names of the indexes it reads. */
  async function planOf(run: (pool: Pick<Pool, 'query'>) => Promise<unknown>, settings: string[] = []) {
    let plan: unknown;
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      for (const setting of settings) await client.query(`SET LOCAL ${setting}`);
      const explaining = {
        query: async (sql: string, params: unknown[]) => {
          plan = (await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows[0]['QUERY PLAN'][0].Plan;
          return { rows: [] };
        },
      };
      // The list cannot read a plan as rows; the plan is all this wants.
      await run(explaining as unknown as Pick<Pool, 'query'>).catch((err) => {
        if (!plan) throw err;
      });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
    return plan as PlanNode;
  }
  interface PlanNode {
    'Node Type': string;
    'Index Name'?: string;
    Plans?: PlanNode[];
  }
  const nodes = (p: PlanNode): PlanNode[] => [p, ...(p.Plans ?? []).flatMap(nodes)];
  const describe_ = (p: PlanNode) => nodes(p).map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`);

  test.each<[string, Omit<CaseFilter, 'limit'>, string]>([
    ['every case', {}, 'cases_by_next_due'],
    ['one station', { stationIds: ['S-02'] }, 'cases_by_station_next_due'],
    ['overdue', { overdue: true }, 'cases_overdue_by_next_due'],
  ])('cases, %s: a page walks %s in order, no sort', async (name, filter, index) => {
    const plan = await planOf((pool) => listCases(pool, { ...filter, now, limit: 100 }));
    console.log(`plan: cases, ${name}: ${describe_(plan).join(' > ')}`);
    expect(describe_(plan)).toContain(`Index Scan ${index}`);
    expect(describe_(plan)).not.toContain('Sort');
  });

  // At 1,200 rows PostgreSQL rightly prefers to read a table whole and sort 100 rows; the printed plans say what it
  // chose, and the plans with sequential scans and sorts priced out show that the indexes serve these queries' order.
  test('overdue duties of a station, and a rate: the plans chosen, and the indexes that serve them', async () => {
    const overdueAtS01 = (pool: Pick<Pool, 'query'>) => listObligations(pool, { status: 'overdue', stationIds: ['S-01'], limit: 100 });
    const rate = (pool: Pick<Pool, 'query'>) =>
      kpiCounts(pool, kpiOf('dispute-progress-check-on-time')!, { from: listBase, to: listBase + 30 * 24 * hour, stationIds: ['S-01'] });
    const priced = ['enable_seqscan = off', 'enable_sort = off'];
    for (const [name, run] of [
      ['obligations, overdue at one station', overdueAtS01],
      ['rate dispute-progress-check-on-time at one station', rate],
    ] as const) {
      console.log(`plan: ${name}: ${describe_(await planOf(run)).join(' > ')}`);
      console.log(`plan: ${name}, sequential scans and sorts priced out: ${describe_(await planOf(run, priced)).join(' > ')}`);
    }
    const indexed = describe_(await planOf(overdueAtS01, priced));
    expect(indexed).toContain('Index Scan obligations_by_status_due_key');
    expect(indexed).not.toContain('Sort');
    expect(describe_(await planOf(rate, priced)).some((n) => n.includes('obligations_by_key_due'))).toBe(true);
  });
});
