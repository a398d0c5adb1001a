import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type CaseView, submitActionUpdate } from '../../src/case/contract';
import type { DisputeRecords } from '../../src/procedures/dispute/descriptor';
import type { DisputeStart } from '../../src/procedures/dispute/schema';
import { useCaseHarness } from '../support/case-harness';
import { act, action, fakeActivities, obligation, rejection, settle, view } from '../support/cases';

// The legal paths of the dispute procedure are tested on the simulator (test/simulator/dispute.test.ts). Here: what
// only Temporal shows — timers on the test server, the Update's validator over the wire, the outbox activities,
// continue-as-new — with dates laid out from the test server's clock.

const hour = 3_600_000;
const day = 24 * hour;
const names = /王五|赵六|某小区/;

const harness = useCaseHarness();

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
    occurredAt: new Date(now - 2 * hour).toISOString(),
    riskLevel: 'medium',
    relatedCaseNumbers: [],
    ...overrides,
  };
}

type Fakes = ReturnType<typeof fakeActivities>;

const skipTo = (at: number) => harness.skipTo(at);
const resultOf = (handle: WorkflowHandle) => harness.resultOf<CaseView>(handle);
const records = (v: CaseView) => v.records as DisputeRecords;
const iso = (ms: number) => new Date(ms).toISOString();

/** Skips to `at` in whole seconds and returns it, for an action reported as having happened then. */
async function moment(at: number): Promise<number> {
  const t = Math.floor(at / 1000) * 1000;
  await skipTo(t);
  return t;
}

/** The notices written through the noticeWritten activity, in order: kind, recipient, duty, instant (whole seconds). */
const written = (fakes: Fakes) =>
  fakes.noticeWritten.mock.calls.map(([n]) => [n.kind, n.recipient, n.obligationKey ?? null, Math.floor(n.createdAt / 1000) * 1000]);

/** The failure the Update's validator sent back over the wire. */
async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause;
    throw err;
  }
  throw new Error('the action was accepted');
}

test('on-site mediation resolved, visited four days before the deadline (before any reminder), closed: the workflow returns the closed case; only its actions and read model were written (history dispute-resolved-on-site)', async () => {
  const fakes = fakeActivities();
  await harness.withCase(
    (now) => disputeStart(now),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      const mediatedAt = await moment(now + 2 * hour);
      const v = await act(handle, action({ type: 'mediated-on-site', at: iso(mediatedAt), outcome: 'resolved' }));
      const visitDue = Date.parse(obligation(v, 'follow-up-visit', '1').dueAt);

      // Before half of the visit's 7 days have passed: no reminder is owed yet (it comes in the second half).
      await skipTo(visitDue - 4 * day);
      await act(handle, action({ type: 'follow-up-visited' }));
      await act(handle, action({ type: 'closed' }));
      const result = await resultOf(handle);
      expect(result).toMatchObject({ status: 'closed', outcome: 'resolved' });
      await harness.recordHistory(handle, 'dispute-resolved-on-site');
      expect(obligation(result, 'follow-up-visit', '1')).toMatchObject({ status: 'done', late: false });

      expect(fakes.noticeWritten).not.toHaveBeenCalled();
      expect(fakes.actionRecorded.mock.calls.map(([entry]) => entry.type)).toEqual(['triaged', 'mediated-on-site', 'follow-up-visited', 'closed']);
      expect(fakes.caseSaved.mock.calls.at(-1)?.[0].view).toMatchObject({ status: 'closed', outcome: 'resolved' });
    },
    { activities: fakes },
  );
});

test('timers on the test server: time-skip 24 h past a repeated alarm on a high-risk family dispute, the unmade superior report is overdue and the station leader told; 48 h more, the supervisor; no notice carries a name', async () => {
  const fakes = fakeActivities();
  await harness.withCase(
    (now) => disputeStart(now, { category: 'family', riskLevel: 'high' }),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      const alarmAt = await moment(now + hour);
      await act(handle, action({ type: 'repeat-alarm', at: iso(alarmAt), concerns: [{ party: 1, kind: 'domestic-violence' }] }));
      await act(handle, action({ type: 'specific-subject-marked', party: 1, kind: 'domestic-violence' }));
      await settle(handle);
      expect(written(fakes)).toEqual([['specific-subject', 'station', null, expect.any(Number)]]);

      const due = alarmAt + 24 * hour;
      await skipTo(due - 60_000);
      await view(handle);
      expect(written(fakes)).toHaveLength(1);

      await skipTo(due);
      let v = await view(handle);
      expect(obligation(v, 'superior-report', '1').status).toBe('overdue');
      expect(written(fakes).slice(1)).toEqual([['overdue-escalation', 'station-leader', 'superior-report', due]]);

      await skipTo(due + 48 * hour);
      await view(handle);
      expect(written(fakes).slice(2)).toEqual([['supervisor-escalation', 'supervisor', 'superior-report', due + 48 * hour]]);

      v = await act(handle, action({ type: 'superior-reported', documentRef: 'SB-2026-17' }));
      expect(obligation(v, 'superior-report', '1')).toMatchObject({ status: 'done', late: true });
      await settle(handle);
      const report = fakes.noticeWritten.mock.calls.at(-1)![0];
      expect(report).toMatchObject({ kind: 'superior-report', recipient: 'superior-police', caseId: handle.workflowId });
      expect(report.facts).toMatchObject({ category: 'family', riskLevel: 'high', repeatCount: 1, documentRef: 'SB-2026-17' });

      expect(JSON.stringify(fakes.noticeWritten.mock.calls)).not.toMatch(names);
      expect(JSON.stringify(fakes.caseSaved.mock.calls)).not.toMatch(names);
      expect(JSON.stringify(fakes.actionRecorded.mock.calls)).not.toMatch(names);
    },
    { activities: fakes },
  );
});

test('the Update validator rejects over the wire as ActionRejected with its reason and changes nothing; the same actionId is answered with the first result, even under a new Update id', async () => {
  const fakes = fakeActivities();
  await harness.withCase(
    (now) => disputeStart(now),
    async (handle) => {
      const before = await view(handle);
      expect(await failureOf(act(handle, action({ type: 'mediated-on-site', outcome: 'resolved' })))).toMatchObject({
        type: 'ActionRejected',
        message: 'the dispute has not been triaged',
      });
      expect(await rejection(act(handle, action({ type: 'closed' })))).toBe('the dispute has not been triaged');
      expect(await rejection(act(handle, action({ type: 'follow-up-visited' })))).toBe('no follow-up visit is open');
      expect(await rejection(act(handle, action({ type: 'triaged', decision: 'intervene', at: '2099-01-01T00:00:00+08:00' })))).toBe(
        '`at` is in the future',
      );
      expect(await view(handle)).toEqual(before);

      const triage = action({ type: 'triaged', decision: 'intervene' });
      const first = await act(handle, triage);
      expect(await act(handle, { ...triage })).toEqual(first);
      const again = await handle.executeUpdate(submitActionUpdate, { args: [{ ...triage }], updateId: randomUUID() });
      expect(again.duplicate).toBe(true);
      expect(
        await failureOf(act(handle, action({ ...triage, decision: 'divert', divertedTo: { kind: 'department', name: '某区民政局' } }))),
      ).toMatchObject({
        type: 'ActionIdReused',
      });
      expect(await rejection(act(handle, action({ type: 'triaged', decision: 'intervene' })))).toBe('the dispute has already been triaged');
      await settle(handle);
      expect(fakes.actionRecorded.mock.calls.map(([entry]) => entry.type)).toEqual(['triaged']);
    },
    { activities: fakes },
  );
});

test('the outbox in PostgreSQL: a diverted family dispute’s notices are written once each with their facts; notices, read model and audit log carry no name', async () => {
  await harness.withCase(
    (now) => disputeStart(now, { category: 'family', riskLevel: 'high' }),
    async (handle) => {
      await act(handle, action({ type: 'triaged', decision: 'divert', divertedTo: { kind: 'grass-roots-organisation', name: '某社区居民委员会' } }));
      await act(handle, action({ type: 'repeat-alarm', alarmRef: 'JJ-2026-0001', concerns: [{ party: 1, kind: 'domestic-violence' }] }));
      await act(handle, action({ type: 'specific-subject-marked', party: 1, kind: 'domestic-violence' }));
      const v = await act(handle, action({ type: 'superior-reported', documentRef: 'SB-2026-17' }));
      await settle(handle);

      const { rows } = await harness.pool.query('SELECT notice_key, kind, recipient, facts FROM notices WHERE case_id = $1 ORDER BY id', [
        handle.workflowId,
      ]);
      expect(rows.map((r) => [r.kind, r.recipient])).toEqual([
        ['diversion', 'community-organisation'],
        ['specific-subject', 'station'],
        ['superior-report', 'superior-police'],
      ]);
      expect(rows).toHaveLength(v.notices.length);
      expect(rows[0].facts).toEqual({ category: 'family', riskLevel: 'high', repeatCount: 0, divertedTo: '某社区居民委员会' });
      expect(rows[1].facts).toMatchObject({ party: 1, role: 'respondent', specificSubject: 'domestic-violence' });
      expect(rows[2].facts).toMatchObject({ category: 'family', riskLevel: 'high', repeatCount: 1, documentRef: 'SB-2026-17' });
      expect(String(rows[2].facts.history)).toMatch(/^triage \(divert\); diversion \(grass-roots-organisation\); repeat-alarm \(repeat 1\)/);

      const caseRow = await harness.pool.query('SELECT view FROM cases WHERE case_id = $1', [handle.workflowId]);
      const audit = await harness.pool.query("SELECT type, payload FROM audit_log WHERE case_id = $1 AND kind = 'action' ORDER BY id", [
        handle.workflowId,
      ]);
      expect(audit.rows.map((r) => r.type)).toEqual(['triaged', 'repeat-alarm', 'specific-subject-marked', 'superior-reported']);
      expect(JSON.stringify([rows, caseRow.rows, audit.rows])).not.toMatch(names);
    },
  );
});

test('continue-as-new of a dispute (forced at 30 history events): the case runs on across runs, its timer fires once, an accepted action is not applied again, every notice and action is written once', async () => {
  const fakes = fakeActivities();
  await harness.withCase(
    (now) => disputeStart(now, { category: 'family', riskLevel: 'high' }),
    async (handle, _s, now) => {
      await act(handle, action({ type: 'triaged', decision: 'intervene' }));
      await act(handle, action({ type: 'mediated-on-site', outcome: 'failed' }));
      const alarmAt = await moment(now + hour);
      const alarm = action({ type: 'repeat-alarm', at: iso(alarmAt) });
      await act(handle, alarm);
      await act(handle, action({ type: 'referred', to: 'people-mediation', venue: 'station-mediation-room', legalEducation: true }));

      const due = alarmAt + 24 * hour;
      await skipTo(due);
      const v = await view(handle);
      expect(v.run).toBeGreaterThanOrEqual(1);
      expect(obligation(v, 'superior-report', '1').status).toBe('overdue');
      const again = await handle.executeUpdate(submitActionUpdate, { args: [{ ...alarm }], updateId: randomUUID() });
      expect(again.duplicate).toBe(true);
      expect(records(again).repeatCount).toBe(1);

      await act(handle, action({ type: 'superior-reported' }));
      await act(handle, action({ type: 'follow-up-visited' }));
      await act(handle, action({ type: 'progress-checked', outcome: 'resolved' }));
      await act(handle, action({ type: 'follow-up-visited' }));
      await act(handle, action({ type: 'closed' }));
      const result = await resultOf(handle);
      expect(result).toMatchObject({ status: 'closed', outcome: 'resolved' });
      expect(result.run).toBeGreaterThanOrEqual(2);
      expect(records(result).summary?.routes).toEqual([
        'route 1 intervention: on-site-mediation (failed) → referral (people-mediation @ station-mediation-room) → progress-check (resolved) → follow-up-visit ⇒ resolved',
        'route 2 repeat-alarm: repeat-alarm (repeat 1) → repeat-marked → follow-up-visit ⇒ followed-up',
      ]);

      expect(written(fakes).filter(([kind]) => kind !== 'superior-report')).toEqual([
        ['overdue-escalation', 'station-leader', 'superior-report', due],
      ]);
      const keys = fakes.noticeWritten.mock.calls.map(([n]) => n.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(fakes.actionRecorded.mock.calls.map(([entry]) => entry.type)).toEqual([
        'triaged',
        'mediated-on-site',
        'repeat-alarm',
        'referred',
        'superior-reported',
        'follow-up-visited',
        'progress-checked',
        'follow-up-visited',
        'closed',
      ]);
    },
    { activities: fakes, maxHistoryEvents: 30 },
  );
});
