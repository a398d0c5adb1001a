import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { builtInCalendar } from '../../src/domain/calendar';
import type { CaseView } from '../../src/domain/case';
import type { DisputeRecords } from '../../src/domain/dispute';
import type { DisputeStart } from '../../src/domain/dispute.schema';
import { addDays, computeDeadline, endOfDay, formatInstant, localDate, parseInstant } from '../../src/domain/legal-time';
import { useCaseHarness } from '../support/case-harness';
import { act, action, noticesOf, obligation, settle, view, rejection } from '../support/cases';

const hour = 3_600_000;
const day = 24 * hour;
const names = /王五|赵六|孙八|某小区/;

const harness = useCaseHarness();

/** A dispute between two neighbours, laid out from `now` (the test server's clock). */
function disputeStart(now: number, overrides: Partial<DisputeStart> = {}): DisputeStart {
  return {
    procedure: 'dispute',
    caseNumber: `JF-${randomUUID().slice(0, 8)}`,
    stationId: 'S-01',
    officerId: 'P-20931',
    source: 'alarm',
    category: 'neighbour',
    parties: [
      { name: '王五', role: 'complainant' },
      { name: '赵六', role: 'respondent' },
    ],
    place: '某小区3栋2单元楼道',
    occurredAt: formatInstant(now - 2 * hour),
    riskLevel: 'medium',
    relatedCaseNumbers: [],
    ...overrides,
  };
}

function withCase(start: (now: number) => DisputeStart, body: (handle: WorkflowHandle, s: DisputeStart, now: number) => Promise<void>): Promise<void> {
  return harness.withCase(start, body);
}

const skipTo = (at: number) => harness.skipTo(at);
const resultOf = (handle: WorkflowHandle) => harness.resultOf<CaseView>(handle);

/** Skips to `at` (whole seconds) and returns it, for an action reported as having happened then. */
async function moment(at: number): Promise<number> {
  const t = Math.floor(at / 1000) * 1000;
  await skipTo(t);
  return t;
}


const records = (v: CaseView) => v.records as DisputeRecords;
const within = (rule: 'within-days' | 'within-hours', from: number, n: number) => computeDeadline(rule, from, n, builtInCalendar);
const escalationsOf = (v: CaseView) => v.notices.filter((n) => n.recipient === 'station-leader' || n.recipient === 'supervisor');

/** The notices the case wrote to the outbox, with the facts each states. */
async function noticeRows(caseId: string) {
  const { rows } = await harness.pool.query('SELECT kind, recipient, facts, created_at FROM notices WHERE case_id = $1 ORDER BY id', [caseId]);
  return rows as Array<{ kind: string; recipient: string; facts: Record<string, unknown> | null; created_at: Date }>;
}

test('diversion: a non-police matter goes to a named department through the township government, progress is checked every 7 days until reported resolved', async () => {
  await withCase(
    (now) => disputeStart(now, { category: 'debt', source: 'referral' }),
    async (handle, _s, now) => {
      let v = await view(handle);
      // The dispute is triaged within 24 hours of its arrival (station policy).
      expect(obligation(v, 'triage')).toMatchObject({ status: 'pending', dueAt: within('within-hours', parseInstant(v.startedAt), 24).due });

      const triagedAt = await moment(now + 3 * hour);
      v = await act(handle, action({ type: 'triaged', at: formatInstant(triagedAt), decision: 'divert', divertedTo: { kind: 'department', name: '某区市场监督管理局' } }));
      expect(obligation(v, 'triage')).toMatchObject({ status: 'done', late: false });
      expect(noticesOf(v, 'diversion').map((n) => [n.recipient, n.article])).toEqual([['township-government', '74']]);
      expect(records(v).routes).toEqual([expect.objectContaining({ no: 1, kind: 'diversion', stage: 'progress', divertedTo: { kind: 'department', name: '某区市场监督管理局' } })]);
      const first = within('within-days', triagedAt, 7);
      expect(obligation(v, 'progress-check', '1.1')).toMatchObject({ status: 'pending', dueAt: first.due, basis: expect.objectContaining({ rule: 'within-days', n: 7 }) });

      // A week later the officer asks the department: still under way, so the next check is due 7 days on.
      const checkedAt = await moment(first.dueMs - 10 * hour);
      v = await act(handle, action({ type: 'progress-checked', at: formatInstant(checkedAt), outcome: 'ongoing' }));
      expect(obligation(v, 'progress-check', '1.1')).toMatchObject({ status: 'done', late: false });
      const second = within('within-days', checkedAt, 7);
      expect(obligation(v, 'progress-check', '1.2')).toMatchObject({ status: 'pending', dueAt: second.due });

      expect(await rejection(act(handle, action({ type: 'progress-checked', outcome: 'failed' })))).toMatch(/until it is resolved/);
      const resolvedAt = await moment(second.dueMs - 30 * hour);
      v = await act(handle, action({ type: 'progress-checked', at: formatInstant(resolvedAt), outcome: 'resolved' }));
      expect(records(v).routes[0]).toMatchObject({ stage: 'resolved', endedAt: formatInstant(resolvedAt) });
      // A diverted dispute is checked on, not visited (Art. 75): nothing more is owed.
      expect(v.obligations.filter((o) => o.key === 'follow-up-visit' || o.key === 'progress-check' && o.status === 'pending')).toEqual([]);

      v = await act(handle, action({ type: 'closed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'resolved' });
      const result = await resultOf(handle);
      expect(records(result).summary).toMatchObject({
        outcome: 'resolved',
        routes: ['route 1 diversion: diversion (department) → progress-check (ongoing) → progress-check (resolved) ⇒ resolved'],
      });
      expect(records(result).kpi.followUp).toMatchObject({ owed: 2, onTime: 2, late: 0, open: 0, overdue: 0, onTimeSoFar: true });
      expect(escalationsOf(result)).toEqual([]);
    },
  );
});

test('on-site mediation resolves it: a follow-up visit is due within 7 days; visited on time, the case ends resolved and followed up', async () => {
  await withCase(
    (now) => disputeStart(now),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      const mediatedAt = await moment(now + 2 * hour);
      let v = await act(handle, action({ type: 'mediated-on-site', at: formatInstant(mediatedAt), outcome: 'resolved' }));
      const visitDue = within('within-days', mediatedAt, 7);
      expect(obligation(v, 'follow-up-visit', '1')).toMatchObject({ status: 'pending', dueAt: visitDue.due, article: '75' });
      expect(await rejection(act(handle, action({ type: 'closed' })))).toBe('routes still open: 1 (intervention, follow-up)');

      await skipTo(visitDue.dueMs - 2 * day);
      v = await act(handle, action({ type: 'follow-up-visited' }));
      expect(obligation(v, 'follow-up-visit', '1')).toMatchObject({ status: 'done', late: false });
      v = await act(handle, action({ type: 'closed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'resolved' });
      const result = await resultOf(handle);
      expect(records(result).summary?.routes).toEqual(['route 1 intervention: on-site-mediation (resolved) → follow-up-visit ⇒ resolved']);
      await harness.recordHistory(handle, 'dispute-resolved-on-site');
      expect(records(result).steps.map((s) => s.step)).toEqual(['triage', 'on-site-mediation', 'follow-up-visit', 'end']);
      expect(records(result).kpi.followUp).toMatchObject({ owed: 1, onTime: 1, onTimeSoFar: true });
      expect(result.notices.filter((n) => n.kind !== 'reminder')).toEqual([]);
    },
  );
});

test("general civil dispute: on-site mediation fails, legal education and referral to a people's mediator, progress checked until resolved, then visited", async () => {
  await withCase(
    (now) => disputeStart(now, { category: 'neighbour' }),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      expect(await rejection(act(handle, action({ type: 'referred', to: 'people-mediation', venue: 'station-mediation-room', legalEducation: true })))).toMatch(
        /follows an on-site mediation that failed/,
      );
      await act(handle, action({ type: 'mediated-on-site', outcome: 'failed' }));
      expect(await rejection(act(handle, action({ type: 'referred', to: 'professional-mediation', legalEducation: true })))).toBe(
        'a neighbour dispute is referred to people-mediation (Art. 74(1), (2))',
      );
      expect(await rejection(act(handle, action({ type: 'referred', to: 'people-mediation', venue: 'station-mediation-room', legalEducation: false })))).toMatch(
        /after legal education/,
      );

      const referredAt = await moment(now + 5 * hour);
      let v = await act(handle, action({ type: 'referred', at: formatInstant(referredAt), to: 'people-mediation', venue: 'station-mediation-room', legalEducation: true }));
      expect(records(v).routes[0]).toMatchObject({ stage: 'referred', referral: { to: 'people-mediation', venue: 'station-mediation-room', legalEducation: true } });
      const first = within('within-days', referredAt, 7);
      expect(obligation(v, 'progress-check', '1.1')).toMatchObject({ status: 'pending', dueAt: first.due });

      const checkedAt = await moment(first.dueMs - 6 * hour);
      v = await act(handle, action({ type: 'progress-checked', at: formatInstant(checkedAt), outcome: 'ongoing' }));
      const second = within('within-days', checkedAt, 7);
      expect(obligation(v, 'progress-check', '1.2').dueAt).toBe(second.due);

      const resolvedAt = await moment(checkedAt + 3 * day);
      v = await act(handle, action({ type: 'progress-checked', at: formatInstant(resolvedAt), outcome: 'resolved' }));
      // Resolved through the police's own intervention: visited within 7 days (Art. 75, 76(1)).
      expect(obligation(v, 'follow-up-visit', '1')).toMatchObject({ status: 'pending', dueAt: within('within-days', resolvedAt, 7).due });
      await act(handle, action({ type: 'follow-up-visited' }));
      v = await act(handle, action({ type: 'closed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'resolved' });
      expect(records(v).summary?.routes).toEqual([
        'route 1 intervention: on-site-mediation (failed) → referral (people-mediation @ station-mediation-room) → progress-check (ongoing) → progress-check (resolved) → follow-up-visit ⇒ resolved',
      ]);
      expect(records(v).kpi.followUp).toMatchObject({ owed: 3, onTime: 3, late: 0 });
      expect(escalationsOf(v)).toEqual([]);
    },
  );
});

test('professional dispute: professional mediation fails, the parties are told to go to arbitration or the courts, the case is handed over when the court takes it', async () => {
  await withCase(
    (now) => disputeStart(now, { category: 'professional' }),
    async (handle) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      await act(handle, action({ type: 'mediated-on-site', outcome: 'failed' }));
      expect(await rejection(act(handle, action({ type: 'referred', to: 'people-mediation', venue: 'grass-roots-platform', legalEducation: true })))).toBe(
        'a professional dispute is referred to professional-mediation or arbitration-or-court (Art. 74(1), (2))',
      );
      let v = await act(handle, action({ type: 'referred', to: 'professional-mediation', legalEducation: false }));
      expect(obligation(v, 'progress-check', '1.1').status).toBe('pending');
      expect(await rejection(act(handle, action({ type: 'progress-checked', outcome: 'handed-over' })))).toMatch(/only a dispute taken to arbitration or a court/);

      v = await act(handle, action({ type: 'progress-checked', outcome: 'failed' }));
      expect(records(v).routes[0].stage).toBe('unresolved');
      expect(await rejection(act(handle, action({ type: 'progress-checked', outcome: 'ongoing' })))).toBe('no progress check is open');

      v = await act(handle, action({ type: 'referred', to: 'arbitration-or-court', legalEducation: false }));
      expect(obligation(v, 'progress-check', '1.2').status).toBe('pending');
      v = await act(handle, action({ type: 'progress-checked', outcome: 'handed-over' }));
      expect(records(v).routes[0].stage).toBe('handed-over');
      expect(v.obligations.filter((o) => o.key === 'follow-up-visit')).toEqual([]);
      v = await act(handle, action({ type: 'closed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'handed-over' });
      expect(records(v).summary?.routes).toEqual([
        'route 1 intervention: on-site-mediation (failed) → referral (professional-mediation) → progress-check (failed) → referral (arbitration-or-court) → progress-check (handed-over) ⇒ handed-over',
      ]);
    },
  );
});

test('public-security mediation of a fight: agreement reached, performance checked by the agreed date, performed, visited', async () => {
  await withCase(
    (now) => disputeStart(now, { category: 'neighbour' }),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      await act(handle, action({ type: 'mediated-on-site', outcome: 'failed' }));
      expect(
        await rejection(act(handle, action({ type: 'security-mediation-recorded', cause: 'fight', agreement: 'reached', performBy: addDays(localDate(now), -1) }))),
      ).toBe('the agreed date is before the mediation');
      const performBy = addDays(localDate(now), 10);
      let v = await act(handle, action({ type: 'security-mediation-recorded', cause: 'fight', agreement: 'reached', performBy }));
      expect(obligation(v, 'agreement-performance', '1')).toMatchObject({ status: 'pending', dueAt: formatInstant(endOfDay(performBy)), article: '74' });
      expect(records(v).routes[0]).toMatchObject({ stage: 'agreement', securityMediation: { cause: 'fight', agreement: 'reached', performBy } });

      const checkedAt = await moment(endOfDay(performBy) - 5 * hour);
      v = await act(handle, action({ type: 'agreement-performance-checked', at: formatInstant(checkedAt), performed: true }));
      expect(obligation(v, 'agreement-performance', '1')).toMatchObject({ status: 'done', late: false });
      expect(obligation(v, 'follow-up-visit', '1').dueAt).toBe(within('within-days', checkedAt, 7).due);
      await act(handle, action({ type: 'follow-up-visited' }));
      v = await act(handle, action({ type: 'closed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'resolved' });
      expect(noticesOf(v, 'station-report')).toEqual([]);
      expect(escalationsOf(v)).toEqual([]);
    },
  );
});

test('public-security mediation without agreement, then an agreement not performed: each is reported to the station for handling by law; the case ends handed over', async () => {
  await withCase(
    (now) => disputeStart(now, { category: 'civil-other' }),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      let v = await act(handle, action({ type: 'security-mediation-recorded', cause: 'property-damage', agreement: 'not-reached' }));
      expect(noticesOf(v, 'station-report').map((n) => [n.recipient, n.article])).toEqual([['station', '74']]);
      expect(records(v).routes[0].stage).toBe('handed-over');

      // A new fight: mediated under public security again, on a route of its own.
      const performBy = addDays(localDate(now), 3);
      v = await act(handle, action({ type: 'security-mediation-recorded', cause: 'fight', agreement: 'reached', performBy }));
      expect(records(v).routes.map((r) => [r.no, r.stage])).toEqual([[1, 'handed-over'], [2, 'agreement']]);

      // Time-skip past the agreed date: the check is overdue and the station leader is told.
      const due = endOfDay(performBy);
      await skipTo(due);
      v = await view(handle);
      expect(obligation(v, 'agreement-performance', '2')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(due) });
      expect(noticesOf(v, 'overdue-escalation').map((n) => [n.obligationKey, n.recipient, n.createdAt])).toEqual([['agreement-performance', 'station-leader', formatInstant(due)]]);

      v = await act(handle, action({ type: 'agreement-performance-checked', performed: false }));
      expect(obligation(v, 'agreement-performance', '2')).toMatchObject({ status: 'done', late: true });
      expect(noticesOf(v, 'station-report').map((n) => n.recipient)).toEqual(['station', 'station']);
      v = await act(handle, action({ type: 'closed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'handed-over' });
      await settle(handle);
      const reports = (await noticeRows(handle.workflowId)).filter((r) => r.kind === 'station-report');
      expect(reports.map((r) => r.facts?.reason)).toEqual(['no agreement', 'agreement not performed']);
      expect(reports.map((r) => r.facts?.cause)).toEqual(['property-damage', 'fight']);
    },
  );
});

test('a diverted family dispute comes back as a repeated alarm: counted and marked, followed up, and once its risk is high reported to the superior organ', async () => {
  await withCase(
    (now) => disputeStart(now, { category: 'family', riskLevel: 'medium', parties: [{ name: '孙八', role: 'complainant' }, { name: '赵六', role: 'respondent' }] }),
    async (handle, _s, now) => {
      let v = await act(handle, action({ type: 'triaged', decision: 'divert', divertedTo: { kind: 'grass-roots-organisation', name: '某社区居民委员会' } }));
      expect(noticesOf(v, 'diversion').map((n) => n.recipient)).toEqual(['community-organisation']);

      const alarmAt = await moment(now + 2 * day);
      v = await act(handle, action({ type: 'repeat-alarm', at: formatInstant(alarmAt), alarmRef: 'JJ-2026-0001' }));
      expect(records(v)).toMatchObject({ repeatCount: 1, repeatMarkedAt: formatInstant(alarmAt) });
      expect(records(v).kpi.repeat).toEqual({ repeated: true, marked: true, markedAt: formatInstant(alarmAt) });
      // Two routes at once: the diversion still checked on, the repeated alarm to be followed up.
      expect(records(v).routes.map((r) => [r.no, r.kind, r.stage])).toEqual([[1, 'diversion', 'progress'], [2, 'repeat-alarm', 'follow-up']]);
      expect(obligation(v, 'follow-up-visit', '2').dueAt).toBe(within('within-days', alarmAt, 7).due);
      // Medium risk: no report upward yet.
      expect(v.obligations.filter((o) => o.key === 'superior-report')).toEqual([]);

      const raisedAt = await moment(alarmAt + 5 * hour);
      v = await act(handle, action({ type: 'risk-changed', at: formatInstant(raisedAt), riskLevel: 'high' }));
      expect(records(v).riskChanges).toEqual([{ from: 'medium', to: 'high', at: formatInstant(raisedAt), by: 'P-20931' }]);
      expect(obligation(v, 'superior-report', '1')).toMatchObject({ status: 'pending', article: '74(3)', dueAt: within('within-hours', raisedAt, 24).due });

      v = await act(handle, action({ type: 'superior-reported', documentRef: 'SB-2026-17' }));
      expect(obligation(v, 'superior-report', '1')).toMatchObject({ status: 'done', late: false });
      expect(noticesOf(v, 'superior-report').map((n) => [n.recipient, n.article])).toEqual([['superior-department', '74(3)']]);
      expect(await rejection(act(handle, action({ type: 'superior-reported' })))).toBe('no report to the superior public security organ is owed');

      await act(handle, action({ type: 'follow-up-visited' }));
      await act(handle, action({ type: 'progress-checked', outcome: 'resolved' }));
      v = await act(handle, action({ type: 'closed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'resolved' });
      expect(records(v).summary).toMatchObject({ repeatCount: 1, superiorReports: 1, riskLevel: 'high' });

      await settle(handle);
      const report = (await noticeRows(handle.workflowId)).find((r) => r.kind === 'superior-report')!;
      expect(report.facts).toMatchObject({ category: 'family', riskLevel: 'high', repeatCount: 1, documentRef: 'SB-2026-17' });
      expect(String(report.facts?.history)).toMatch(/diversion.*repeat-alarm.*risk-change \(medium→high\)/);
      expect(JSON.stringify(await noticeRows(handle.workflowId))).not.toMatch(names);
      expect(JSON.stringify(v)).not.toMatch(names);
    },
  );
});

test('three repeated alarms without resolution escalate to the basic control centre at the third, once', async () => {
  await withCase(
    (now) => disputeStart(now, { category: 'debt', riskLevel: 'low' }),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      await act(handle, action({ type: 'mediated-on-site', outcome: 'failed' }));
      let v: CaseView | undefined;
      for (const n of [1, 2]) {
        await skipTo(now + n * day);
        v = await act(handle, action({ type: 'repeat-alarm' }));
        expect(noticesOf(v, 'control-centre-escalation')).toEqual([]);
      }
      const thirdAt = await moment(now + 3 * day);
      v = await act(handle, action({ type: 'repeat-alarm', at: formatInstant(thirdAt) }));
      expect(records(v).repeatCount).toBe(3);
      const escalation = noticesOf(v, 'control-centre-escalation');
      expect(escalation.map((n) => [n.recipient, n.article])).toEqual([['control-centre', '105'], ['station-leader', '105']]);
      const escalatedAt = parseInstant(escalation[0].createdAt);
      expect(escalatedAt).toBeGreaterThanOrEqual(thirdAt);
      expect(escalatedAt).toBeLessThan(thirdAt + 60_000);
      expect(records(v).controlCentreEscalations).toEqual([{ trigger: 'repeat-alarms', at: escalation[0].createdAt }]);
      // Low risk: no report to the superior organ is owed.
      expect(v.obligations.filter((o) => o.key === 'superior-report')).toEqual([]);

      // Each alarm is followed up on its own route.
      expect(await rejection(act(handle, action({ type: 'follow-up-visited' })))).toBe('a follow-up visit is open on routes 2, 3, 4: name the route');
      v = await act(handle, action({ type: 'follow-up-visited', route: 3 }));
      expect(obligation(v, 'follow-up-visit', '3').status).toBe('done');

      v = await act(handle, action({ type: 'repeat-alarm' }));
      expect(records(v).repeatCount).toBe(4);
      expect(noticesOf(v, 'control-centre-escalation')).toHaveLength(2);
      await settle(handle);
      const row = (await noticeRows(handle.workflowId)).find((r) => r.kind === 'control-centre-escalation')!;
      expect(row.facts).toMatchObject({ trigger: 'repeat-alarms', category: 'debt', repeatCount: 3 });
    },
  );
});

test('a risk raised to major escalates to the control centre at once; lowering it is recorded and escalates nothing', async () => {
  await withCase(
    (now) => disputeStart(now, { category: 'civil-other', riskLevel: 'medium' }),
    async (handle) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      expect(await rejection(act(handle, action({ type: 'risk-changed', riskLevel: 'medium' })))).toBe('the risk is already medium');

      let v = await act(handle, action({ type: 'risk-changed', riskLevel: 'major' }));
      const change = records(v).steps.find((s) => s.step === 'risk-change')!;
      expect(change.outcome).toBe('medium→major');
      const escalation = noticesOf(v, 'control-centre-escalation');
      expect(escalation.map((n) => n.recipient)).toEqual(['control-centre', 'station-leader']);
      // At once: in the same instant as the officer's report of the new risk.
      expect(escalation.every((n) => n.createdAt === change.at)).toBe(true);
      expect(records(v).controlCentreEscalations).toEqual([{ trigger: 'major-risk', at: change.at }]);

      v = await act(handle, action({ type: 'risk-changed', riskLevel: 'low' }));
      expect(records(v).riskChanges.map((c) => `${c.from}→${c.to}`)).toEqual(['medium→major', 'major→low']);
      expect(noticesOf(v, 'control-centre-escalation')).toHaveLength(2);
      expect(records(v).riskLevel).toBe('low');
      await settle(handle);
      const rows = (await noticeRows(handle.workflowId)).filter((r) => r.kind === 'control-centre-escalation');
      expect(rows.map((r) => r.facts?.trigger)).toEqual(['major-risk', 'major-risk']);
    },
  );
});

test('a follow-up visit missed: overdue at its deadline with the station leader told, the supervisor 48 hours later; the late visit is recorded late and counts against Art. 76(1)', async () => {
  await withCase(
    (now) => disputeStart(now),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      const mediatedAt = await moment(now + hour);
      let v = await act(handle, action({ type: 'mediated-on-site', at: formatInstant(mediatedAt), outcome: 'resolved' }));
      const due = within('within-days', mediatedAt, 7).dueMs;

      await skipTo(due - 12 * hour);
      v = await view(handle);
      expect(noticesOf(v, 'reminder').filter((n) => n.obligationKey === 'follow-up-visit').map((n) => n.recipient)).toEqual(['officer']);
      expect(obligation(v, 'follow-up-visit', '1').status).toBe('pending');

      // Time-skip to the deadline: the visit is overdue, the station leader is told, the KPI counts it at once.
      await skipTo(due);
      v = await view(handle);
      expect(obligation(v, 'follow-up-visit', '1')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(due) });
      expect(noticesOf(v, 'overdue-escalation').map((n) => [n.obligationKey, n.recipient, n.createdAt])).toEqual([['follow-up-visit', 'station-leader', formatInstant(due)]]);
      expect(noticesOf(v, 'supervisor-escalation')).toEqual([]);
      expect(records(v).kpi.followUp).toMatchObject({ overdue: 1, onTimeSoFar: false });
      expect(v.overdueCount).toBe(1);

      await skipTo(due + 48 * hour);
      v = await view(handle);
      expect(noticesOf(v, 'supervisor-escalation').map((n) => [n.obligationKey, n.recipient, n.createdAt])).toEqual([
        ['follow-up-visit', 'supervisor', formatInstant(due + 48 * hour)],
      ]);

      v = await act(handle, action({ type: 'follow-up-visited' }));
      expect(obligation(v, 'follow-up-visit', '1')).toMatchObject({ status: 'done', late: true });
      v = await act(handle, action({ type: 'closed' }));
      expect(v).toMatchObject({ status: 'closed', outcome: 'resolved' });
      expect(records(v).kpi.followUp).toMatchObject({ owed: 1, onTime: 0, late: 1, overdue: 0, onTimeSoFar: false });
    },
  );
});

test('specific subjects: an alarm showing domestic violence makes the marking due within a day; marks go to the station by role and index, never by name', async () => {
  await withCase(
    (now) => disputeStart(now, { category: 'family' }),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      const alarmAt = await moment(now + 4 * hour);
      expect(await rejection(act(handle, action({ type: 'repeat-alarm', concerns: [{ party: 2, kind: 'domestic-violence' }] })))).toBe(
        'there is no party 2 (the case has 2)',
      );
      let v = await act(handle, action({ type: 'repeat-alarm', at: formatInstant(alarmAt), concerns: [{ party: 1, kind: 'domestic-violence' }] }));
      expect(obligation(v, 'specific-subject-mark', 'party-1')).toMatchObject({ status: 'pending', article: '75', dueAt: within('within-days', alarmAt, 1).due });
      expect(records(v).specificSubjects).toEqual([{ party: 1, role: 'respondent', flagged: ['domestic-violence'], marked: [], flaggedAt: formatInstant(alarmAt) }]);

      v = await act(handle, action({ type: 'specific-subject-marked', party: 1, kind: 'domestic-violence' }));
      expect(obligation(v, 'specific-subject-mark', 'party-1')).toMatchObject({ status: 'done', late: false });
      expect(await rejection(act(handle, action({ type: 'specific-subject-marked', party: 1, kind: 'domestic-violence' })))).toBe(
        'party 1 is already marked as domestic-violence',
      );
      // The officer finds the complainant threatening revenge and marks at once: nothing was owed.
      v = await act(handle, action({ type: 'specific-subject-marked', party: 0, kind: 'threatens-revenge' }));
      expect(noticesOf(v, 'specific-subject').map((n) => [n.recipient, n.article])).toEqual([['station', '75'], ['station', '75']]);
      expect(records(v).kpi.specificSubjects).toEqual({ found: 2, marked: 2, markedOnTime: 2 });

      await settle(handle);
      const marks = (await noticeRows(handle.workflowId)).filter((r) => r.kind === 'specific-subject');
      expect(marks.map((r) => r.facts)).toEqual([
        expect.objectContaining({ party: 1, role: 'respondent', specificSubject: 'domestic-violence' }),
        expect.objectContaining({ party: 0, role: 'complainant', specificSubject: 'threatens-revenge' }),
      ]);
      expect(JSON.stringify(marks)).not.toMatch(names);
      expect(JSON.stringify(v)).not.toMatch(names);
      const { rows } = await harness.pool.query('SELECT view FROM cases WHERE case_id = $1', [handle.workflowId]);
      expect(JSON.stringify(rows[0].view)).not.toMatch(names);
    },
  );
});

test('invalid actions are rejected with a reason and change nothing; a repeated actionId has no second effect', async () => {
  await withCase(
    (now) => disputeStart(now),
    async (handle) => {
      const before = await view(handle);
      expect(await rejection(act(handle, action({ type: 'mediated-on-site', outcome: 'resolved' })))).toBe('the dispute has not been triaged');
      expect(await rejection(act(handle, action({ type: 'closed' })))).toBe('the dispute has not been triaged');
      expect(await rejection(act(handle, action({ type: 'follow-up-visited' })))).toBe('no follow-up visit is open');
      expect(await rejection(act(handle, action({ type: 'agreement-performance-checked', performed: true })))).toBe('no agreement performance check is open');
      expect(await rejection(act(handle, action({ type: 'specific-subject-marked', party: 7, kind: 'mentally-ill-trouble' })))).toMatch(/no party 7/);
      expect(await view(handle)).toEqual(before);

      const triage = action({ type: 'triaged', decision: 'intervene' });
      const first = await act(handle, triage);
      expect(await act(handle, { ...triage })).toEqual(first);
      expect(await rejection(act(handle, action({ type: 'triaged', decision: 'intervene' })))).toBe('the dispute has already been triaged');
      expect(await rejection(act(handle, action({ type: 'follow-up-visited', route: 9 })))).toBe('there is no route 9');
      expect(await rejection(act(handle, action({ type: 'follow-up-visited', route: 1 })))).toBe('route 1 has no follow-up visit open (it is on-site)');
      expect(await view(handle)).toEqual(first);
      await settle(handle);
      const { rows } = await harness.pool.query('SELECT type FROM audit_log WHERE case_id = $1', [handle.workflowId]);
      expect(rows.map((r) => r.type)).toEqual(['triaged']);
    },
  );
});
