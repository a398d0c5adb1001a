import type { CalendarYear } from '../../src/case/calendar';
import type { DisputeRecords } from '../../src/procedures/dispute/descriptor';
import { SimulatedCase } from '../support/simulator';

// Every date is pinned in 2026 (built-in calendar: Mid-Autumn 09-25…09-27, National Day 10-01…10-07, make-up
// workdays 09-20 and 10-10); 2027 has no built-in data. 2026-03-02 is a Monday.

const names = /王五|赵六|孙八|某小区/;

function dispute(at: string, overrides: Record<string, unknown> = {}, policy?: Record<string, number>) {
  return SimulatedCase.start(
    {
      procedure: 'dispute',
      caseNumber: 'JF-2026-0302',
      stationId: 'S-01',
      officerId: 'P-20931',
      source: 'alarm',
      category: 'neighbour',
      parties: [
        { name: '王五', role: 'complainant' },
        { name: '赵六', role: 'respondent' },
      ],
      place: '某小区3栋2单元楼道',
      occurredAt: at,
      riskLevel: 'medium',
      ...overrides,
    },
    at,
    undefined,
    policy,
  );
}

/** A dispute that arrived at `at` and was taken on by the officer half an hour later. */
function intervening(at: string, overrides: Record<string, unknown> = {}, policy?: Record<string, number>) {
  const c = dispute(at, overrides, policy);
  c.advanceHours(0.5).act('triaged', { decision: 'intervene' });
  return c;
}

const records = (c: SimulatedCase) => c.view().records as DisputeRecords;
const about = (c: SimulatedCase, key: string, kind: string) =>
  c
    .notices(kind)
    .filter((n) => n.obligationKey === key)
    .map((n) => `${n.recipient} ${n.createdAt}${n.period ? ` (${n.period})` : ''}`);

const calendar2027: CalendarYear = {
  year: 2027,
  source: 'State Council schedule 2027',
  version: 1,
  holidays: [{ from: '2027-01-01', to: '2027-01-03', name: 'New Year 元旦' }],
  workdays: [],
};
const loaded2027 = 'working-day calendar 2027 version 1 loaded (State Council schedule 2027)';

describe('triage (Art. 74): the dispute is triaged within 24 hours of its arrival (station policy)', () => {
  test('arrived Monday 09:00, triaged at 12:00: on time; a 24-hour duty declared at once has no reminder', () => {
    const c = dispute('2026-03-02T09:00:00+08:00');
    expect(c.obligation('triage')).toMatchObject({ status: 'pending', article: '74', responsible: 'officer', dueAt: '2026-03-03T09:00:00+08:00' });
    c.advanceTo('2026-03-02T12:00:00+08:00').act('triaged', { decision: 'intervene' });
    expect(c.obligation('triage')).toMatchObject({ status: 'done', late: false, completedAt: '2026-03-02T12:00:00+08:00', completedBy: 'P-20931' });
    expect(records(c).triage).toEqual({ decision: 'intervene', at: '2026-03-02T12:00:00+08:00' });
    c.advanceTo('2026-03-06T00:00:00+08:00');
    expect(c.notices()).toEqual([]);
  });

  test('late: triaged Tuesday 10:00, an hour after the deadline: done, late; the station leader had been told at 09:00', () => {
    const c = dispute('2026-03-02T09:00:00+08:00').advanceTo('2026-03-03T08:59:59+08:00');
    expect(c.notices()).toEqual([]);
    c.advanceTo('2026-03-03T10:00:00+08:00').act('triaged', { decision: 'intervene' });
    expect(c.obligation('triage')).toMatchObject({ status: 'done', late: true, overdueAt: '2026-03-03T09:00:00+08:00' });
    expect(about(c, 'triage', 'overdue-escalation')).toEqual(['station-leader 2026-03-03T09:00:00+08:00']);
    c.advanceTo('2026-03-06T00:00:00+08:00');
    expect(c.notices('supervisor-escalation')).toEqual([]);
  });

  test('missed: overdue Tuesday 09:00 to the station leader, Thursday 09:00 to the supervisor, and to no one else', () => {
    const c = dispute('2026-03-02T09:00:00+08:00').advanceTo('2026-03-05T08:59:59+08:00');
    expect(c.obligation('triage')).toMatchObject({ status: 'overdue', overdueAt: '2026-03-03T09:00:00+08:00' });
    expect(c.notices('supervisor-escalation')).toEqual([]);
    c.advanceTo('2026-03-09T00:00:00+08:00');
    expect(c.sent('overdue-escalation')).toEqual(['station-leader 2026-03-03T09:00:00+08:00']);
    expect(c.sent('supervisor-escalation')).toEqual(['supervisor 2026-03-05T09:00:00+08:00']);
    expect(c.notices().map((n) => n.kind)).toEqual(['overdue-escalation', 'supervisor-escalation']);
    expect(c.view().overdueCount).toBe(1);
  });

  test('hours are counted exactly: arrived 2026-12-31 09:00, due 2027-01-01 09:00, and loading 2027 with New Year off does not move it', () => {
    const c = dispute('2026-12-31T09:00:00+08:00');
    expect(c.obligation('triage').dueAt).toBe('2027-01-01T09:00:00+08:00');
    expect(c.view().warnings).toEqual([]);
    c.advanceTo('2026-12-31T10:00:00+08:00').loadCalendar(calendar2027);
    expect(c.obligation('triage')).toMatchObject({ dueAt: '2027-01-01T09:00:00+08:00', changes: undefined });
  });
});

describe('diversion (Art. 74) and progress-check (Art. 75): a non-police matter goes elsewhere and is checked on every 7 days until resolved', () => {
  test('to a department on Monday 03-02: the township government is told at once; checks due 03-09 and, after an ongoing one, 03-16; resolved 03-13, no visit owed', () => {
    const c = dispute('2026-03-02T09:00:00+08:00', { category: 'debt', source: 'referral' });
    c.advanceTo('2026-03-02T12:00:00+08:00').act('triaged', { decision: 'divert', divertedTo: { kind: 'department', name: '某区市场监督管理局' } });
    expect(c.notices('diversion')).toEqual([
      expect.objectContaining({
        recipient: 'township-government',
        article: '74',
        createdAt: '2026-03-02T12:00:00+08:00',
        facts: { category: 'debt', riskLevel: 'medium', repeatCount: 0, divertedTo: '某区市场监督管理局' },
      }),
    ]);
    expect(records(c).routes).toEqual([
      expect.objectContaining({ no: 1, kind: 'diversion', stage: 'progress', divertedTo: { kind: 'department', name: '某区市场监督管理局' } }),
    ]);
    expect(c.obligation('progress-check', '1.1')).toMatchObject({ status: 'pending', article: '75', dueAt: '2026-03-09T23:59:59+08:00' });

    c.advanceTo('2026-03-09T10:00:00+08:00');
    expect(about(c, 'progress-check', 'reminder')).toEqual(['officer 2026-03-06T10:59:00+08:00 (1.1)']);
    c.act('progress-checked', { outcome: 'ongoing' });
    expect(c.obligation('progress-check', '1.1')).toMatchObject({ status: 'done', late: false });
    expect(c.obligation('progress-check', '1.2')).toMatchObject({ status: 'pending', dueAt: '2026-03-16T23:59:59+08:00' });

    expect(c.rejection('progress-checked', { outcome: 'failed' })).toBe(
      'a diverted dispute is checked on until it is resolved (Art. 75): the outcome is ongoing or resolved',
    );
    c.advanceTo('2026-03-13T15:00:00+08:00').act('progress-checked', { outcome: 'resolved' });
    expect(records(c).routes[0]).toMatchObject({ stage: 'resolved', endedAt: '2026-03-13T15:00:00+08:00', progressChecks: 2 });
    expect(c.view().obligations.map((o) => `${o.key} ${o.period ?? ''} ${o.status}`)).toEqual([
      'triage  done',
      'progress-check 1.1 done',
      'progress-check 1.2 done',
    ]);

    expect(c.act('closed')).toMatchObject({ status: 'closed', outcome: 'resolved', closedAt: '2026-03-13T15:00:00+08:00' });
    expect(records(c).summary).toMatchObject({
      outcome: 'resolved',
      routes: ['route 1 diversion: diversion (department) → progress-check (ongoing) → progress-check (resolved) ⇒ resolved'],
    });
    c.advanceTo('2026-03-20T00:00:00+08:00');
    // The second check was reminded on the Friday morning, before it was resolved that afternoon.
    expect(c.notices().map((n) => n.kind)).toEqual(['diversion', 'reminder', 'reminder']);
    expect(about(c, 'progress-check', 'reminder')).toEqual(['officer 2026-03-06T10:59:00+08:00 (1.1)', 'officer 2026-03-13T11:02:00+08:00 (1.2)']);
  });

  test('to a grass-roots organisation: the community organisation is told, not the township government', () => {
    const c = dispute('2026-03-02T09:00:00+08:00', { category: 'family' });
    c.advanceTo('2026-03-02T10:00:00+08:00').act('triaged', {
      decision: 'divert',
      divertedTo: { kind: 'grass-roots-organisation', name: '某社区居民委员会' },
    });
    expect(c.sent('diversion')).toEqual(['community-organisation 2026-03-02T10:00:00+08:00']);
    expect(c.notices('diversion')[0].facts).toEqual({ category: 'family', riskLevel: 'medium', repeatCount: 0, divertedTo: '某社区居民委员会' });
    expect(c.obligation('progress-check', '1.1').dueAt).toBe('2026-03-09T23:59:59+08:00');
  });

  test('diverted Monday 2026-09-28: day 7 (10-05) is in the National Day holiday, so the check is due by the end of Thursday 10-08', () => {
    const c = dispute('2026-09-28T09:00:00+08:00');
    c.advanceTo('2026-09-28T10:00:00+08:00').act('triaged', { decision: 'divert', divertedTo: { kind: 'department', name: '某街道司法所' } });
    expect(c.obligation('progress-check', '1.1').dueAt).toBe('2026-10-08T23:59:59+08:00');
    c.advanceTo('2026-10-08T23:59:58+08:00');
    expect(about(c, 'progress-check', 'reminder')).toEqual(['officer 2026-10-08T10:59:00+08:00 (1.1)']);
    expect(c.obligation('progress-check', '1.1').status).toBe('pending');
    c.advanceTo('2026-10-08T23:59:59+08:00');
    expect(c.obligation('progress-check', '1.1').status).toBe('overdue');
  });

  test('late: checked Tuesday 03-10, the day after its deadline: done, late; the next is due 7 days from the check, 03-17', () => {
    const c = dispute('2026-03-02T09:00:00+08:00');
    c.advanceTo('2026-03-02T12:00:00+08:00').act('triaged', { decision: 'divert', divertedTo: { kind: 'department', name: '某区住房和城乡建设局' } });
    c.advanceTo('2026-03-10T09:00:00+08:00').act('progress-checked', { outcome: 'ongoing' });
    expect(c.obligation('progress-check', '1.1')).toMatchObject({
      status: 'done',
      late: true,
      completedAt: '2026-03-10T09:00:00+08:00',
      overdueAt: '2026-03-09T23:59:59+08:00',
    });
    expect(c.obligation('progress-check', '1.2')).toMatchObject({ status: 'pending', dueAt: '2026-03-17T23:59:59+08:00' });
    expect(records(c).kpi.followUp).toEqual({ owed: 2, onTime: 0, late: 1, open: 1, overdue: 0, onTimeSoFar: false });
  });

  test('missed: overdue at the end of Monday 03-09 to the station leader, at the end of Wednesday 03-11 to the supervisor; Art. 76(1) counts it at once', () => {
    const c = dispute('2026-03-02T09:00:00+08:00');
    c.advanceTo('2026-03-02T12:00:00+08:00').act('triaged', { decision: 'divert', divertedTo: { kind: 'department', name: '某区住房和城乡建设局' } });
    c.advanceTo('2026-03-09T23:59:59+08:00');
    expect(c.obligation('progress-check', '1.1')).toMatchObject({ status: 'overdue', overdueAt: '2026-03-09T23:59:59+08:00' });
    expect(records(c).kpi.followUp).toMatchObject({ open: 1, overdue: 1, onTimeSoFar: false });
    expect(records(c).kpi.asOf).toBe('2026-03-09T23:59:59+08:00');
    c.advanceTo('2026-03-13T00:00:00+08:00');
    expect(about(c, 'progress-check', 'overdue-escalation')).toEqual(['station-leader 2026-03-09T23:59:59+08:00 (1.1)']);
    expect(about(c, 'progress-check', 'supervisor-escalation')).toEqual(['supervisor 2026-03-11T23:59:59+08:00 (1.1)']);
    expect(c.rejection('closed')).toBe('routes still open: 1 (diversion, progress)');
  });

  test('rescheduled: diverted Friday 2026-12-25, day 7 is 2027-01-01, a working day while 2027 has no data; loaded, it moves to Monday 2027-01-04', () => {
    const c = dispute('2026-12-25T09:00:00+08:00');
    c.advanceTo('2026-12-25T10:00:00+08:00').act('triaged', {
      decision: 'divert',
      divertedTo: { kind: 'grass-roots-organisation', name: '某社区居民委员会' },
    });
    expect(c.obligation('progress-check', '1.1').dueAt).toBe('2027-01-01T23:59:59+08:00');
    expect(c.view().warnings).toEqual(['no working-day calendar for 2027: computed on weekends only']);
    c.advanceTo('2026-12-28T09:00:00+08:00').loadCalendar(calendar2027);
    expect(c.obligation('progress-check', '1.1')).toMatchObject({
      status: 'pending',
      dueAt: '2027-01-04T23:59:59+08:00',
      changes: [
        { field: 'dueAt', from: '2027-01-01T23:59:59+08:00', to: '2027-01-04T23:59:59+08:00', at: '2026-12-28T09:00:00+08:00', reason: loaded2027 },
      ],
    });
    expect(c.view().warnings).toEqual([]);
    c.advanceTo('2027-01-04T12:00:00+08:00');
    expect(about(c, 'progress-check', 'reminder')).toEqual(['officer 2026-12-31T10:59:00+08:00 (1.1)']);
    expect(c.notices('overdue-escalation')).toEqual([]);
  });

  test('never one already reached: the 2027 calendar loaded on 01-02 leaves the check that fell overdue at the end of 01-01 as it was', () => {
    const c = dispute('2026-12-25T09:00:00+08:00');
    c.advanceTo('2026-12-25T10:00:00+08:00').act('triaged', {
      decision: 'divert',
      divertedTo: { kind: 'grass-roots-organisation', name: '某社区居民委员会' },
    });
    c.advanceTo('2027-01-02T10:00:00+08:00').loadCalendar(calendar2027);
    expect(c.obligation('progress-check', '1.1')).toMatchObject({
      status: 'overdue',
      dueAt: '2027-01-01T23:59:59+08:00',
      overdueAt: '2027-01-01T23:59:59+08:00',
      changes: undefined,
    });
    expect(about(c, 'progress-check', 'overdue-escalation')).toEqual(['station-leader 2027-01-01T23:59:59+08:00 (1.1)']);
  });
});

describe('on-site mediation and follow-up-visit (Art. 74, 75, 76(1)): a resolved intervention is visited within 7 days', () => {
  test('resolved on Wednesday 2026-09-30: day 7 (10-07) is in the National Day holiday, so the visit is due by the end of Thursday 10-08; visited that day', () => {
    const c = intervening('2026-09-30T09:00:00+08:00');
    c.advanceTo('2026-09-30T10:00:00+08:00').act('mediated-on-site', { outcome: 'resolved' });
    expect(c.obligation('follow-up-visit', '1')).toMatchObject({ status: 'pending', article: '75', dueAt: '2026-10-08T23:59:59+08:00' });
    expect(c.rejection('closed')).toBe('routes still open: 1 (intervention, follow-up)');

    // The holiday has no working morning: the reminder would come at 10:17 on the last day; the visit came first.
    c.advanceTo('2026-10-08T10:00:00+08:00');
    expect(c.sent('reminder')).toEqual([]);
    c.act('follow-up-visited');
    expect(c.obligation('follow-up-visit', '1')).toMatchObject({ status: 'done', late: false, completedAt: '2026-10-08T10:00:00+08:00' });
    expect(c.act('closed')).toMatchObject({ status: 'closed', outcome: 'resolved' });
    const r = records(c);
    expect(r.summary?.routes).toEqual(['route 1 intervention: on-site-mediation (resolved) → follow-up-visit ⇒ resolved']);
    expect(r.steps.map((s) => `${s.step} ${s.at}`)).toEqual([
      'triage 2026-09-30T09:30:00+08:00',
      'on-site-mediation 2026-09-30T10:00:00+08:00',
      'follow-up-visit 2026-10-08T10:00:00+08:00',
      'end 2026-10-08T10:00:00+08:00',
    ]);
    expect(r.kpi.followUp).toEqual({ owed: 1, onTime: 1, late: 0, open: 0, overdue: 0, onTimeSoFar: true });
  });

  test('late: resolved Monday 03-02, visited Tuesday 03-10, the day after the deadline: done, late, counted late', () => {
    const c = intervening('2026-03-02T09:00:00+08:00');
    c.advanceTo('2026-03-02T11:00:00+08:00').act('mediated-on-site', { outcome: 'resolved' });
    expect(c.obligation('follow-up-visit', '1').dueAt).toBe('2026-03-09T23:59:59+08:00');
    c.advanceTo('2026-03-10T09:00:00+08:00').act('follow-up-visited');
    expect(c.obligation('follow-up-visit', '1')).toMatchObject({ status: 'done', late: true, overdueAt: '2026-03-09T23:59:59+08:00' });
    expect(records(c).kpi.followUp).toEqual({ owed: 1, onTime: 0, late: 1, open: 0, overdue: 0, onTimeSoFar: false });
  });

  test('missed: overdue at the end of Monday 03-09 to the station leader, at the end of Wednesday 03-11 to the supervisor', () => {
    const c = intervening('2026-03-02T09:00:00+08:00');
    c.advanceTo('2026-03-02T11:00:00+08:00').act('mediated-on-site', { outcome: 'resolved' });
    c.advanceTo('2026-03-11T23:59:58+08:00');
    expect(about(c, 'follow-up-visit', 'overdue-escalation')).toEqual(['station-leader 2026-03-09T23:59:59+08:00 (1)']);
    expect(c.notices('supervisor-escalation')).toEqual([]);
    c.advanceTo('2026-03-16T00:00:00+08:00');
    expect(about(c, 'follow-up-visit', 'supervisor-escalation')).toEqual(['supervisor 2026-03-11T23:59:59+08:00 (1)']);
    expect(c.obligation('follow-up-visit', '1')).toMatchObject({ status: 'overdue', overdueAt: '2026-03-09T23:59:59+08:00' });
    expect(records(c).kpi.followUp).toMatchObject({ open: 1, overdue: 1, onTimeSoFar: false });
  });

  test('rescheduled: resolved Friday 2026-12-25, the visit falls due on 2027-01-01 until 2027 is loaded, then on Monday 01-04', () => {
    const c = intervening('2026-12-25T09:00:00+08:00');
    c.advanceTo('2026-12-25T10:00:00+08:00').act('mediated-on-site', { outcome: 'resolved' });
    expect(c.obligation('follow-up-visit', '1').dueAt).toBe('2027-01-01T23:59:59+08:00');
    c.advanceTo('2026-12-30T16:00:00+08:00').loadCalendar(calendar2027);
    expect(c.obligation('follow-up-visit', '1')).toMatchObject({
      dueAt: '2027-01-04T23:59:59+08:00',
      changes: [
        { field: 'dueAt', from: '2027-01-01T23:59:59+08:00', to: '2027-01-04T23:59:59+08:00', at: '2026-12-30T16:00:00+08:00', reason: loaded2027 },
      ],
    });
    c.advanceTo('2027-01-04T09:00:00+08:00').act('follow-up-visited');
    expect(c.obligation('follow-up-visit', '1')).toMatchObject({ status: 'done', late: false });
  });
});

describe('referral after a failed on-site mediation (Art. 74(1), (2)) and its progress checks (Art. 75)', () => {
  test("a general civil dispute: refused before the failure, to professional mediation, and without legal education; referred to people's mediation, checked every 7 days, resolved, visited", () => {
    const c = intervening('2026-03-02T09:00:00+08:00');
    const people = { to: 'people-mediation', venue: 'station-mediation-room', legalEducation: true };
    expect(c.rejection('referred', people)).toBe('a referral follows an on-site mediation that failed (Art. 74)');
    c.advanceTo('2026-03-02T11:00:00+08:00').act('mediated-on-site', { outcome: 'failed' });
    expect(records(c).routes[0].stage).toBe('unresolved');
    expect(c.rejection('referred', { to: 'professional-mediation', legalEducation: true })).toBe(
      'a neighbour dispute is referred to people-mediation (Art. 74(1), (2))',
    );
    expect(c.rejection('referred', { to: 'arbitration-or-court', legalEducation: true })).toBe(
      'a neighbour dispute is referred to people-mediation (Art. 74(1), (2))',
    );
    expect(c.rejection('referred', { ...people, legalEducation: false })).toBe(
      'a general civil dispute is referred after legal education of the parties (Art. 74(1))',
    );

    c.advanceTo('2026-03-02T14:00:00+08:00').act('referred', people);
    expect(records(c).routes[0]).toMatchObject({
      stage: 'referred',
      referral: { to: 'people-mediation', venue: 'station-mediation-room', legalEducation: true },
    });
    expect(records(c).steps.at(-1)).toMatchObject({ step: 'referral', article: '74(1)', outcome: 'people-mediation @ station-mediation-room' });
    expect(c.obligation('progress-check', '1.1')).toMatchObject({ status: 'pending', dueAt: '2026-03-09T23:59:59+08:00' });

    c.advanceTo('2026-03-09T16:00:00+08:00').act('progress-checked', { outcome: 'ongoing' });
    expect(c.obligation('progress-check', '1.2').dueAt).toBe('2026-03-16T23:59:59+08:00');
    c.advanceTo('2026-03-12T10:00:00+08:00').act('progress-checked', { outcome: 'resolved' });
    expect(records(c).routes[0].stage).toBe('follow-up');
    expect(c.obligation('follow-up-visit', '1')).toMatchObject({ status: 'pending', dueAt: '2026-03-19T23:59:59+08:00' });
    c.advanceTo('2026-03-17T10:00:00+08:00').act('follow-up-visited');
    expect(c.act('closed')).toMatchObject({ status: 'closed', outcome: 'resolved' });
    expect(records(c).summary?.routes).toEqual([
      'route 1 intervention: on-site-mediation (failed) → referral (people-mediation @ station-mediation-room) → progress-check (ongoing) → progress-check (resolved) → follow-up-visit ⇒ resolved',
    ]);
    expect(records(c).kpi.followUp).toEqual({ owed: 3, onTime: 3, late: 0, open: 0, overdue: 0, onTimeSoFar: true });
    expect(c.notices().filter((n) => n.kind !== 'reminder')).toEqual([]);
  });

  test('a professional dispute: people’s mediation refused; professional mediation fails; handed over only once arbitration or a court takes it; no visit owed', () => {
    const c = intervening('2026-03-02T09:00:00+08:00', { category: 'professional' });
    c.advanceTo('2026-03-02T11:00:00+08:00').act('mediated-on-site', { outcome: 'failed' });
    expect(c.rejection('referred', { to: 'people-mediation', venue: 'grass-roots-platform', legalEducation: true })).toBe(
      'a professional dispute is referred to professional-mediation or arbitration-or-court (Art. 74(1), (2))',
    );
    c.act('referred', { to: 'professional-mediation', legalEducation: false });
    expect(records(c).steps.at(-1)).toMatchObject({ step: 'referral', article: '74(2)', outcome: 'professional-mediation' });
    expect(c.obligation('progress-check', '1.1').dueAt).toBe('2026-03-09T23:59:59+08:00');
    expect(c.rejection('progress-checked', { outcome: 'handed-over' })).toBe(
      'only a dispute taken to arbitration or a court is handed over at a progress check',
    );

    c.advanceTo('2026-03-05T10:00:00+08:00').act('progress-checked', { outcome: 'failed' });
    expect(records(c).routes[0].stage).toBe('unresolved');
    expect(c.rejection('progress-checked', { outcome: 'ongoing' })).toBe('no progress check is open');
    c.act('referred', { to: 'arbitration-or-court', legalEducation: false });
    expect(c.obligation('progress-check', '1.2')).toMatchObject({ status: 'pending', dueAt: '2026-03-12T23:59:59+08:00' });
    c.advanceTo('2026-03-11T10:00:00+08:00').act('progress-checked', { outcome: 'handed-over' });
    expect(records(c).routes[0]).toMatchObject({ stage: 'handed-over', endedAt: '2026-03-11T10:00:00+08:00' });
    expect(c.view().obligations.filter((o) => o.key === 'follow-up-visit')).toEqual([]);
    expect(c.act('closed')).toMatchObject({ status: 'closed', outcome: 'handed-over' });
    expect(records(c).summary?.routes).toEqual([
      'route 1 intervention: on-site-mediation (failed) → referral (professional-mediation) → progress-check (failed) → referral (arbitration-or-court) → progress-check (handed-over) ⇒ handed-over',
    ]);
  });
});

describe('public-security mediation (Art. 74) and agreement-performance: the agreement is checked by the agreed date', () => {
  function mediatedFight(performBy: string, at = '2026-03-02T15:00:00+08:00') {
    const c = intervening('2026-03-02T09:00:00+08:00');
    c.advanceTo('2026-03-02T10:00:00+08:00').act('mediated-on-site', { outcome: 'failed' });
    c.advanceTo(at).act('security-mediation-recorded', { cause: 'fight', agreement: 'reached', performBy });
    return c;
  }

  test('on time: to be performed by Thursday 03-12, checked that day (reminded the morning before), performed; the visit is due by Thursday 03-19', () => {
    const c = mediatedFight('2026-03-12');
    expect(c.obligation('agreement-performance', '1')).toMatchObject({
      status: 'pending',
      article: '74',
      dueAt: '2026-03-12T23:59:59+08:00',
      basis: { rule: 'agreed date' },
    });
    expect(records(c).routes[0]).toMatchObject({
      stage: 'agreement',
      securityMediation: { cause: 'fight', agreement: 'reached', performBy: '2026-03-12' },
    });
    c.advanceTo('2026-03-12T16:00:00+08:00');
    expect(about(c, 'agreement-performance', 'reminder')).toEqual(['officer 2026-03-11T11:17:00+08:00 (1)']);
    c.act('agreement-performance-checked', { performed: true });
    expect(c.obligation('agreement-performance', '1')).toMatchObject({ status: 'done', late: false });
    expect(c.obligation('follow-up-visit', '1')).toMatchObject({ status: 'pending', dueAt: '2026-03-19T23:59:59+08:00' });
    c.advanceTo('2026-03-16T10:00:00+08:00').act('follow-up-visited');
    expect(c.act('closed')).toMatchObject({ status: 'closed', outcome: 'resolved' });
    expect(c.notices('station-report')).toEqual([]);
  });

  test('late: checked Friday 03-13, the day after: done, late; performed, the visit is owed from the check, by Friday 03-20', () => {
    const c = mediatedFight('2026-03-12');
    c.advanceTo('2026-03-13T10:00:00+08:00').act('agreement-performance-checked', { performed: true });
    expect(c.obligation('agreement-performance', '1')).toMatchObject({ status: 'done', late: true, overdueAt: '2026-03-12T23:59:59+08:00' });
    expect(c.obligation('follow-up-visit', '1').dueAt).toBe('2026-03-20T23:59:59+08:00');
  });

  test('missed: overdue at the end of 03-12 to the station leader, at the end of 03-14 to the supervisor; found not performed on 03-16, the station is told at once and takes it over', () => {
    const c = mediatedFight('2026-03-12');
    c.advanceTo('2026-03-16T10:00:00+08:00');
    expect(about(c, 'agreement-performance', 'overdue-escalation')).toEqual(['station-leader 2026-03-12T23:59:59+08:00 (1)']);
    expect(about(c, 'agreement-performance', 'supervisor-escalation')).toEqual(['supervisor 2026-03-14T23:59:59+08:00 (1)']);
    c.act('agreement-performance-checked', { performed: false });
    expect(c.obligation('agreement-performance', '1')).toMatchObject({ status: 'done', late: true });
    expect(c.notices('station-report')).toEqual([
      expect.objectContaining({
        recipient: 'station',
        article: '74',
        createdAt: '2026-03-16T10:00:00+08:00',
        facts: { category: 'neighbour', riskLevel: 'medium', repeatCount: 0, cause: 'fight', reason: 'agreement not performed' },
      }),
    ]);
    expect(records(c).routes[0]).toMatchObject({ stage: 'handed-over', endedAt: '2026-03-16T10:00:00+08:00' });
    expect(c.view().obligations.filter((o) => o.key === 'follow-up-visit')).toEqual([]);
    expect(c.act('closed')).toMatchObject({ status: 'closed', outcome: 'handed-over' });
  });

  test('no agreement reached on property damage: reported to the station at once, the route ends handed over', () => {
    const c = intervening('2026-03-02T09:00:00+08:00', { category: 'civil-other' });
    c.advanceTo('2026-03-02T11:00:00+08:00').act('security-mediation-recorded', { cause: 'property-damage', agreement: 'not-reached' });
    expect(c.notices('station-report')).toEqual([
      expect.objectContaining({
        recipient: 'station',
        createdAt: '2026-03-02T11:00:00+08:00',
        facts: { category: 'civil-other', riskLevel: 'medium', repeatCount: 0, cause: 'property-damage', reason: 'no agreement' },
      }),
    ]);
    expect(records(c).routes[0]).toMatchObject({
      stage: 'handed-over',
      steps: ['public-security-mediation (property-damage: agreement not-reached)', 'station-report (no agreement)'],
    });
    expect(c.view().obligations.map((o) => o.key)).toEqual(['triage']);
    expect(c.act('closed')).toMatchObject({ status: 'closed', outcome: 'handed-over' });
  });

  test('refusals: an agreed date before the mediation; a second mediation while an agreement is being performed; a check with no agreement', () => {
    const c = intervening('2026-03-02T09:00:00+08:00');
    expect(c.rejection('agreement-performance-checked', { performed: true })).toBe('no agreement performance check is open');
    c.advanceTo('2026-03-02T15:00:00+08:00');
    expect(c.rejection('security-mediation-recorded', { cause: 'fight', agreement: 'reached', performBy: '2026-03-01' })).toBe(
      'the agreed date is before the mediation',
    );
    c.act('security-mediation-recorded', { cause: 'fight', agreement: 'reached', performBy: '2026-03-02' });
    expect(c.obligation('agreement-performance', '1').dueAt).toBe('2026-03-02T23:59:59+08:00');
    expect(c.rejection('security-mediation-recorded', { cause: 'property-damage', agreement: 'not-reached' })).toBe(
      'the intervention on route 1 is under way (agreement): no new public-security mediation',
    );
    expect(c.rejection('mediated-on-site', { outcome: 'resolved' })).toBe(
      'the intervention on route 1 is under way (agreement): no new on-site mediation',
    );
  });

  test('the agreed date is the parties’ own: 2027-01-01 stays the date when 2027 is loaded with New Year off', () => {
    const c = mediatedFight('2027-01-01', '2026-03-02T15:00:00+08:00');
    c.advanceTo('2026-12-28T09:00:00+08:00').loadCalendar(calendar2027);
    expect(c.obligation('agreement-performance', '1')).toMatchObject({ dueAt: '2027-01-01T23:59:59+08:00', changes: undefined });
  });
});

describe('repeated alarms (Art. 73, 75, 105): marked at the first, each followed up, the control centre told at the third', () => {
  test('the first repeat on Tuesday 03-03 marks the dispute repeated at once and owes a visit by Tuesday 03-10; a second repeat is its own route', () => {
    const c = intervening('2026-03-02T09:00:00+08:00');
    c.advanceTo('2026-03-02T10:00:00+08:00').act('mediated-on-site', { outcome: 'failed' });
    c.advanceTo('2026-03-03T10:00:00+08:00').act('repeat-alarm', { alarmRef: 'JJ-2026-0001' });
    expect(records(c)).toMatchObject({ repeatCount: 1, repeatMarkedAt: '2026-03-03T10:00:00+08:00' });
    expect(records(c).steps.slice(-2)).toEqual([
      expect.objectContaining({ step: 'repeat-alarm', article: '75', route: 2, outcome: 'repeat 1', by: 'P-20931' }),
      expect.objectContaining({ step: 'repeat-marked', article: '73', route: 2, by: 'system', at: '2026-03-03T10:00:00+08:00' }),
    ]);
    expect(records(c).routes[1]).toMatchObject({ no: 2, kind: 'repeat-alarm', stage: 'follow-up', alarm: 1, alarmRef: 'JJ-2026-0001' });
    expect(c.obligation('follow-up-visit', '2')).toMatchObject({ status: 'pending', article: '75', dueAt: '2026-03-10T23:59:59+08:00' });
    expect(records(c).kpi.repeat).toEqual({ repeated: true, marked: true, markedAt: '2026-03-03T10:00:00+08:00' });

    c.advanceTo('2026-03-04T10:00:00+08:00').act('repeat-alarm');
    expect(records(c)).toMatchObject({ repeatCount: 2, repeatMarkedAt: '2026-03-03T10:00:00+08:00' });
    expect(c.obligation('follow-up-visit', '3').dueAt).toBe('2026-03-11T23:59:59+08:00');
    expect(c.rejection('follow-up-visited')).toBe('a follow-up visit is open on routes 2, 3: name the route');
    c.act('follow-up-visited', { route: 3 });
    expect(records(c).routes.map((r) => `${r.no} ${r.kind} ${r.stage}`)).toEqual([
      '1 intervention unresolved',
      '2 repeat-alarm follow-up',
      '3 repeat-alarm followed-up',
    ]);
    expect(c.notices('control-centre-escalation')).toEqual([]);
  });

  test('a repeated alarm’s visit missed: overdue at the end of 03-10 to the station leader, at the end of 03-12 to the supervisor', () => {
    const c = intervening('2026-03-02T09:00:00+08:00');
    c.advanceTo('2026-03-03T10:00:00+08:00').act('repeat-alarm');
    c.advanceTo('2026-03-13T00:00:00+08:00');
    expect(about(c, 'follow-up-visit', 'overdue-escalation')).toEqual(['station-leader 2026-03-10T23:59:59+08:00 (2)']);
    expect(about(c, 'follow-up-visit', 'supervisor-escalation')).toEqual(['supervisor 2026-03-12T23:59:59+08:00 (2)']);
    c.act('follow-up-visited');
    expect(c.obligation('follow-up-visit', '2')).toMatchObject({ status: 'done', late: true });
    expect(records(c).routes[1].stage).toBe('followed-up');
  });

  test('多次调处无果仍重复报警: the third repeat after one failed mediation is not enough; the second failed mediation, Friday 03-06 10:00, notifies the control centre and the station leader then, and the centre’s coordination is owed by the end of Friday 03-13', () => {
    const c = intervening('2026-03-02T09:00:00+08:00', { category: 'debt', riskLevel: 'low' });
    c.advanceTo('2026-03-02T10:00:00+08:00').act('mediated-on-site', { outcome: 'failed' });
    c.advanceTo('2026-03-03T10:00:00+08:00').act('repeat-alarm');
    c.advanceTo('2026-03-04T10:00:00+08:00').act('repeat-alarm');
    c.advanceTo('2026-03-05T10:00:00+08:00').act('repeat-alarm');
    expect(c.notices('control-centre-escalation')).toEqual([]);
    expect(records(c).failedMediations).toBe(1);

    c.advanceTo('2026-03-05T11:00:00+08:00').act('referred', { to: 'people-mediation', venue: 'station-mediation-room', legalEducation: true });
    c.advanceTo('2026-03-06T10:00:00+08:00').act('progress-checked', { outcome: 'failed' });
    expect(c.sent('control-centre-escalation')).toEqual(['control-centre 2026-03-06T10:00:00+08:00', 'station-leader 2026-03-06T10:00:00+08:00']);
    expect(c.notices('control-centre-escalation')[0]).toMatchObject({
      article: '105',
      facts: {
        category: 'debt',
        riskLevel: 'low',
        repeatCount: 3,
        trigger: 'repeat-alarms',
        history:
          'triage (intervene); on-site-mediation (failed); repeat-alarm (repeat 1); repeat-marked; repeat-alarm (repeat 2); repeat-alarm (repeat 3); referral (people-mediation @ station-mediation-room); progress-check (failed); control-centre-escalation (repeat-alarms)',
      },
    });
    expect(records(c).controlCentreEscalations).toEqual([{ trigger: 'repeat-alarms', at: '2026-03-06T10:00:00+08:00' }]);
    expect(c.obligation('control-centre-coordination', '1')).toMatchObject({
      status: 'pending',
      responsible: 'station',
      article: '105',
      dueAt: '2026-03-13T23:59:59+08:00',
    });
    expect(c.rejection('closed')).toMatch(/^routes still open|^duties still open/);

    c.advanceTo('2026-03-06T10:30:00+08:00').act('repeat-alarm');
    expect(c.notices('control-centre-escalation')).toHaveLength(2);
    c.advanceTo('2026-03-10T15:00:00+08:00').act('control-centre-coordinated', { documentRef: 'XT-2026-08' });
    expect(c.obligation('control-centre-coordination', '1')).toMatchObject({ status: 'done', late: false, completedAt: '2026-03-10T15:00:00+08:00' });
    expect(c.rejection('control-centre-coordinated')).toBe('no coordination by the control centre is awaited');
  });

  test('the coordination nobody acts on: reminded the day before, overdue at the end of 03-13 to the station leader, then to the supervisor', () => {
    const c = dispute('2026-03-02T09:00:00+08:00', { category: 'civil-other', riskLevel: 'major' });
    expect(c.obligation('control-centre-coordination', '1').dueAt).toBe('2026-03-09T23:59:59+08:00');
    c.advanceTo('2026-03-12T09:00:00+08:00');
    expect(about(c, 'control-centre-coordination', 'reminder')).toEqual(['station 2026-03-06T10:03:00+08:00 (1)']);
    expect(about(c, 'control-centre-coordination', 'overdue-escalation')).toEqual(['station-leader 2026-03-09T23:59:59+08:00 (1)']);
    expect(about(c, 'control-centre-coordination', 'supervisor-escalation')).toEqual(['supervisor 2026-03-11T23:59:59+08:00 (1)']);
  });
});

describe('a dispute as it arrives (Art. 73, 74(3), 105)', () => {
  test('with an earlier related case it is repeated from the start: marked on arrival; a family dispute at high risk owes the Art. 74(3) report within 24 hours of arrival', () => {
    const c = dispute('2026-03-02T09:00:00+08:00', { category: 'family', riskLevel: 'high', relatedCaseNumbers: ['JF-2025-1102'] });
    expect(records(c)).toMatchObject({ repeatCount: 0, repeatMarkedAt: '2026-03-02T09:00:00+08:00' });
    expect(records(c).kpi.repeat).toEqual({ repeated: true, marked: true, markedAt: '2026-03-02T09:00:00+08:00' });
    expect(records(c).steps).toEqual([
      { seq: 1, at: '2026-03-02T09:00:00+08:00', step: 'repeat-marked', article: '73', outcome: 'related cases JF-2025-1102', by: 'system' },
    ]);
    expect(c.obligation('superior-report', '1')).toMatchObject({ status: 'pending', article: '74(3)', dueAt: '2026-03-03T09:00:00+08:00' });
  });

  test('with a related case but a civil-other category, or low risk: marked, no report owed', () => {
    const other = dispute('2026-03-02T09:00:00+08:00', { category: 'civil-other', riskLevel: 'high', relatedCaseNumbers: ['JF-2025-1102'] });
    const low = dispute('2026-03-02T09:00:00+08:00', { category: 'family', riskLevel: 'low', relatedCaseNumbers: ['JF-2025-1102'] });
    for (const c of [other, low]) {
      expect(records(c).repeatMarkedAt).toBe('2026-03-02T09:00:00+08:00');
      expect(c.view().obligations.map((o) => o.key)).toEqual(['triage']);
    }
  });

  test('arriving at major risk is treated as a change to it: the control centre and the station leader are told on arrival', () => {
    const c = dispute('2026-03-02T09:00:00+08:00', { category: 'neighbour', riskLevel: 'major' });
    expect(c.sent('control-centre-escalation')).toEqual(['control-centre 2026-03-02T09:00:00+08:00', 'station-leader 2026-03-02T09:00:00+08:00']);
    expect(records(c).controlCentreEscalations).toEqual([{ trigger: 'major-risk', at: '2026-03-02T09:00:00+08:00' }]);
    expect(c.view().obligations.map((o) => o.key)).not.toContain('superior-report');
  });

  test('a repeated neighbour dispute arriving at major risk: told to the control centre and reported upward', () => {
    const c = dispute('2026-03-02T09:00:00+08:00', {
      category: 'neighbour',
      riskLevel: 'major',
      relatedCaseNumbers: ['JF-2025-1102', 'JF-2026-0011'],
    });
    expect(c.sent('control-centre-escalation')).toHaveLength(2);
    expect(c.obligation('superior-report', '1').dueAt).toBe('2026-03-03T09:00:00+08:00');
  });
});

describe('superior-report (Art. 74(3)): a repeated focus-area dispute at high or major risk is reported upward within 24 hours', () => {
  function repeatedFamily(riskLevel = 'high') {
    const c = intervening('2026-03-02T09:00:00+08:00', { category: 'family', riskLevel });
    c.advanceTo('2026-03-02T10:00:00+08:00').act('mediated-on-site', { outcome: 'failed' });
    c.advanceTo('2026-03-03T10:00:00+08:00').act('repeat-alarm', { alarmRef: 'JJ-2026-0001' });
    return c;
  }

  test('on time: the first repeat, Tuesday 10:00, owes a report by Wednesday 10:00; reported at 16:00 to the superior public-security organ (not a unit’s superior department) with the mediation history', () => {
    const c = repeatedFamily();
    expect(c.obligation('superior-report', '1')).toMatchObject({ status: 'pending', article: '74(3)', dueAt: '2026-03-04T10:00:00+08:00' });
    c.advanceTo('2026-03-03T16:00:00+08:00').act('superior-reported', { documentRef: 'SB-2026-17' });
    expect(c.obligation('superior-report', '1')).toMatchObject({ status: 'done', late: false });
    expect(c.notices('superior-report')).toEqual([
      expect.objectContaining({
        recipient: 'superior-police',
        article: '74(3)',
        obligationKey: 'superior-report',
        createdAt: '2026-03-03T16:00:00+08:00',
        facts: {
          category: 'family',
          riskLevel: 'high',
          repeatCount: 1,
          documentRef: 'SB-2026-17',
          history: 'triage (intervene); on-site-mediation (failed); repeat-alarm (repeat 1); repeat-marked; superior-report',
        },
      }),
    ]);
    expect(c.rejection('superior-reported')).toBe('no report to the superior public security organ is owed');
  });

  test('missed: overdue Wednesday 10:00 to the station leader, Friday 10:00 to the supervisor; reported Friday 11:00, late', () => {
    const c = repeatedFamily();
    c.advanceTo('2026-03-06T11:00:00+08:00');
    expect(about(c, 'superior-report', 'overdue-escalation')).toEqual(['station-leader 2026-03-04T10:00:00+08:00 (1)']);
    expect(about(c, 'superior-report', 'supervisor-escalation')).toEqual(['supervisor 2026-03-06T10:00:00+08:00 (1)']);
    expect(about(c, 'superior-report', 'reminder')).toEqual([]);
    c.act('superior-reported');
    expect(c.obligation('superior-report', '1')).toMatchObject({
      status: 'done',
      late: true,
      overdueAt: '2026-03-04T10:00:00+08:00',
      completedAt: '2026-03-06T11:00:00+08:00',
    });
    expect(c.sent('superior-report')).toEqual(['superior-police 2026-03-06T11:00:00+08:00']);
  });

  test.each(['marriage', 'family', 'neighbour', 'debt'])('a repeated %s dispute at major risk owes the report', (category) => {
    const c = intervening('2026-03-02T09:00:00+08:00', { category, riskLevel: 'major' });
    c.advanceTo('2026-03-03T10:00:00+08:00').act('repeat-alarm');
    expect(c.obligation('superior-report', '1').dueAt).toBe('2026-03-04T10:00:00+08:00');
  });

  test.each(['civil-other', 'professional'])('a repeated %s dispute, even at major risk, owes none', (category) => {
    const c = intervening('2026-03-02T09:00:00+08:00', { category, riskLevel: 'major' });
    c.advanceTo('2026-03-03T10:00:00+08:00').act('repeat-alarm');
    expect(c.view().obligations.filter((o) => o.key === 'superior-report')).toEqual([]);
  });

  test('owes none while the risk is medium or while nothing is repeated; a raise to high after a repeat owes it from the raise, 15:00 to 15:00', () => {
    const never = intervening('2026-03-02T09:00:00+08:00', { category: 'family', riskLevel: 'high' });
    never.advanceTo('2026-03-06T09:00:00+08:00');
    expect(never.view().obligations.map((o) => o.key)).toEqual(['triage']);

    const c = repeatedFamily('medium');
    expect(c.view().obligations.filter((o) => o.key === 'superior-report')).toEqual([]);
    c.advanceTo('2026-03-03T15:00:00+08:00').act('risk-changed', { riskLevel: 'high' });
    expect(records(c).riskChanges).toEqual([{ from: 'medium', to: 'high', at: '2026-03-03T15:00:00+08:00', by: 'P-20931' }]);
    expect(c.obligation('superior-report', '1').dueAt).toBe('2026-03-04T15:00:00+08:00');
  });

  test('owed again at the next repeat once the first is reported; never twice at once', () => {
    const c = repeatedFamily();
    c.advanceTo('2026-03-03T16:00:00+08:00').act('superior-reported');
    c.advanceTo('2026-03-05T09:00:00+08:00').act('repeat-alarm');
    expect(c.obligation('superior-report', '2')).toMatchObject({ status: 'pending', dueAt: '2026-03-06T09:00:00+08:00' });
    c.advanceTo('2026-03-05T11:00:00+08:00').act('repeat-alarm');
    c.act('risk-changed', { riskLevel: 'major' });
    expect(
      c
        .view()
        .obligations.filter((o) => o.key === 'superior-report')
        .map((o) => `${o.period} ${o.status}`),
    ).toEqual(['1 done', '2 pending']);
    c.advanceTo('2026-03-05T14:00:00+08:00').act('superior-reported');
    expect(c.sent('superior-report')).toEqual(['superior-police 2026-03-03T16:00:00+08:00', 'superior-police 2026-03-05T14:00:00+08:00']);
    expect(c.notices('superior-report')[1].facts).toMatchObject({ riskLevel: 'major', repeatCount: 3 });
  });
});

describe('risk level (Art. 73, 105): a raise to major notifies the control centre', () => {
  test('raised to major at 11:00 Monday: the control centre and the station leader are told at that moment; lowered, nothing; raised again, told again', () => {
    const c = intervening('2026-03-02T09:00:00+08:00', { category: 'civil-other' });
    expect(c.rejection('risk-changed', { riskLevel: 'medium' })).toBe('the risk is already medium');
    c.advanceTo('2026-03-02T11:00:00+08:00').act('risk-changed', { riskLevel: 'major' });
    expect(c.sent('control-centre-escalation')).toEqual(['control-centre 2026-03-02T11:00:00+08:00', 'station-leader 2026-03-02T11:00:00+08:00']);
    expect(c.notices('control-centre-escalation')[0]).toMatchObject({
      article: '105',
      facts: expect.objectContaining({ trigger: 'major-risk', riskLevel: 'major', category: 'civil-other' }),
    });
    expect(records(c).controlCentreEscalations).toEqual([{ trigger: 'major-risk', at: '2026-03-02T11:00:00+08:00' }]);

    c.advanceTo('2026-03-04T11:00:00+08:00').act('risk-changed', { riskLevel: 'low' });
    expect(c.notices('control-centre-escalation')).toHaveLength(2);
    c.advanceTo('2026-03-05T11:00:00+08:00').act('risk-changed', { riskLevel: 'major' });
    expect(c.sent('control-centre-escalation').slice(2)).toEqual([
      'control-centre 2026-03-05T11:00:00+08:00',
      'station-leader 2026-03-05T11:00:00+08:00',
    ]);
    expect(records(c).riskChanges.map((r) => `${r.from}→${r.to} ${r.at}`)).toEqual([
      'medium→major 2026-03-02T11:00:00+08:00',
      'major→low 2026-03-04T11:00:00+08:00',
      'low→major 2026-03-05T11:00:00+08:00',
    ]);
  });
});

describe('specific-subject-mark (Art. 75, 76(3)): a party an alarm shows to be a specific subject is marked within a day', () => {
  function flagged(at: string) {
    const c = intervening('2026-03-02T09:00:00+08:00', { category: 'family' });
    c.advanceTo(at).act('repeat-alarm', { concerns: [{ party: 1, kind: 'domestic-violence' }] });
    return c;
  }

  test('flagged Tuesday 03-03 10:00, due by the end of Wednesday 03-04; marked Wednesday 09:00, on time; the station is told by index and role', () => {
    const c = flagged('2026-03-03T10:00:00+08:00');
    expect(c.obligation('specific-subject-mark', 'party-1')).toMatchObject({ status: 'pending', article: '75', dueAt: '2026-03-04T23:59:59+08:00' });
    expect(records(c).specificSubjects).toEqual([
      { party: 1, role: 'respondent', flagged: ['domestic-violence'], marked: [], flaggedAt: '2026-03-03T10:00:00+08:00' },
    ]);
    // Flagged after the morning's reminder window: the reminder would come at 11:02 on the last day; the mark came first.
    c.advanceTo('2026-03-04T09:00:00+08:00');
    expect(about(c, 'specific-subject-mark', 'reminder')).toEqual([]);
    c.act('specific-subject-marked', { party: 1, kind: 'domestic-violence' });
    expect(c.obligation('specific-subject-mark', 'party-1')).toMatchObject({ status: 'done', late: false });
    expect(records(c).specificSubjects[0]).toMatchObject({
      markedAt: '2026-03-04T09:00:00+08:00',
      markedOnTime: true,
      marked: ['domestic-violence'],
    });
    expect(c.notices('specific-subject')).toEqual([
      expect.objectContaining({
        recipient: 'station',
        article: '75',
        createdAt: '2026-03-04T09:00:00+08:00',
        facts: { category: 'family', riskLevel: 'medium', repeatCount: 1, party: 1, role: 'respondent', specificSubject: 'domestic-violence' },
      }),
    ]);
    expect(records(c).kpi.specificSubjects).toEqual({ found: 1, marked: 1, markedOnTime: 1 });
  });

  test('flagged Friday 03-06: day 1 is Saturday, so the marking is due by the end of Monday 03-09', () => {
    const c = flagged('2026-03-06T18:00:00+08:00');
    expect(c.obligation('specific-subject-mark', 'party-1').dueAt).toBe('2026-03-09T23:59:59+08:00');
  });

  test('late: marked Thursday 03-05: done, late, not marked on time; Art. 76(3) counts 1 found, 1 marked, 0 on time', () => {
    const c = flagged('2026-03-03T10:00:00+08:00');
    c.advanceTo('2026-03-05T09:00:00+08:00').act('specific-subject-marked', { party: 1, kind: 'domestic-violence' });
    expect(c.obligation('specific-subject-mark', 'party-1')).toMatchObject({ status: 'done', late: true, overdueAt: '2026-03-04T23:59:59+08:00' });
    expect(records(c).specificSubjects[0]).toMatchObject({ markedAt: '2026-03-05T09:00:00+08:00', markedOnTime: false });
    expect(records(c).kpi.specificSubjects).toEqual({ found: 1, marked: 1, markedOnTime: 0 });
  });

  test('missed: overdue at the end of 03-04 to the station leader, at the end of 03-06 to the supervisor; Art. 76(3) counts it found, not marked', () => {
    const c = flagged('2026-03-03T10:00:00+08:00').advanceTo('2026-03-07T00:00:00+08:00');
    expect(about(c, 'specific-subject-mark', 'overdue-escalation')).toEqual(['station-leader 2026-03-04T23:59:59+08:00 (party-1)']);
    expect(about(c, 'specific-subject-mark', 'supervisor-escalation')).toEqual(['supervisor 2026-03-06T23:59:59+08:00 (party-1)']);
    expect(records(c).kpi.specificSubjects).toEqual({ found: 1, marked: 0, markedOnTime: 0 });
  });

  test('rescheduled: flagged Thursday 2026-12-31, due on 2027-01-01 while 2027 has no data; loaded, Monday 2027-01-04', () => {
    const c = intervening('2026-12-31T09:00:00+08:00', { category: 'family' });
    c.advanceTo('2026-12-31T11:00:00+08:00').act('repeat-alarm', { concerns: [{ party: 0, kind: 'threatens-revenge' }] });
    expect(c.obligation('specific-subject-mark', 'party-0').dueAt).toBe('2027-01-01T23:59:59+08:00');
    c.advanceTo('2026-12-31T15:00:00+08:00').loadCalendar(calendar2027);
    expect(c.obligation('specific-subject-mark', 'party-0')).toMatchObject({
      dueAt: '2027-01-04T23:59:59+08:00',
      changes: [
        { field: 'dueAt', from: '2027-01-01T23:59:59+08:00', to: '2027-01-04T23:59:59+08:00', at: '2026-12-31T15:00:00+08:00', reason: loaded2027 },
      ],
    });
    c.advanceTo('2027-01-04T10:00:00+08:00').act('specific-subject-marked', { party: 0, kind: 'threatens-revenge' });
    expect(records(c).specificSubjects[0]).toMatchObject({ markedOnTime: true });
    expect(c.notices('overdue-escalation').filter((n) => n.obligationKey === 'specific-subject-mark')).toEqual([]);
  });

  test('marked at once without an alarm flagging the party: nothing was owed, it counts on time; refusals name the party', () => {
    const c = intervening('2026-03-02T09:00:00+08:00');
    expect(c.rejection('repeat-alarm', { concerns: [{ party: 2, kind: 'domestic-violence' }] })).toBe('there is no party 2 (the case has 2)');
    expect(c.rejection('specific-subject-marked', { party: 7, kind: 'mentally-ill-trouble' })).toBe('there is no party 7 (the case has 2)');
    c.advanceTo('2026-03-02T12:00:00+08:00').act('specific-subject-marked', { party: 0, kind: 'threatens-revenge' });
    expect(c.view().obligations.map((o) => o.key)).toEqual(['triage']);
    expect(records(c).specificSubjects).toEqual([
      {
        party: 0,
        role: 'complainant',
        flagged: ['threatens-revenge'],
        marked: ['threatens-revenge'],
        markedAt: '2026-03-02T12:00:00+08:00',
        markedOnTime: true,
      },
    ]);
    expect(c.sent('specific-subject')).toEqual(['station 2026-03-02T12:00:00+08:00']);
    expect(c.rejection('specific-subject-marked', { party: 0, kind: 'threatens-revenge' })).toBe('party 0 is already marked as threatens-revenge');
  });
});

describe('personal data, Art. 76 facts, closing', () => {
  test('the parties’ names and the place appear in no notice and no record, across every kind of notice the dispute issues', () => {
    const c = dispute('2026-03-02T09:00:00+08:00', {
      category: 'family',
      riskLevel: 'high',
      parties: [
        { name: '孙八', role: 'complainant' },
        { name: '赵六', role: 'respondent' },
      ],
    });
    c.advanceTo('2026-03-02T10:00:00+08:00').act('triaged', {
      decision: 'divert',
      divertedTo: { kind: 'grass-roots-organisation', name: '某社区居民委员会' },
    });
    c.advanceTo('2026-03-03T10:00:00+08:00').act('repeat-alarm', { concerns: [{ party: 1, kind: 'domestic-violence' }] });
    c.act('mediated-on-site', { outcome: 'failed' });
    c.act('security-mediation-recorded', { cause: 'fight', agreement: 'not-reached' });
    c.advanceTo('2026-03-04T10:00:00+08:00').act('repeat-alarm');
    c.act('repeat-alarm');
    c.act('risk-changed', { riskLevel: 'major' });
    c.act('specific-subject-marked', { party: 1, kind: 'domestic-violence' });
    c.act('specific-subject-marked', { party: 0, kind: 'threatens-revenge' });
    c.act('superior-reported', { documentRef: 'SB-2026-18' });
    c.advanceTo('2026-03-14T00:00:00+08:00');
    expect([...new Set(c.notices().map((n) => n.kind))].sort()).toEqual([
      'control-centre-escalation',
      'diversion',
      'overdue-escalation',
      'reminder',
      'specific-subject',
      'station-report',
      'superior-report',
      'supervisor-escalation',
    ]);
    expect(JSON.stringify(c.notices())).not.toMatch(names);
    // The view names the parties in `personal` only (sealed in Temporal, masked by the API, never in the read model).
    const { personal, ...view } = c.view();
    expect(JSON.stringify(view)).not.toMatch(names);
    expect(personal).toEqual([
      { role: 'party', name: '孙八', partyRole: 'complainant' },
      { role: 'party', name: '赵六', partyRole: 'respondent' },
    ]);
    expect(c.details()).not.toMatch(names);
    expect(records(c).parties).toEqual([
      { party: 0, role: 'complainant' },
      { party: 1, role: 'respondent' },
    ]);
  });

  test('Art. 76 facts follow the case: visits and checks on time, late, open and overdue; the repeat marked; specific subjects found, marked, on time', () => {
    const c = dispute('2026-03-02T09:00:00+08:00', { category: 'family' });
    expect(records(c).kpi).toEqual({
      followUp: { owed: 0, onTime: 0, late: 0, open: 0, overdue: 0, onTimeSoFar: true },
      repeat: { repeated: false, marked: false },
      specificSubjects: { found: 0, marked: 0, markedOnTime: 0 },
      asOf: '2026-03-02T09:00:00+08:00',
    });
    c.advanceTo('2026-03-02T10:00:00+08:00').act('triaged', { decision: 'divert', divertedTo: { kind: 'department', name: '某区民政局' } });
    c.advanceTo('2026-03-05T10:00:00+08:00').act('repeat-alarm', {
      concerns: [
        { party: 0, kind: 'threatens-revenge' },
        { party: 1, kind: 'domestic-violence' },
      ],
    });
    c.advanceTo('2026-03-06T09:00:00+08:00').act('specific-subject-marked', { party: 0, kind: 'threatens-revenge' });
    c.advanceTo('2026-03-09T11:00:00+08:00').act('progress-checked', { outcome: 'ongoing' });
    c.advanceTo('2026-03-10T09:00:00+08:00').act('specific-subject-marked', { party: 1, kind: 'domestic-violence' });
    c.advanceTo('2026-03-13T00:00:00+08:00');
    expect(records(c).kpi).toEqual({
      followUp: { owed: 3, onTime: 1, late: 0, open: 2, overdue: 1, onTimeSoFar: false },
      repeat: { repeated: true, marked: true, markedAt: '2026-03-05T10:00:00+08:00' },
      specificSubjects: { found: 2, marked: 2, markedOnTime: 1 },
      asOf: '2026-03-12T23:59:59+08:00',
    });
    c.act('follow-up-visited');
    c.act('progress-checked', { outcome: 'resolved' });
    c.act('closed');
    expect(records(c).kpi.followUp).toEqual({ owed: 3, onTime: 2, late: 1, open: 0, overdue: 0, onTimeSoFar: false });
    expect(records(c).summary).toEqual({
      outcome: 'resolved',
      routes: [
        'route 1 diversion: diversion (department) → progress-check (ongoing) → progress-check (resolved) ⇒ resolved',
        'route 2 repeat-alarm: repeat-alarm (repeat 1) → repeat-marked → follow-up-visit ⇒ followed-up',
      ],
      repeatCount: 1,
      superiorReports: 0,
      controlCentreEscalations: 0,
      specificSubjects: 2,
      riskLevel: 'medium',
    });
  });

  test('closing is refused before triage, while a route is open, and while a duty is open; once closed, nothing more is accepted', () => {
    const c = dispute('2026-03-02T09:00:00+08:00', { category: 'family', riskLevel: 'high' });
    expect(c.rejection('closed')).toBe('the dispute has not been triaged');
    c.advanceTo('2026-03-02T10:00:00+08:00').act('triaged', {
      decision: 'divert',
      divertedTo: { kind: 'grass-roots-organisation', name: '某社区居民委员会' },
    });
    c.advanceTo('2026-03-03T10:00:00+08:00').act('repeat-alarm', { concerns: [{ party: 1, kind: 'domestic-violence' }] });
    expect(c.rejection('closed')).toBe('routes still open: 1 (diversion, progress), 2 (repeat-alarm, follow-up)');
    c.act('follow-up-visited');
    c.act('progress-checked', { outcome: 'resolved' });
    expect(c.rejection('closed')).toBe('duties still open: specific-subject-mark@party-1, superior-report@1');
    c.act('specific-subject-marked', { party: 1, kind: 'domestic-violence' });
    expect(c.rejection('closed')).toBe('duties still open: superior-report@1');
    c.act('superior-reported');
    expect(c.act('closed')).toMatchObject({ status: 'closed', outcome: 'resolved', closedAt: '2026-03-03T10:00:00+08:00' });
    expect(c.rejection('repeat-alarm')).toBe('the case is closed');
  });
});

describe('continue-as-new (long-lived cases)', () => {
  test('mid-way, with a check overdue and a repeat’s visit pending, the next run carries on: escalations come on time, an accepted action is not applied twice, the case closes', () => {
    const c = dispute('2026-03-02T09:00:00+08:00', { category: 'debt' });
    c.advanceTo('2026-03-02T10:00:00+08:00').act('triaged', { decision: 'divert', divertedTo: { kind: 'department', name: '某区市场监督管理局' } });
    const alarm = { actionId: '0d7c3a52-6f1e-4b8a-9c2d-3e4f5a6b7c8d', alarmRef: 'JJ-2026-0002' };
    c.advanceTo('2026-03-04T10:00:00+08:00').act('repeat-alarm', alarm);
    c.advanceTo('2026-03-10T08:00:00+08:00');
    expect(c.obligation('progress-check', '1.1')).toMatchObject({ status: 'overdue', overdueAt: '2026-03-09T23:59:59+08:00' });

    const before = c.view();
    c.continueAsNew();
    expect(c.view()).toEqual({ ...before, run: 1 });

    c.advanceTo('2026-03-12T00:00:00+08:00');
    expect(about(c, 'progress-check', 'supervisor-escalation')).toEqual(['supervisor 2026-03-11T23:59:59+08:00 (1.1)']);
    expect(about(c, 'follow-up-visit', 'overdue-escalation')).toEqual(['station-leader 2026-03-11T23:59:59+08:00 (2)']);
    expect(c.act('repeat-alarm', alarm).duplicate).toBe(true);
    expect(records(c).repeatCount).toBe(1);

    c.advanceTo('2026-03-12T10:00:00+08:00').act('progress-checked', { outcome: 'resolved' });
    c.act('follow-up-visited');
    c.continueAsNew();
    expect(c.act('closed')).toMatchObject({ status: 'closed', outcome: 'resolved', run: 2 });
    expect(records(c).kpi.followUp).toEqual({ owed: 2, onTime: 0, late: 2, open: 0, overdue: 0, onTimeSoFar: false });
    expect(c.sent('overdue-escalation')).toEqual(['station-leader 2026-03-09T23:59:59+08:00', 'station-leader 2026-03-11T23:59:59+08:00']);
  });
});
