/**
 * Rates of a closed period on the real PostgreSQL: a case that arrives late adds nothing to the periods before it
 * arrived (its past duties are `before-adoption`, in no rate), so a station's June–November rate reads the same after.
 */
import { writeCaseRecords } from '../../src/db/records';
import { kpiCounts } from '../../src/db/kpis';
import { kpiOf } from '../../src/domain/kpis';
import type { CaseView } from '../../src/case/contract';
import { type FreshDatabase, freshDatabase } from '../support/database';
import { SimulatedCase, pinnedBailStart } from '../support/simulator';

let db: FreshDatabase;

beforeAll(async () => {
  db = await freshDatabase('arrival_rates');
});

afterAll(async () => {
  await db?.drop();
});

const save = (view: CaseView) =>
  writeCaseRecords(db.pool, { caseId: view.caseId, notices: [], audit: [], view, revision: 1, personal: { count: 0 } });

// June to November 2026, local time: a closed period on 2026-12-07.
const juneToNovember = { from: Date.parse('2026-06-01T00:00:00+08:00'), to: Date.parse('2026-12-01T00:00:00+08:00'), stationIds: ['S-01'] };
const rate = () => kpiCounts(db.pool, kpiOf('bail-compliance-check-on-time')!, juneToNovember);

test('a surveillance arriving on 2026-12-07, six months into its term, leaves the June–November compliance rate as it was', async () => {
  // Kept from its start on 2026-06-16: each month's check made on the 20th, on time.
  const kept = SimulatedCase.start(
    pinnedBailStart({
      caseNumber: 'JS-2026-0601',
      measure: 'residential-surveillance',
      guarantee: undefined,
      noticeReceivedAt: '2026-06-16T09:00:00+08:00',
      reportBy: '2026-06-17T09:00:00+08:00',
      termStart: '2026-06-16',
      termEnd: '2026-12-15',
    }),
    '2026-06-16T09:00:00+08:00',
  );
  for (const month of ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']) {
    kept.advanceTo(`${month}-20T10:00:00+08:00`).act('compliance-checked', { month, compliant: true });
  }
  await save(kept.view());
  expect(await rate()).toEqual({ onTime: 6, late: 0, missed: 0 });

  const late = SimulatedCase.start(
    pinnedBailStart({
      caseNumber: 'JS-2026-0616',
      measure: 'residential-surveillance',
      guarantee: undefined,
      noticeReceivedAt: '2026-12-07T09:00:00+08:00',
      reportBy: '2026-12-08T17:00:00+08:00',
      termStart: '2026-06-16',
      termEnd: '2026-12-15',
    }),
    '2026-12-07T09:00:00+08:00',
  );
  await save(late.view());
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM obligations WHERE case_id = $1 AND key = 'compliance-check' AND status = 'before-adoption'`,
    [late.view().caseId],
  );
  expect(rows[0].n).toBe(6);
  expect(await rate()).toEqual({ onTime: 6, late: 0, missed: 0 });
});
