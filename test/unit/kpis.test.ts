/**
 * The rates on the real PostgreSQL, against duties counted by hand (test/support/kpi-fixture.ts): which duties are on
 * time, late, missed, and which count in no rate; the duties behind a number, by outcome and a page at a time.
 */
import { kpiCounts, kpiDuties } from '../../src/db/kpis';
import { kpiOf, kpis } from '../../src/domain/kpis';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { kpiFixture } from '../support/kpi-fixture';
import { insertCases } from '../support/read-model';

let db: FreshDatabase;

beforeAll(async () => {
  db = await freshDatabase('kpis');
  await insertCases(db.pool, kpiFixture);
});

afterAll(async () => {
  await db?.drop();
});

// March 2026 in local time.
const march = { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') };
const s01 = { ...march, stationIds: ['S-01'] };

describe('the counts of a rate', () => {
  test('hazard re-inspection at S-01: 2 on time (K-H1, K-H12), 1 late (K-H2), 2 missed (K-H3, K-H4); the rest excluded', async () => {
    expect(await kpiCounts(db.pool, kpiOf('hazard-reinspection-on-time')!, s01)).toEqual({ onTime: 2, late: 1, missed: 2 });
  });

  test('every station: the other station’s on-time re-inspection (K-H11) counts too', async () => {
    expect(await kpiCounts(db.pool, kpiOf('hazard-reinspection-on-time')!, march)).toEqual({ onTime: 3, late: 1, missed: 2 });
  });

  test('filing, failure reports, expiry notices and the half-yearly visit across two procedures', async () => {
    expect(await kpiCounts(db.pool, kpiOf('hazard-filing-on-time')!, s01)).toEqual({ onTime: 1, late: 1, missed: 0 });
    expect(await kpiCounts(db.pool, kpiOf('hazard-failure-reported')!, s01)).toEqual({ onTime: 0, late: 1, missed: 1 });
    expect(await kpiCounts(db.pool, kpiOf('bail-expiry-notice-on-time')!, s01)).toEqual({ onTime: 1, late: 1, missed: 0 });
    expect(await kpiCounts(db.pool, kpiOf('specific-subject-half-yearly-visit-on-time')!, s01)).toEqual({ onTime: 1, late: 0, missed: 1 });
  });

  test('a rate with no duty in the period counts nothing', async () => {
    expect(await kpiCounts(db.pool, kpiOf('dispute-follow-up-visit-on-time')!, s01)).toEqual({ onTime: 0, late: 0, missed: 0 });
    const february = { from: Date.parse('2026-02-01T00:00:00+08:00'), to: Date.parse('2026-03-01T00:00:00+08:00'), stationIds: ['S-01'] };
    expect(await kpiCounts(db.pool, kpiOf('hazard-reinspection-on-time')!, february)).toEqual({ onTime: 1, late: 0, missed: 0 });
  });

  test('every declared rate names duties, an article, and a target or the reason it has none', () => {
    for (const kpi of kpis) {
      expect(kpi.keys.length).toBeGreaterThan(0);
      expect(kpi.article).toMatch(/^\d+(\(\d+\))?$/);
      expect(kpi.targetBasis).toContain(kpi.target === null ? 'no rate' : 'Art.');
    }
    expect(new Set(kpis.map((k) => k.id)).size).toBe(kpis.length);
  });
});

describe('the duties behind a number', () => {
  const ids = (page: { rows: Array<{ caseId: string; key: string; outcome: string }> }) => page.rows.map((d) => `${d.caseId} ${d.outcome}`);

  test('the five counted re-inspections at S-01, soonest due first', async () => {
    const page = await kpiDuties(db.pool, kpiOf('hazard-reinspection-on-time')!, { ...s01, limit: 100 });
    expect(ids(page)).toEqual([
      'hazard-rectification:K-H1 on-time',
      'hazard-rectification:K-H2 late',
      'hazard-rectification:K-H3 missed',
      'hazard-rectification:K-H4 missed',
      'hazard-rectification:K-H12 on-time',
    ]);
    expect(page.nextCursor).toBeUndefined();
    expect(page.rows[1]).toEqual({
      caseId: 'hazard-rectification:K-H2',
      procedure: 'hazard-rectification',
      caseNumber: 'K-H2',
      stationId: 'S-01',
      officerId: 'P-20931',
      key: 'reinspection',
      article: '0',
      responsible: 'officer',
      status: 'done',
      dueAt: '2026-03-10T23:59:59+08:00',
      completedAt: '2026-03-10T20:00:00+08:00',
      late: true,
      overdueAt: '2026-03-11T00:00:00+08:00',
      outcome: 'late',
    });
  });

  test('one outcome, and pages of two that together are the whole list', async () => {
    const missed = await kpiDuties(db.pool, kpiOf('hazard-reinspection-on-time')!, { ...s01, outcome: 'missed', limit: 100 });
    expect(ids(missed)).toEqual(['hazard-rectification:K-H3 missed', 'hazard-rectification:K-H4 missed']);

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await kpiDuties(db.pool, kpiOf('hazard-reinspection-on-time')!, { ...march, cursor, limit: 2 });
      pages.push(ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([
      ['hazard-rectification:K-H1 on-time', 'hazard-rectification:K-H11 on-time'],
      ['hazard-rectification:K-H2 late', 'hazard-rectification:K-H3 missed'],
      ['hazard-rectification:K-H4 missed', 'hazard-rectification:K-H12 on-time'],
    ]);
  });
});
