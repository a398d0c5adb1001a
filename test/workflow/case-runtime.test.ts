import { randomUUID } from 'node:crypto';
import { Client, type WorkflowHandle, WorkflowFailedError } from '@temporalio/client';
import type { BailStart } from '../../src/procedures/bail-surveillance/schema';
import type { DisputeRecords } from '../../src/procedures/dispute/descriptor';
import type { CaseActivities } from '../../activities';
import { type CaseView, calendarChangedSignal, caseStartRejected, submitActionUpdate } from '../../src/case/contract';
import { recordsBlockedSinceKey } from '../../src/domain/search-attributes';
import { addDays, addMonths, endOfDay, formatInstant, localDate, parseInstant, startOfDay } from '../../src/case/legal-time';
import { caseArgs } from '../../src/temporal/cases';
import { workflowTypes } from '../../src/procedures/index';
import { useCaseHarness } from '../support/case-harness';
import {
  act,
  action,
  bailStart,
  disputeStart,
  fakeActivities,
  hazardStart,
  inReminderWindow,
  noticesOf,
  obligation,
  realTime,
  rejection,
  sealedFor,
  settle,
  view,
} from '../support/cases';

// The case runtime, once for every procedure, on the time-skipping test server: timers firing at their instants, the
// Update path (validator, the same actionId answered once, across runs too), continue-as-new (by history size and
// every 30 days), the flush to PostgreSQL and a database that keeps failing. It runs on the bail procedure, with a
// dispute and a hazard where their shape shows more. The legal rules are the simulator's (test/simulator); each
// procedure's file here records its history for replay and what only it has on the server.

const hour = 3_600_000;
const day = 24 * hour;

const harness = useCaseHarness();

function withCase(
  start: (now: number) => BailStart,
  body: (handle: WorkflowHandle, s: BailStart, now: number) => Promise<void>,
  options: { maxHistoryEvents?: number; activities?: CaseActivities } = {},
): Promise<void> {
  return harness.withCase(start, body, options);
}

const skipTo = (at: number) => harness.skipTo(at);
const resultOf = (handle: WorkflowHandle) => harness.resultOf<CaseView>(handle);

const names = /王五|赵六|某小区/;
const iso = (ms: number) => new Date(ms).toISOString();
const disputeRecords = (v: CaseView) => v.records as DisputeRecords;

/** Skips to `at` in whole seconds and returns it, for an action reported as having happened then. */
async function moment(at: number): Promise<number> {
  const t = Math.floor(at / 1000) * 1000;
  await skipTo(t);
  return t;
}

/** The notices written through the noticeWritten activity, in order: kind, recipient, duty, instant (whole seconds). */
const written = (fakes: ReturnType<typeof fakeActivities>) =>
  fakes.noticeWritten.mock.calls.map(([n]) => [n.kind, n.recipient, n.obligationKey ?? null, Math.floor(n.createdAt / 1000) * 1000]);

test('timers fire on the server: reminder, overdue escalation and the supervisor escalation reach the notice activity at their times', async () => {
  const activities = fakeActivities();
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      let v = await act(handle, action({ type: 'subject-reported' }));
      const due = parseInstant(obligation(v, 'authority-feedback').dueAt);
      const written = () =>
        activities.noticeWritten.mock.calls
          .map(([n]) => n)
          .filter((n) => n.obligationKey === 'authority-feedback')
          .map((n) => `${n.kind} → ${n.recipient} @ ${formatInstant(n.createdAt)}`);

      await skipTo(due + 48 * hour);
      const reminded = activities.noticeWritten.mock.calls.map(([n]) => n).find((n) => n.obligationKey === 'authority-feedback');
      expect(inReminderWindow(reminded!.createdAt, due)).toBe(true);
      expect(written()).toEqual([
        `reminder → officer @ ${formatInstant(reminded!.createdAt)}`,
        `overdue-escalation → station-leader @ ${formatInstant(due)}`,
        `supervisor-escalation → supervisor @ ${formatInstant(due + 48 * hour)}`,
      ]);
      v = await act(handle, action({ type: 'feedback-sent' }));
      expect(obligation(v, 'authority-feedback')).toMatchObject({ status: 'done', late: true });
      await settle(handle);
      expect(activities.actionRecorded.mock.calls.map(([entry]) => entry.type)).toEqual(['subject-reported', 'feedback-sent']);
      // The read model is written with the revision that grows with every change.
      const revisions = activities.caseSaved.mock.calls.map(([input]) => input.revision);
      expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
    },
    { activities },
  );
});

test('invalid actions are rejected with a reason and change nothing; a repeated actionId is answered without a second effect', async () => {
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      const before = await view(handle);
      expect(await rejection(act(handle, action({ type: 'feedback-sent' })))).toMatch(/after the subject has reported/);
      expect(await rejection(act(handle, action({ type: 'rules-explained' })))).toMatch(/not reported yet/);
      expect(await rejection(act(handle, action({ type: 'authority-decided', decision: 'revoked', at: '2099-01-01T00:00:00+08:00' })))).toMatch(
        /future/,
      );
      expect(await view(handle)).toEqual(before);

      const report = action({ type: 'subject-reported' });
      const first = await act(handle, report);
      // A retried request carries the same actionId as its Update id: the server answers with the first result.
      expect(await act(handle, { ...report })).toEqual(first);
      // After continue-as-new the server no longer remembers the Update id; the case itself does.
      const again = await handle.executeUpdate(submitActionUpdate, { args: [sealedFor(handle, report)], updateId: randomUUID() });
      expect(again.duplicate).toBe(true);
      expect(again.obligations).toEqual(first.obligations);
      expect(await rejection(act(handle, { ...report, at: formatInstant(Date.now() - day) }))).toMatch(/already used/);
      expect(await rejection(act(handle, action({ type: 'subject-reported' })))).toMatch(/already reported/);
      const { rows } = await harness.pool.query('SELECT type FROM audit_log WHERE case_id = $1', [handle.workflowId]);
      expect(rows.map((r) => r.type)).toEqual(['subject-reported']);
    },
  );
});

test('only the API can send an action: one in the clear (around the API, no key) or sealed for another case is refused and writes nothing; a calendar in the clear is ignored; the case goes on; a case started in the clear does not begin', async () => {
  const fakes = fakeActivities();
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      const before = await view(handle);
      // What the `temporal` CLI sends to the frontend: JSON in the clear, under the case's real id.
      const outsider = new Client({ connection: harness.env.connection, namespace: 'default' }).workflow.getHandle(handle.workflowId);
      const forged = { ...action({ type: 'subject-reported', actor: 'FORGED-ACTOR' }), caseId: handle.workflowId };
      expect(await rejection(outsider.executeUpdate(submitActionUpdate, { args: [forged] }))).toBe(
        '操作未经 API 提交，不予受理 (the action did not come through the API)',
      );
      await outsider.signal(calendarChangedSignal, { year: 2030, version: 99, holidays: [], workdays: [] } as never);
      // Sealed, but for another case (copied from its history): refused too.
      const elsewhere = { ...action({ type: 'subject-reported' }), caseId: 'bail-surveillance:ANOTHER' };
      expect(await rejection(handle.executeUpdate(submitActionUpdate, { args: [elsewhere] }))).toBe(
        '操作不属于本案件 (the action was sealed for bail-surveillance:ANOTHER)',
      );
      expect(await view(handle)).toEqual(before);

      const reported = await act(handle, action({ type: 'subject-reported' }));
      expect(obligation(reported, 'subject-report').status).toBe('done');
      await settle(handle);
      expect(fakes.actionRecorded.mock.calls.map(([entry]) => [entry.type, entry.actor])).toEqual([['subject-reported', 'P-20931']]);
      const events = (await handle.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
      expect(events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);

      // A case started in the clear on the same task queue (`temporal workflow start` around the API) does not begin.
      const { taskQueue } = await handle.describe();
      const forgedStart = bailStart(Date.now());
      const started = await new Client({ connection: harness.env.connection, namespace: 'default' }).workflow.start(
        workflowTypes['bail-surveillance'],
        {
          taskQueue,
          workflowId: `bail-surveillance:${forgedStart.caseNumber}`,
          args: [caseArgs(forgedStart)],
        },
      );
      const failure = await started.result().catch((err: unknown) => err);
      expect((failure as WorkflowFailedError).cause).toMatchObject({
        type: caseStartRejected,
        message: 'the case cannot start: its start did not come through the API',
      });
    },
    { activities: fakes },
  );
});

test('a 6-month residential surveillance runs to its end with every monthly check, across continue-as-new, none lost or repeated', async () => {
  await withCase(
    (now) => {
      const termStart = localDate(now);
      return bailStart(now, {
        measure: 'residential-surveillance',
        guarantee: undefined,
        termStart,
        termEnd: addDays(addMonths(termStart, 6), -1),
      });
    },
    async (handle, s) => {
      await act(handle, action({ type: 'subject-reported' }));
      await act(handle, action({ type: 'rules-explained' }));
      await act(handle, action({ type: 'feedback-sent' }));
      const months: string[] = [];
      for (let m = s.termStart.slice(0, 7); m <= s.termEnd.slice(0, 7); m = addMonths(`${m}-01`, 1).slice(0, 7)) months.push(m);
      const reportOpens = parseInstant(obligation(await view(handle), 'expiry-report').opensAt!);
      let checked = 0;
      let reported = false;
      for (const month of months) {
        // Wait into the month (its duty opens on the 1st), then the officer records the check.
        const next = Math.max(startOfDay(`${month}-01`), await harness.now()) + 10 * hour;
        if (!reported && reportOpens + 10 * hour <= next) {
          // The expiry report's window has opened: the officer visits the subject and reports to the authority.
          await skipTo(reportOpens + 10 * hour);
          await act(handle, action({ type: 'visited-in-full' }));
          const v = await act(handle, action({ type: 'expiry-report-sent' }));
          expect(obligation(v, 'expiry-report')).toMatchObject({ status: 'done', late: false });
          reported = true;
          await skipTo(next);
        } else {
          await skipTo(next);
        }
        const v = await act(handle, action({ type: 'compliance-checked', month, compliant: true }));
        expect(obligation(v, 'compliance-check', month)).toMatchObject({ status: 'done', late: false });
        if (!reported) checked++;
      }
      await skipTo(endOfDay(s.termEnd) - 2 * hour);
      let v = await act(handle, action({ type: 'authority-decided', decision: 'case-closed' }));
      v = (await resultOf(handle)) as CaseView;
      const checks = v.obligations.filter((o) => o.key === 'compliance-check');
      expect(checks.map((c) => c.period)).toEqual(months);
      expect(checks.every((c) => c.status === 'done' && !c.late)).toBe(true);
      expect(v.run).toBeGreaterThanOrEqual(2);
      expect(noticesOf(v, 'expiry-notice')).toEqual([]);
      expect(noticesOf(v, 'expiry-report')).toHaveLength(1);
      expect(obligation(v, 'half-yearly-visit', '1')).toMatchObject({ status: 'done', late: false });
      expect(v.notices.filter((n) => n.kind === 'overdue-escalation')).toEqual([]);
      const { rows: reports } = await harness.pool.query(`SELECT facts FROM notices WHERE case_id = $1 AND kind = 'expiry-report'`, [
        handle.workflowId,
      ]);
      expect(reports.map((r) => [r.facts.complianceChecks, r.facts.fullVisits])).toEqual([[checked, 1]]);
      const { rows } = await harness.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE case_id = $1 AND type = 'compliance-checked'", [
        handle.workflowId,
      ]);
      expect(rows[0].n).toBe(months.length);
    },
    { maxHistoryEvents: 40 },
  );
}, 300_000);

test('actions that arrive while the case is writing its records still get every notice written, even the one that closes it', async () => {
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      const send = (a: ReturnType<typeof action>) => handle.executeUpdate(submitActionUpdate, { args: [sealedFor(handle, a)], updateId: a.actionId });
      await send(action({ type: 'violation-reported', by: 'subject', description: '未按时报到' }));
      await send(action({ type: 'violation-reported', by: 'guarantor', description: '保证人失联' }));
      await send(action({ type: 'authority-decided', decision: 'revoked' }));
      const result = (await resultOf(handle)) as CaseView;
      expect(noticesOf(result, 'violation')).toHaveLength(2);
      const { rows } = await harness.pool.query('SELECT kind, recipient FROM notices WHERE case_id = $1', [handle.workflowId]);
      expect(rows).toEqual([
        { kind: 'violation', recipient: 'decision-authority' },
        { kind: 'violation', recipient: 'decision-authority' },
      ]);
    },
  );
});

test('a start that passed no API and that the procedure cannot begin fails the case with the reason, not its workflow task forever', async () => {
  await withCase(
    (now) => ({ ...bailStart(now), reportBy: 'not a time' }),
    async (handle) => {
      const failure = await harness.resultOf(handle).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause).toMatchObject({
        type: caseStartRejected,
        message: expect.stringMatching(/^the case cannot start: /),
      });
      const { events } = await handle.fetchHistory();
      expect(events?.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
    },
    { activities: fakeActivities() },
  );
});

test('a database that keeps failing delays the records, never the deadlines; the case says since when, then catches up without a duplicate', async () => {
  let down = true;
  const written: string[] = [];
  const activities = fakeActivities();
  activities.noticeWritten.mockImplementation(async (notice) => {
    if (down) throw new Error('connection refused');
    written.push(notice.key);
  });
  activities.actionRecorded.mockImplementation(async (entry) => {
    if (down) throw new Error('connection refused');
    written.push(`audit/${entry.actionId}`);
  });
  activities.caseSaved.mockImplementation(async () => {
    if (down) throw new Error('connection refused');
    return { saved: true, newerCalendarYears: [] };
  });
  await withCase(
    (now) => bailStart(now),
    async (handle) => {
      const reported = action({ type: 'subject-reported' });
      let v = await act(handle, reported);
      const due = parseInstant(obligation(v, 'authority-feedback').dueAt);

      // Time-skip to 48 h after the feedback deadline with every write failing: the deadlines were kept all the same.
      await skipTo(due + 48 * hour);
      v = await view(handle);
      expect(obligation(v, 'authority-feedback')).toMatchObject({ status: 'overdue', overdueAt: formatInstant(due) });
      expect(noticesOf(v, 'supervisor-escalation').filter((n) => n.obligationKey === 'authority-feedback')).toEqual([
        expect.objectContaining({ recipient: 'supervisor', createdAt: formatInstant(due + 48 * hour) }),
      ]);
      expect(v.recordsBlockedSince).toBeDefined();
      expect(parseInstant(v.recordsBlockedSince!)).toBeLessThan(due);
      expect((await handle.describe()).typedSearchAttributes.get(recordsBlockedSinceKey)).toBeInstanceOf(Date);
      expect(written).toEqual([]);

      // The database is back: within the longest back-off every record is written, each once, and the flag is gone.
      down = false;
      await skipTo(due + 50 * hour);
      await settle(handle);
      v = await view(handle);
      expect(v.recordsBlockedSince).toBeUndefined();
      expect((await handle.describe()).typedSearchAttributes.get(recordsBlockedSinceKey)).toBeUndefined();
      expect(new Set(written).size).toBe(written.length);
      expect(written.filter((k) => !k.startsWith('audit/'))).toHaveLength(v.notices.length);
      expect(written).toContain(`audit/${reported.actionId}`);

      // Down again: an action is accepted and its record blocked after the short retries. Back up, the next action
      // writes both at once, without waiting out the back-off (no time skipped).
      down = true;
      const explained = action({ type: 'rules-explained' });
      await act(handle, explained);
      await skipTo(due + 50 * hour + 10_000);
      expect((await view(handle)).recordsBlockedSince).toBeDefined();
      down = false;
      const violation = action({ type: 'violation-reported', by: 'subject', description: '未按规定报告' });
      await act(handle, violation);
      // The test server's clock stands still while the test only asks (no skip, no result awaited): the back-off cannot run out.
      for (let look = 0; look < 40 && (await view(handle)).recordsBlockedSince !== undefined; look++) await realTime(250);
      expect((await view(handle)).recordsBlockedSince).toBeUndefined();
      expect(written).toEqual(expect.arrayContaining([`audit/${explained.actionId}`, `audit/${violation.actionId}`]));
      expect(new Set(written).size).toBe(written.length);
    },
    { activities },
  );
}, 180_000);

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
      const again = await handle.executeUpdate(submitActionUpdate, { args: [sealedFor(handle, alarm)], updateId: randomUUID() });
      expect(again.duplicate).toBe(true);
      expect(disputeRecords(again).repeatCount).toBe(1);

      await act(handle, action({ type: 'superior-reported' }));
      await act(handle, action({ type: 'follow-up-visited' }));
      await act(handle, action({ type: 'progress-checked', outcome: 'resolved' }));
      await act(handle, action({ type: 'follow-up-visited' }));
      await act(handle, action({ type: 'closed' }));
      const result = await resultOf(handle);
      expect(result).toMatchObject({ status: 'closed', outcome: 'resolved' });
      expect(result.run).toBeGreaterThanOrEqual(2);
      expect(disputeRecords(result).summary?.routes).toEqual([
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

test('No run lives longer than 30 days: a case with nothing due for two months continues as new on day 30, its deadlines as they were', async () => {
  const activities = fakeActivities();
  await harness.withCase(
    (now) => ({ ...hazardStart(now), rectifyBy: addDays(localDate(now), 70) }),
    async (handle, _s, started) => {
      await act(handle, action({ type: 'filed', filingNumber: 'BA-2026-0921' }));
      const due = obligation(await view(handle), 'reinspection', 'round-1').dueAt;

      await harness.skipTo(started + 29 * day);
      expect((await view(handle)).run).toBe(0);
      await harness.skipTo(started + 30 * day + hour);
      const renewed = await view(handle);
      expect(renewed.run).toBe(1);
      expect(obligation(renewed, 'reinspection', 'round-1')).toMatchObject({ status: 'pending', dueAt: due });
      await harness.skipTo(started + 60 * day + hour);
      expect((await view(handle)).run).toBe(2);
      // The renewals wrote nothing: the filing's notice to the station is all, none before the re-inspection's time.
      expect(written(activities).map(([kind, recipient]) => `${kind}→${recipient}`)).toEqual(['filing→station']);
    },
    { activities },
  );
});
