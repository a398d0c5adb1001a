/**
 * End to end: a hazard-rectification case (治安隐患整改, Art. 60–62) through the real API and worker processes
 * (built into dist/), the real Temporal dev server and PostgreSQL, driven over HTTP as the station system and an
 * officer would.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { addDays, formatInstant, localDate, startOfDay } from '../../src/case/legal-time';
import { action } from '../support/cases';
import { ProcessStack, casePath } from '../support/stack';

const hour = 3_600_000;
const day = 24 * hour;

let stack: ProcessStack;
let pool: Pool;
const output = { join: (separator: string) => stack.output.join(separator) };
const http = (method: string, url: string, body?: unknown) => stack.http(method, url, body);
const until = <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs?: number) => stack.until(probe, what, timeoutMs);
const report = (caseId: string, a: { type: string }) => http('POST', `${casePath(caseId)}/actions`, a);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const obligationIn = (view: any, key: string, period?: string) => view.obligations.find((o: any) => o.key === key && o.period === period);

const noticeRows = (caseId: string) => stack.noticeRows(caseId);

/** Once the case's activities are done writing, its notices: the same rows twice in a row, a second apart. */
async function settledNoticeRows(caseId: string, atLeast: number): Promise<string[]> {
  let last = '';
  return until(
    async () => {
      const rows = await noticeRows(caseId);
      const now = JSON.stringify(rows);
      const settled = rows.length >= atLeast && now === last;
      last = now;
      if (!settled) await new Promise((r) => setTimeout(r, 750));
      return settled ? rows : undefined;
    },
    'the notices to be written',
    60_000,
  );
}

/** A case as the station system sends it: the order to rectify made an hour ago, 10 days to rectify. */
function hazardStart(now: number, overrides: Record<string, unknown> = {}) {
  return {
    procedure: 'hazard-rectification' as const,
    caseNumber: `ZG-${randomUUID().slice(0, 8)}`,
    stationId: 'S-07',
    officerId: 'P-20931',
    unit: { name: '某某商贸有限公司', creditCode: '91350100M000100Y43', keyUnit: true },
    inspection: { at: formatInstant(now - 2 * hour), assistantId: 'FJ-0412', recordingRef: 'ZFJLY-0001' },
    hazards: [{ description: '消防通道堆放杂物' }],
    decidedAt: formatInstant(now - hour),
    rectifyBy: addDays(localDate(now), 10),
    warningIssued: true as const,
    ...overrides,
  };
}

beforeAll(async () => {
  stack = await ProcessStack.start('e2e-hazard');
  pool = stack.pool;
});

afterAll(async () => {
  await stack?.stop();
});

test('a hazard case from start to end: filed, extension approved, early re-inspection failed with a reason and reported, new deadline, passed; exact notices', async () => {
  const start = hazardStart(Date.now());
  // The station system's calls go through the client generated from the API document, as its team's would.
  const system = await stack.client({ role: 'station-system', stationIds: [start.stationId], sub: 'SYS-07' });
  const created = await system.POST('/v1/cases', { body: start });
  expect(created.response.status).toBe(201);
  const caseId = created.data!.caseId;
  stack.placeCase(caseId, start.stationId);
  expect(caseId).toBe(`hazard-rectification:${start.caseNumber}`);
  expect((await system.POST('/v1/cases', { body: start })).data).toEqual({ caseId, created: false });
  const read = await system.GET('/v1/cases/{caseId}', { params: { path: { caseId } } });
  expect(read.data?.obligations.find((o) => o.key === 'filing')).toMatchObject({ status: 'pending', responsible: 'officer' });

  const filed = action({ type: 'filed', filingNumber: 'BA-2026-0193' });
  let res = await report(caseId, filed);
  expect(res.status).toBe(200);
  expect(obligationIn(res.body, 'filing')).toMatchObject({ status: 'done', late: false });
  // A retried request is answered with the first result and has no second effect.
  expect(await report(caseId, filed)).toEqual(res);

  // The unit asks in writing for more time; the officer reviews it and reports to the station, which approves.
  const newDeadline = addDays(start.rectifyBy, 15);
  expect(
    (await report(caseId, action({ type: 'extension-requested', documentRef: 'YQSQ-001', requestedUntil: addDays(start.rectifyBy, 20) }))).status,
  ).toBe(200);
  expect((await report(caseId, action({ type: 'extension-reviewed', recommendation: 'approve' }))).status).toBe(200);
  res = await report(caseId, action({ type: 'extension-decided', decision: 'approved', newDeadline }));
  expect(res.status).toBe(200);
  expect(obligationIn(res.body, 'reinspection', 'round-1')).toMatchObject({
    status: 'pending',
    opensAt: formatInstant(startOfDay(addDays(newDeadline, 1))),
    changes: [expect.objectContaining({ reason: expect.stringContaining(newDeadline) })],
  });

  // The unit asks to be re-inspected early; the re-inspection finds a justified failure, reported to the township.
  expect((await report(caseId, action({ type: 'reinspection-requested' }))).status).toBe(200);
  res = await report(caseId, action({ type: 'reinspected', result: 'failed', justified: true }));
  expect(res.body.records).toMatchObject({ stage: 'awaiting-new-deadline', kpi: { reinspectedOnTime: 'yes', failureReported: 'no' } });
  res = await report(caseId, action({ type: 'failure-reported', recipient: 'township-government' }));
  expect(res.body.records.kpi.failureReported).toBe('yes');

  // The station sets a new deadline; the unit asks again to be re-inspected early, and this time it passes.
  const second = addDays(localDate(Date.now()), 20);
  res = await report(caseId, action({ type: 'new-deadline-set', rectifyBy: second }));
  expect(obligationIn(res.body, 'reinspection', 'round-2')).toMatchObject({
    status: 'pending',
    opensAt: formatInstant(startOfDay(addDays(second, 1))),
  });
  expect((await report(caseId, action({ type: 'reinspection-requested', documentRef: 'TQFC-2' }))).status).toBe(200);
  const passed = action({ type: 'reinspected', result: 'passed' });
  res = await report(caseId, passed);
  expect(res.body).toMatchObject({ status: 'closed', outcome: 'rectified' });
  expect(res.body.records.rounds).toEqual([
    expect.objectContaining({
      round: 1,
      rectifyBy: newDeadline,
      result: 'failed-justified',
      failureReport: expect.objectContaining({ recipient: 'township-government' }),
    }),
    expect.objectContaining({ round: 2, rectifyBy: second, setBy: 'station', result: 'passed' }),
  ]);
  expect(await report(caseId, passed)).toMatchObject({ status: 200, body: { status: 'closed', outcome: 'rectified' } });
  expect(await report(caseId, action({ type: 'failure-reported', recipient: 'superior-department' }))).toMatchObject({
    status: 409,
    body: { error: { code: 'action-rejected' } },
  });

  expect(await settledNoticeRows(caseId, 3)).toEqual(['extension-review→station', 'filing→station', 'rectification-failure→township-government']);
  const audit = await pool.query(`SELECT type FROM audit_log WHERE case_id = $1 AND kind = 'action' ORDER BY id`, [caseId]);
  expect(audit.rows.map((r) => r.type)).toEqual([
    'filed',
    'extension-requested',
    'extension-reviewed',
    'extension-decided',
    'reinspection-requested',
    'reinspected',
    'failure-reported',
    'new-deadline-set',
    'reinspection-requested',
    'reinspected',
  ]);
  // The read model carries the Art. 62 facts of the case for the station's KPIs.
  const kpi = await until(async () => {
    const { rows } = await pool.query("SELECT status, outcome, view->'records'->'kpi' AS kpi FROM cases WHERE case_id = $1", [caseId]);
    return rows[0]?.status === 'closed' ? rows[0] : undefined;
  }, 'the read model to show the closed case');
  expect(kpi).toEqual({ status: 'closed', outcome: 'rectified', kpi: { reinspectedOnTime: 'yes', failureReported: 'yes' } });
});

test('a failure without a justified reason: the station is notified once, and the case ends as referred', async () => {
  const { body } = await http('POST', '/v1/cases', hazardStart(Date.now()));
  const caseId = body.caseId;
  await report(caseId, action({ type: 'filed', filingNumber: 'BA-2026-0194' }));
  await report(caseId, action({ type: 'reinspection-requested' }));
  const res = await report(caseId, action({ type: 'reinspected', result: 'failed', justified: false }));
  expect(res.body).toMatchObject({ status: 'closed', outcome: 'referred', records: { kpi: { failureReported: 'not-applicable' } } });
  expect(await settledNoticeRows(caseId, 2)).toEqual(['filing→station', 'referral→station']);
});

test('bad requests are answered 400 or 409 and change nothing', async () => {
  const now = Date.now();
  // Start requests that the regulation does not allow: no case is created.
  const badStarts: Array<[Record<string, unknown>, string]> = [
    [{ inspection: { at: formatInstant(now - 2 * hour), recordingRef: 'ZFJLY-0001' } }, 'inspection.assistantId'],
    [{ warningIssued: false }, 'warningIssued'],
    [{ unit: { name: '某某商贸有限公司', creditCode: '91350100M000100Y44', keyUnit: false } }, 'unit.creditCode'],
    // the day before the decision (made an hour ago, so perhaps yesterday in Beijing time)
    [{ rectifyBy: addDays(localDate(now - hour), -1) }, 'rectifyBy'],
    [{ hazards: [] }, 'hazards'],
  ];
  for (const [overrides, field] of badStarts) {
    const start = hazardStart(now, overrides);
    const res = await http('POST', '/v1/cases', start);
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { path: string }) => f.path)).toContain(`body.${field}`);
    expect((await http('GET', casePath(`hazard-rectification:${start.caseNumber}`))).status).toBe(404);
  }

  // A case decided three days ago, due to be rectified yesterday: its filing was due before it arrived (to review, no
  // escalation), its deadline has passed.
  const start = hazardStart(now, {
    decidedAt: formatInstant(now - 3 * day),
    inspection: { at: formatInstant(now - 3 * day - hour), assistantId: 'FJ-0412', recordingRef: 'ZFJLY-0002' },
    rectifyBy: localDate(now - day),
  });
  const { body } = await http('POST', '/v1/cases', start);
  const caseId = body.caseId;
  expect(body.arrivedDue.map((d: { key: string }) => d.key)).toEqual(['filing']);
  // The case itself (strong), before and after: the first read may come before the read model's row exists.
  const before = await http('GET', `${casePath(caseId)}?consistency=strong`);
  expect(obligationIn(before.body, 'filing')).toMatchObject({ status: 'before-adoption', adoption: { review: 'to-review' } });

  const invalid: Array<{ type: string } & Record<string, unknown>> = [
    { type: 'extension-requested', requestedUntil: addDays(localDate(now), 10) },
    { type: 'reinspected', result: 'failed' },
    { type: 'extension-decided', decision: 'approved' },
    { type: 'failure-reported', recipient: 'station' },
    { type: 'mediated' },
  ];
  for (const a of invalid) expect((await report(caseId, action(a))).status).toBe(400);

  const rejected: Array<[{ type: string } & Record<string, unknown>, RegExp]> = [
    [{ type: 'extension-requested', documentRef: 'YQSQ-9', requestedUntil: addDays(localDate(now), 10) }, /after the rectification deadline/],
    [{ type: 'reinspection-requested' }, /has passed/],
    [{ type: 'extension-decided', decision: 'refused' }, /no extension request/],
    [{ type: 'failure-reported', recipient: 'township-government' }, /no failed rectification/],
    [{ type: 'new-deadline-set', rectifyBy: addDays(localDate(now), 10) }, /failed with a justified reason/],
    [{ type: 'filed', filingNumber: 'BA-1', at: formatInstant(now - 4 * day) }, /before the rectification decision/],
  ];
  for (const [a, reason] of rejected) {
    const res = await report(caseId, action(a));
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'action-rejected', message: expect.stringMatching(reason) } } });
  }

  expect(await http('GET', `${casePath(caseId)}?consistency=strong`)).toEqual(before);
  const audit = await pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE case_id = $1 AND kind = 'action'`, [caseId]);
  expect(audit.rows[0].n).toBe(0);
  expect(await noticeRows(caseId)).toEqual([]);

  // Found not done on review, the filing is owed again; a late filing is then accepted and recorded as late.
  expect((await report(caseId, action({ type: 'adoption-confirmed', key: 'filing', outcome: 'not-done' }))).status).toBe(200);
  const filed = await report(caseId, action({ type: 'filed', filingNumber: 'BA-2026-0195' }));
  expect(obligationIn(filed.body, 'filing')).toMatchObject({ status: 'done', late: true });
});

test('process logs never carry the hazards or the inspection recording', () => {
  const logs = output.join('');
  expect(logs).toMatch(/"msg":"notice"/);
  expect(logs).not.toContain('消防通道堆放杂物');
  expect(logs).not.toContain('ZFJLY-');
});
