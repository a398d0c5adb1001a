/**
 * End to end: a dispute case through the real worker and API processes (built into dist/), the Temporal dev server and
 * PostgreSQL, driven over HTTP as the station system and an officer would.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { DisputeStart } from '../../src/procedures/dispute/schema';
import { addDays, formatInstant, localDate } from '../../src/case/legal-time';
import { action } from '../support/cases';
import { ProcessStack, casePath } from '../support/stack';

const hour = 3_600_000;

let stack: ProcessStack;
let pool: Pool;
const output = { join: (separator: string) => stack.output.join(separator) };
const http = (method: string, url: string, body?: unknown) => stack.http(method, url, body);
const until = <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs?: number) => stack.until(probe, what, timeoutMs);
const post = (caseId: string, body: unknown) => http('POST', `${casePath(caseId)}/actions`, body);

function disputeStart(overrides: Partial<DisputeStart> = {}): DisputeStart {
  return {
    procedure: 'dispute',
    caseNumber: `JF-${randomUUID().slice(0, 8)}`,
    stationId: 'S-02',
    officerId: 'P-20931',
    source: 'alarm',
    category: 'family',
    parties: [
      { name: '周九', role: 'complainant' },
      { name: '吴十', role: 'respondent' },
    ],
    place: '某村五组某户院内',
    occurredAt: formatInstant(Date.now() - hour),
    riskLevel: 'medium',
    relatedCaseNumbers: ['XA-2026-0042'],
    ...overrides,
  };
}

async function started(overrides: Partial<DisputeStart> = {}): Promise<string> {
  const res = await http('POST', '/v1/cases', disputeStart(overrides));
  expect(res.status).toBe(201);
  return res.body.caseId;
}

const noticeRows = (caseId: string) => stack.noticeRows(caseId);

async function auditTypes(caseId: string): Promise<string[]> {
  const { rows } = await pool.query(`SELECT type FROM audit_log WHERE case_id = $1 AND kind = 'action' ORDER BY id`, [caseId]);
  return rows.map((r) => r.type);
}

beforeAll(async () => {
  stack = await ProcessStack.start('e2e-dispute');
  pool = stack.pool;
});

afterAll(async () => {
  await stack?.stop();
});

test('a family dispute through the API: public-security mediation performed and visited, a repeated alarm reported upward, a specific subject marked, closed with its route', async () => {
  const start = disputeStart();
  const created = await http('POST', '/v1/cases', start);
  expect(created.status).toBe(201);
  const { caseId } = created.body;
  expect(caseId).toBe(`dispute:${start.caseNumber}`);
  expect((await http('POST', '/v1/cases', start)).status).toBe(200);

  const ok = async (body: unknown) => {
    const res = await post(caseId, body);
    expect(res).toMatchObject({ status: 200 });
    return res.body;
  };
  await ok(action({ type: 'triaged', decision: 'intervene' }));
  await ok(action({ type: 'mediated-on-site', outcome: 'failed' }));
  const performBy = addDays(localDate(Date.now()), 10);
  let v = await ok(action({ type: 'security-mediation-recorded', cause: 'fight', agreement: 'reached', performBy }));
  expect(v.obligations.find((o: { key: string }) => o.key === 'agreement-performance')).toMatchObject({ period: '1', status: 'pending' });

  // The parties fight again: a repeated alarm on a family dispute whose risk the officer then raises.
  v = await ok(action({ type: 'repeat-alarm', alarmRef: 'JJ-2026-0917', concerns: [{ party: 1, kind: 'domestic-violence' }] }));
  expect(v.records).toMatchObject({ repeatCount: 1, kpi: { repeat: { repeated: true, marked: true } } });
  v = await ok(action({ type: 'risk-changed', riskLevel: 'high' }));
  expect(v.obligations.find((o: { key: string }) => o.key === 'superior-report')).toMatchObject({ period: '1', status: 'pending' });
  await ok(action({ type: 'superior-reported', documentRef: 'SB-2026-31' }));
  await ok(action({ type: 'specific-subject-marked', party: 1, kind: 'domestic-violence' }));
  await ok(action({ type: 'follow-up-visited', route: 2 }));

  await ok(action({ type: 'agreement-performance-checked', performed: true }));
  await ok(action({ type: 'follow-up-visited' }));
  v = await ok(action({ type: 'closed' }));
  expect(v).toMatchObject({ status: 'closed', outcome: 'resolved' });
  expect(v.records.summary).toMatchObject({ outcome: 'resolved', repeatCount: 1, superiorReports: 1, specificSubjects: 1, riskLevel: 'high' });
  expect(v.records.summary.routes).toEqual([
    'route 1 intervention: on-site-mediation (failed) → public-security-mediation (fight: agreement reached) → agreement-performance (performed) → follow-up-visit ⇒ resolved',
    // Marked repeated on arrival (an earlier related case), so not again at the alarm.
    'route 2 repeat-alarm: repeat-alarm (repeat 1) → follow-up-visit ⇒ followed-up',
  ]);
  expect(v.records.kpi).toMatchObject({
    followUp: { owed: 2, onTime: 2, late: 0, open: 0, overdue: 0 },
    specificSubjects: { found: 1, marked: 1, markedOnTime: 1 },
  });

  const expected = ['specific-subject→station', 'superior-report→superior-police'];
  await until(async () => ((await noticeRows(caseId)).length >= expected.length ? true : undefined), 'the notices to be written');
  expect(await noticeRows(caseId)).toEqual(expected);
  await until(async () => ((await auditTypes(caseId)).length >= 11 ? true : undefined), 'the audit log');
  expect(await auditTypes(caseId)).toEqual([
    'triaged',
    'mediated-on-site',
    'security-mediation-recorded',
    'repeat-alarm',
    'risk-changed',
    'superior-reported',
    'specific-subject-marked',
    'follow-up-visited',
    'agreement-performance-checked',
    'follow-up-visited',
    'closed',
  ]);
  const listed = await until(async () => {
    const res = await http('GET', '/v1/cases?stationId=S-02&procedure=dispute&status=closed&limit=500');
    return res.body.cases.find((c: { caseId: string }) => c.caseId === caseId);
  }, 'the read model to show the closed case');
  expect(listed).toMatchObject({ procedure: 'dispute', status: 'closed', outcome: 'resolved', overdueCount: 0 });
  expect(JSON.stringify((await http('GET', casePath(caseId))).body)).not.toMatch(/周九|吴十|某村五组/);
});

test('repeated actions are answered with the first result and take effect once, before and after the case closes', async () => {
  const caseId = await started({ category: 'neighbour' });
  const triage = action({ type: 'triaged', decision: 'divert', divertedTo: { kind: 'grass-roots-organisation', name: '某村民委员会' } });
  const first = await post(caseId, triage);
  expect(first.status).toBe(200);
  expect(await post(caseId, triage)).toEqual(first);

  const alarm = action({ type: 'repeat-alarm' });
  const alarmed = await post(caseId, alarm);
  expect(alarmed.body.records.repeatCount).toBe(1);
  const again = await post(caseId, alarm);
  expect(again).toEqual(alarmed);
  expect(again.body.records.repeatCount).toBe(1);

  await post(caseId, action({ type: 'follow-up-visited' }));
  await post(caseId, action({ type: 'progress-checked', outcome: 'resolved' }));
  const closing = action({ type: 'closed' });
  const closed = await post(caseId, closing);
  expect(closed.body).toMatchObject({ status: 'closed', outcome: 'resolved' });
  const retried = await post(caseId, closing);
  expect(retried).toMatchObject({ status: 200, body: { status: 'closed', outcome: 'resolved' } });
  expect((await post(caseId, action({ type: 'repeat-alarm' }))).status).toBe(409);

  await until(async () => ((await auditTypes(caseId)).length >= 5 ? true : undefined), 'the audit log');
  expect(await auditTypes(caseId)).toEqual(['triaged', 'repeat-alarm', 'follow-up-visited', 'progress-checked', 'closed']);
  await until(async () => ((await noticeRows(caseId)).length >= 1 ? true : undefined), 'the diversion notice');
  expect(await noticeRows(caseId)).toEqual(['diversion→community-organisation']);
});

test('invalid transitions are answered 409 with the reason and leave the case as it was; malformed actions 400', async () => {
  const caseId = await started({ category: 'professional' });
  // The case itself (strong), before and after: the first read may come before the read model's row exists.
  const before = (await http('GET', `${casePath(caseId)}?consistency=strong`)).body;

  const rejected = async (body: unknown, message: string | RegExp) => {
    const res = await post(caseId, body);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('action-rejected');
    expect(res.body.error.message).toMatch(message);
  };
  await rejected(action({ type: 'mediated-on-site', outcome: 'failed' }), 'the dispute has not been triaged');
  await rejected(action({ type: 'closed' }), 'the dispute has not been triaged');
  await rejected(action({ type: 'superior-reported' }), 'no report to the superior public security organ is owed');
  await rejected(action({ type: 'progress-checked', outcome: 'resolved' }), 'no progress check is open');
  expect((await http('GET', `${casePath(caseId)}?consistency=strong`)).body).toEqual(before);

  const malformed = await post(caseId, action({ type: 'referred', to: 'people-mediation', legalEducation: true }));
  expect(malformed.status).toBe(400);
  expect(malformed.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['venue']);
  expect((await post(caseId, action({ type: 'subject-reported' }))).status).toBe(400);

  const triaged = (await post(caseId, action({ type: 'triaged', decision: 'intervene' }))).body;
  await rejected(action({ type: 'triaged', decision: 'intervene' }), 'the dispute has already been triaged');
  await rejected(action({ type: 'referred', to: 'arbitration-or-court', legalEducation: false }), /follows an on-site mediation that failed/);
  await rejected(action({ type: 'follow-up-visited' }), 'no follow-up visit is open');
  await rejected(action({ type: 'risk-changed', riskLevel: 'medium' }), 'the risk is already medium');
  // The officer's answer carries the parties unmasked; the supervisor's read masks them (a role without need).
  const { personal: unmasked, ...triagedCase } = triaged;
  // Read from the read model, which the flush of the action's own task wrote: the same view, with its revision.
  const { personal: masked, revision: _revision, writtenAt: _writtenAt, ...readCase } = (await http('GET', casePath(caseId))).body;
  expect(readCase).toEqual(triagedCase);
  expect(unmasked.map((p: { name: string }) => p.name)).toEqual(['周九', '吴十']);
  expect(masked.map((p: { name: string }) => p.name)).toEqual(['周*', '吴*']);
  await until(async () => ((await auditTypes(caseId)).length >= 1 ? true : undefined), 'the audit log');
  expect(await auditTypes(caseId)).toEqual(['triaged']);
});

test('process logs never carry the parties or the place', () => {
  const logs = output.join('');
  expect(logs).toContain('dispute:');
  expect(logs).not.toMatch(/周九|吴十|某村五组/);
});
