import { builtInCalendarYears, type CalendarYear } from '../../src/case/calendar';
import { withProvisionalYears } from '../../src/case/statutory-holidays';
import { SimulatedCase } from '../support/simulator';

// Every date is pinned. 2026 is on the built-in calendar (Mid-Autumn 09-25…09-27, National Day 10-01…10-07, make-up
// workdays 09-20 and 10-10); 2027 and 2031 have no calendar data until a test loads it.
// 2026-04-13 and 2026-10-12 are Mondays.

function deprived(
  overrides: Record<string, unknown> = {},
  at = '2026-04-13T09:00:00+08:00',
  calendar?: CalendarYear[],
  policy?: Record<string, number>,
) {
  return SimulatedCase.start(
    {
      procedure: 'deprived-rights',
      caseNumber: 'DR-2026-0413',
      stationId: 'S-01',
      officerId: 'P-20931',
      subject: { name: '钱七', idNumber: '110101198501011234', address: '北京市西城区某街2号' },
      sentence: { court: '某市中级人民法院', judgmentNumber: '(2026)某刑初12号' },
      termStart: '2026-04-13',
      termEnd: '2026-10-12',
      unit: { name: '某机械厂' },
      communityOrganisation: { name: '某街道某社区居民委员会' },
      ...overrides,
    },
    at,
    calendar,
    policy,
  );
}

/** Who was sent notices of `kind` about the duty `key` (and period), and when, in local time. */

/**
 * A case whose person has reported and been announced to, every month before October reported on its 10th, and
 * visited in full on 07-10 (the next visit would fall due after the term).
 */
function upToOctober(policy?: Record<string, number>) {
  const c = deprived({}, undefined, undefined, policy).advanceTo('2026-04-13T09:30:00+08:00');
  c.act('subject-reported');
  c.act('announced', { to: ['subject', 'unit', 'community-organisation'] });
  for (const month of ['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09']) {
    c.advanceTo(`${month}-${month === '2026-04' ? '20' : '10'}T10:00:00+08:00`).act('activity-reported', { month });
    if (month === '2026-07' && !policy) c.act('visited-in-full');
  }
  return c;
}

const calendar2027: CalendarYear = {
  year: 2027,
  source: 'test schedule for 2027',
  version: 1,
  holidays: [{ from: '2027-06-09', to: '2027-06-11', name: 'Dragon Boat 端午节' }],
  workdays: [],
};

describe('announcement (宣布): when the person reports, the crime, the term and the rules are announced to the person, the unit and the community organisation', () => {
  test('Before the person reports nothing is owed and nothing can be announced; the report opens a 24-hour announcement', () => {
    const c = deprived();
    expect(c.view().obligations.map((o) => o.key)).not.toContain('announcement');
    expect(c.rejection('announced', { to: ['subject'] })).toBe('the sentenced person has not reported yet');
    c.advanceTo('2026-04-13T09:30:00+08:00').act('subject-reported');
    expect(c.view().records).toMatchObject({ reportedAt: '2026-04-13T09:30:00+08:00', announcedTo: [] });
    expect(c.obligation('announcement')).toMatchObject({
      status: 'pending',
      responsible: 'officer',
      article: '41(4)',
      opensAt: '2026-04-13T09:30:00+08:00',
      dueAt: '2026-04-14T09:30:00+08:00',
    });
    expect(c.rejection('subject-reported')).toBe('the sentenced person has already reported');
  });

  test('On time: told the person and the community organisation, then the unit 3 hours later; done only when all three know, with no reminder', () => {
    const c = deprived().advanceTo('2026-04-13T09:30:00+08:00');
    c.act('subject-reported');
    c.advanceTo('2026-04-13T10:00:00+08:00').act('announced', { to: ['subject', 'community-organisation'] });
    expect(c.obligation('announcement').status).toBe('pending');
    expect(c.rejection('announced', { to: ['subject'] })).toBe('already announced to subject');
    c.advanceTo('2026-04-13T13:00:00+08:00').act('announced', { to: ['unit'] });
    expect(c.obligation('announcement')).toMatchObject({
      status: 'done',
      late: false,
      completedAt: '2026-04-13T13:00:00+08:00',
      completedBy: 'P-20931',
    });
    expect(c.view().records).toMatchObject({ announcedTo: ['subject', 'community-organisation', 'unit'] });
    expect(c.rejection('announced', { to: ['unit'] })).toBe('the announcement has been made to everyone');
    c.advanceTo('2026-04-20T00:00:00+08:00');
    expect(c.sent('reminder', 'announcement')).toEqual([]);
    expect(c.sent('overdue-escalation', 'announcement')).toEqual([]);
  });

  test('A person without a unit: telling a unit is refused, the person and the community organisation suffice', () => {
    const c = deprived({ unit: undefined }).advanceTo('2026-04-13T09:30:00+08:00');
    c.act('subject-reported');
    expect(c.rejection('announced', { to: ['subject', 'unit'] })).toBe('the case has no unit to tell');
    c.act('announced', { to: ['subject', 'community-organisation'] });
    expect(c.obligation('announcement')).toMatchObject({ status: 'done', late: false });
  });

  test('Late: told everyone on 04-15, a day after the 24 hours; done and late, the station leader was told at 24 h, the supervisor never', () => {
    const c = deprived().advanceTo('2026-04-13T09:30:00+08:00');
    c.act('subject-reported');
    c.advanceTo('2026-04-15T10:00:00+08:00').act('announced', { to: ['subject', 'unit', 'community-organisation'] });
    expect(c.obligation('announcement')).toMatchObject({
      status: 'done',
      late: true,
      overdueAt: '2026-04-14T09:30:00+08:00',
      completedAt: '2026-04-15T10:00:00+08:00',
    });
    c.advanceTo('2026-04-20T00:00:00+08:00');
    expect(c.sent('overdue-escalation', 'announcement')).toEqual(['station-leader 2026-04-14T09:30:00+08:00']);
    expect(c.sent('supervisor-escalation', 'announcement')).toEqual([]);
  });

  test('Missed: overdue to the station leader 24 h after the report, to the supervisor 48 h later, and to no one else', () => {
    const c = deprived().advanceTo('2026-04-13T09:30:00+08:00');
    c.act('subject-reported');
    c.advanceTo('2026-04-14T09:29:59+08:00');
    expect(c.obligation('announcement').status).toBe('pending');
    c.advanceTo('2026-04-20T00:00:00+08:00');
    expect(c.obligation('announcement')).toMatchObject({ status: 'overdue', overdueAt: '2026-04-14T09:30:00+08:00' });
    expect(
      c
        .notices()
        .filter((n) => n.obligationKey === 'announcement')
        .map((n) => `${n.kind} → ${n.recipient} ${n.createdAt}`),
    ).toEqual(['overdue-escalation → station-leader 2026-04-14T09:30:00+08:00', 'supervisor-escalation → supervisor 2026-04-16T09:30:00+08:00']);
  });
});

describe('monthly-report (每月督促罪犯报告一次活动情况): every calendar month of the term', () => {
  test('Periods open month by month from the first day of the term: April runs 04-13…04-30; May opens only on 05-01', () => {
    const c = deprived();
    expect(c.view().obligations.map((o) => `${o.key} ${o.period ?? ''}`.trim())).toEqual([
      'station-report',
      'rights-restored',
      'written-notices',
      'half-yearly-visit 1',
      'monthly-report 2026-04',
    ]);
    expect(c.obligation('monthly-report', '2026-04')).toMatchObject({
      status: 'pending',
      opensAt: '2026-04-13T00:00:00+08:00',
      dueAt: '2026-04-30T23:59:59+08:00',
    });
    expect(c.rejection('activity-reported', { month: '2026-05' })).toBe('no monthly report is open for 2026-05');
    c.advanceTo('2026-04-30T23:59:59+08:00');
    expect(c.rejection('activity-reported', { month: '2026-05' })).toBe('no monthly report is open for 2026-05');
    c.advanceTo('2026-05-01T00:00:00+08:00');
    expect(c.obligation('monthly-report', '2026-05')).toMatchObject({
      status: 'pending',
      opensAt: '2026-05-01T00:00:00+08:00',
      dueAt: '2026-05-31T23:59:59+08:00',
    });
  });

  test('On time: April reported on 04-20, done and not late, no reminder; the same month again is refused', () => {
    const c = deprived().advanceTo('2026-04-20T10:00:00+08:00');
    c.act('activity-reported', { month: '2026-04' });
    expect(c.obligation('monthly-report', '2026-04')).toMatchObject({ status: 'done', late: false, completedAt: '2026-04-20T10:00:00+08:00' });
    expect(c.rejection('activity-reported', { month: '2026-04' })).toBe('no monthly report is open for 2026-04');
    c.advanceTo('2026-05-05T00:00:00+08:00');
    expect(c.sent('reminder', 'monthly-report', '2026-04')).toEqual([]);
    expect(c.sent('overdue-escalation', 'monthly-report', '2026-04')).toEqual([]);
  });

  test('Late: May reported on 06-01; done and late, the officer reminded on Friday 05-29 and the station leader told at the end of May', () => {
    const c = deprived().advanceTo('2026-06-01T10:00:00+08:00');
    c.act('activity-reported', { month: '2026-05' });
    expect(c.obligation('monthly-report', '2026-05')).toMatchObject({ status: 'done', late: true, overdueAt: '2026-05-31T23:59:59+08:00' });
    expect(c.sent('reminder', 'monthly-report', '2026-05')).toEqual(['officer 2026-05-29T09:37:00+08:00']);
    expect(c.sent('overdue-escalation', 'monthly-report', '2026-05')).toEqual(['station-leader 2026-05-31T23:59:59+08:00']);
    c.advanceTo('2026-06-10T00:00:00+08:00');
    expect(c.sent('supervisor-escalation', 'monthly-report', '2026-05')).toEqual([]);
  });

  test('Missed: June never reported; reminded the morning of 06-29, overdue to the station leader at the end of 06-30, to the supervisor 48 h later', () => {
    const c = deprived().advanceTo('2026-07-05T00:00:00+08:00');
    expect(c.obligation('monthly-report', '2026-06')).toMatchObject({ status: 'overdue', overdueAt: '2026-06-30T23:59:59+08:00' });
    expect(c.sent('reminder', 'monthly-report', '2026-06')).toEqual(['officer 2026-06-29T09:36:00+08:00']);
    expect(c.sent('overdue-escalation', 'monthly-report', '2026-06')).toEqual(['station-leader 2026-06-30T23:59:59+08:00']);
    expect(c.sent('supervisor-escalation', 'monthly-report', '2026-06')).toEqual(['supervisor 2026-07-02T23:59:59+08:00']);
    expect(c.view().overdueCount).toBe(3);
  });

  test('The last period stops the day before the term ends: October runs 10-01…10-11, and no November opens', () => {
    const c = deprived().advanceTo('2026-10-01T00:00:00+08:00');
    expect(c.obligation('monthly-report', '2026-10')).toMatchObject({ opensAt: '2026-10-01T00:00:00+08:00', dueAt: '2026-10-11T23:59:59+08:00' });
    c.advanceTo('2026-11-02T00:00:00+08:00');
    expect(
      c
        .view()
        .obligations.filter((o) => o.key === 'monthly-report')
        .map((o) => o.period),
    ).toEqual(['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10']);
  });
});

describe('station-report (执行期满前五个工作日内报所): within the 5 working days before the term ends', () => {
  test('Term ending Monday 10-12: counting back 10-10 (make-up Saturday), 10-09, 10-08, 09-30, 09-29, the window opens on 09-29', () => {
    const report = deprived().obligation('station-report');
    expect(report).toMatchObject({
      status: 'pending',
      responsible: 'officer',
      opensAt: '2026-09-29T00:00:00+08:00',
      dueAt: '2026-10-11T23:59:59+08:00',
    });
    expect(report.basis).toMatchObject({ rule: 'working-days-before', from: '2026-10-12', n: 5, sets: 'opensAt', warnings: [] });
  });

  test('Term ending Friday 2027-10-08, before the State Council publishes 2027: the provisional year keeps the window out of National Day (opens 09-30, not 10-01) and says so', () => {
    const start = { termStart: '2027-04-08', termEnd: '2027-10-08' };
    const at = '2027-04-08T09:00:00+08:00';
    const weekendsOnly = deprived(start, at, [...builtInCalendarYears]);
    expect(weekendsOnly.obligation('station-report').opensAt).toBe('2027-10-01T00:00:00+08:00');
    const provisional = deprived(start, at, withProvisionalYears(builtInCalendarYears, 2026, 2031));
    expect(provisional.obligation('station-report')).toMatchObject({ opensAt: '2027-09-30T00:00:00+08:00', dueAt: '2027-10-07T23:59:59+08:00' });
    expect(provisional.view().warnings).toContain(
      "working-day calendar for 2027 is provisional: statutory holidays only, the State Council's schedule is not loaded",
    );
    expect(provisional.view().calendar).toContainEqual({ year: 2027, version: 0 });
  });

  test('Time-skip to the evening before the window opens: the report is refused with the day it opens; at 09-29 00:00 it is accepted', () => {
    const c = upToOctober().advanceTo('2026-09-28T18:00:00+08:00');
    expect(c.rejection('station-reported')).toBe('the station report window opens on 2026-09-29T00:00:00+08:00');
    c.advanceTo('2026-09-29T00:00:00+08:00').act('station-reported');
    expect(c.obligation('station-report')).toMatchObject({ status: 'done', late: false, completedAt: '2026-09-29T00:00:00+08:00' });
    expect(c.rejection('station-reported')).toBe('the station has already been told');
  });

  test('On time: reported on 09-30, the last working day before National Day; the written notices stay owed as they were, from the last day of the term', () => {
    const c = upToOctober().advanceTo('2026-09-30T15:00:00+08:00');
    const before = c.obligation('written-notices');
    c.act('station-reported');
    expect(c.obligation('station-report')).toMatchObject({ status: 'done', late: false, completedAt: '2026-09-30T15:00:00+08:00' });
    expect(c.obligation('written-notices')).toEqual(before);
    expect(c.sent('reminder', 'station-report')).toEqual([]);
  });

  test('Late: reported on 10-12, the last day of the term; done and late, the station leader told at the end of 10-11', () => {
    const c = upToOctober().advanceTo('2026-10-12T09:00:00+08:00');
    c.act('station-reported');
    expect(c.obligation('station-report')).toMatchObject({ status: 'done', late: true, overdueAt: '2026-10-11T23:59:59+08:00' });
    expect(c.sent('reminder', 'station-report')).toEqual(['officer 2026-10-10T09:24:00+08:00']);
    expect(c.sent('overdue-escalation', 'station-report')).toEqual(['station-leader 2026-10-11T23:59:59+08:00']);
  });

  test('Missed: overdue to the station leader at the end of 10-11, to the supervisor 48 h later; the rights are restored but the case stays open', () => {
    const c = upToOctober().advanceTo('2026-10-20T00:00:00+08:00');
    expect(c.obligation('station-report')).toMatchObject({ status: 'overdue', overdueAt: '2026-10-11T23:59:59+08:00' });
    expect(c.sent('overdue-escalation', 'station-report')).toEqual(['station-leader 2026-10-11T23:59:59+08:00']);
    expect(c.sent('supervisor-escalation', 'station-report')).toEqual(['supervisor 2026-10-13T23:59:59+08:00']);
    expect(c.obligation('rights-restored').status).toBe('done');
    expect(c.view().status).toBe('open');
  });

  test('Rescheduled: a window in 2027 computed on weekends only moves when the 2027 schedule is loaded; once reached it never moves', () => {
    const c = deprived({ caseNumber: 'DR-2026-1214', termStart: '2026-12-14', termEnd: '2027-06-14' }, '2026-12-14T09:00:00+08:00');
    expect(c.obligation('station-report')).toMatchObject({ opensAt: '2027-06-07T00:00:00+08:00', dueAt: '2027-06-13T23:59:59+08:00' });
    expect(c.view().warnings).toEqual(['no working-day calendar for 2027: computed on weekends only']);

    // Dragon Boat 06-09…06-11 (Wed–Fri): counting back 06-08, 06-07, 06-04, 06-03, 06-02.
    c.advanceTo('2027-03-01T10:00:00+08:00').loadCalendar(calendar2027);
    const report = c.obligation('station-report');
    expect(report).toMatchObject({ opensAt: '2027-06-02T00:00:00+08:00', dueAt: '2027-06-13T23:59:59+08:00' });
    expect(report.changes).toEqual([
      {
        field: 'opensAt',
        from: '2027-06-07T00:00:00+08:00',
        to: '2027-06-02T00:00:00+08:00',
        at: '2027-03-01T10:00:00+08:00',
        reason: 'working-day calendar 2027 version 1 loaded (test schedule for 2027)',
      },
    ]);
    expect(c.view().warnings).toEqual([]);
    c.advanceTo('2027-06-01T17:00:00+08:00');
    expect(c.rejection('station-reported')).toBe('the station report window opens on 2027-06-02T00:00:00+08:00');

    c.advanceTo('2027-06-02T08:00:00+08:00').loadCalendar({ ...calendar2027, holidays: [], version: 2, source: 'corrected schedule' });
    expect(c.obligation('station-report')).toMatchObject({ opensAt: '2027-06-02T00:00:00+08:00' });
    expect(c.obligation('station-report').changes).toHaveLength(1);
    expect(c.view().calendar).toContainEqual({ year: 2027, version: 2 });
    c.act('station-reported');
    expect(c.obligation('station-report')).toMatchObject({ status: 'done', late: false });
  });
});

describe('written-notices (由派出所书面通知本人及其所在单位、居住地基层组织): owed when the term expires, from its last day to 1 working day after it', () => {
  test('Owed from the start, whether or not the station is told: the window opens on the last day 10-12, due at the end of Tuesday 10-13', () => {
    const c = deprived();
    const notices = c.obligation('written-notices');
    expect(notices).toMatchObject({
      status: 'pending',
      responsible: 'station',
      article: '41(4)',
      opensAt: '2026-10-12T00:00:00+08:00',
      dueAt: '2026-10-13T23:59:59+08:00',
    });
    expect(notices.basis).toMatchObject({ rule: 'within-working-days', from: '2026-10-12', n: 1, sets: 'dueAt', warnings: [] });
  });

  test('A term ending Wednesday 2026-09-30: the one working day after it is Thursday 10-08, after the National Day holiday', () => {
    const c = deprived({ caseNumber: 'DR-2026-0401', termStart: '2026-04-01', termEnd: '2026-09-30' }, '2026-04-01T09:00:00+08:00');
    expect(c.obligation('written-notices')).toMatchObject({ opensAt: '2026-09-30T00:00:00+08:00', dueAt: '2026-10-08T23:59:59+08:00' });
  });

  test('Before the last day of the term they are refused with the day they open, even once the station is told; on 10-12 they are accepted', () => {
    const c = upToOctober().advanceTo('2026-09-29T10:00:00+08:00');
    c.act('station-reported');
    expect(c.rejection('written-notices-delivered')).toBe("the written notices may be delivered from 2026-10-12T00:00:00+08:00, the term's last day");
    c.advanceTo('2026-10-11T23:59:00+08:00');
    expect(c.rejection('written-notices-delivered')).toBe("the written notices may be delivered from 2026-10-12T00:00:00+08:00, the term's last day");
    c.advanceTo('2026-10-12T10:00:00+08:00');
    expect(c.rejection('written-notices-delivered', { at: '2026-10-11T17:00:00+08:00' })).toBe(
      "the written notices may be delivered from 2026-10-12T00:00:00+08:00, the term's last day",
    );
    c.act('written-notices-delivered');
    expect(c.obligation('written-notices')).toMatchObject({ status: 'done', late: false, completedAt: '2026-10-12T10:00:00+08:00' });
  });

  test('On time: delivered on 10-13; one notice to each of the three, at delivery, under Art. 41(4); a second delivery is refused', () => {
    const c = upToOctober().advanceTo('2026-09-29T10:00:00+08:00');
    c.act('station-reported');
    c.advanceTo('2026-10-13T11:00:00+08:00').act('written-notices-delivered');
    expect(c.obligation('written-notices')).toMatchObject({ status: 'done', late: false, completedAt: '2026-10-13T11:00:00+08:00' });
    expect(c.notices('rights-restoration-notice')).toEqual(
      ['subject', 'unit', 'community-organisation'].map((recipient) =>
        expect.objectContaining({
          recipient,
          article: '41(4)',
          obligationKey: 'written-notices',
          createdAt: '2026-10-13T11:00:00+08:00',
          facts: { termEnd: '2026-10-12' },
        }),
      ),
    );
    expect(c.rejection('written-notices-delivered')).toBe('the case is closed');
    expect(c.sent('reminder', 'written-notices')).toEqual(['station 2026-10-12T10:20:00+08:00']);
  });

  test('The officer never reported to the station: the notices are owed all the same, delivered on 10-12; the missing report stays overdue on its own', () => {
    const c = upToOctober().advanceTo('2026-10-12T10:00:00+08:00');
    expect(c.obligation('station-report')).toMatchObject({ status: 'overdue', overdueAt: '2026-10-11T23:59:59+08:00' });
    c.act('written-notices-delivered');
    expect(c.obligation('written-notices')).toMatchObject({ status: 'done', late: false });
    expect(c.sent('rights-restoration-notice')).toEqual([
      'subject 2026-10-12T10:00:00+08:00',
      'unit 2026-10-12T10:00:00+08:00',
      'community-organisation 2026-10-12T10:00:00+08:00',
    ]);
    c.advanceTo('2026-10-20T00:00:00+08:00');
    expect(c.obligation('station-report').status).toBe('overdue');
    expect(c.sent('supervisor-escalation', 'station-report')).toEqual(['supervisor 2026-10-13T23:59:59+08:00']);
    expect(c.view().status).toBe('open');
  });

  test('A person without a unit: the notices go to exactly the person and the community organisation', () => {
    const c = deprived({ unit: undefined }).advanceTo('2026-10-12T10:00:00+08:00');
    c.act('written-notices-delivered');
    expect(c.sent('rights-restoration-notice')).toEqual(['subject 2026-10-12T10:00:00+08:00', 'community-organisation 2026-10-12T10:00:00+08:00']);
  });

  test('Missed: the station reminded the morning of 10-12, the station leader told at the end of 10-13, the supervisor 48 h later; delivered on 10-16, late, the case closes then', () => {
    const c = upToOctober().advanceTo('2026-09-29T10:00:00+08:00');
    c.act('station-reported');
    c.advanceTo('2026-10-10T09:00:00+08:00').act('activity-reported', { month: '2026-10' });
    c.advanceTo('2026-10-16T09:00:00+08:00');
    expect(c.obligation('written-notices')).toMatchObject({ status: 'overdue', overdueAt: '2026-10-13T23:59:59+08:00' });
    expect(c.sent('reminder', 'written-notices')).toEqual(['station 2026-10-12T10:20:00+08:00']);
    expect(c.sent('overdue-escalation', 'written-notices')).toEqual(['station-leader 2026-10-13T23:59:59+08:00']);
    expect(c.sent('supervisor-escalation', 'written-notices')).toEqual(['supervisor 2026-10-15T23:59:59+08:00']);
    expect(c.view().status).toBe('open');
    const v = c.act('written-notices-delivered');
    expect(c.obligation('written-notices')).toMatchObject({ status: 'done', late: true });
    expect(v).toMatchObject({ status: 'closed', outcome: 'rights-restored', closedAt: '2026-10-16T09:00:00+08:00' });
  });

  test('Rescheduled: due one working day after a term ending Friday 2027-06-11, on weekends only Monday 06-14; a 2027 schedule with Monday off moves it to Tuesday', () => {
    const c = deprived({ caseNumber: 'DR-2026-1211', termStart: '2026-12-11', termEnd: '2027-06-11' }, '2026-12-11T09:00:00+08:00');
    expect(c.obligation('written-notices')).toMatchObject({ opensAt: '2027-06-11T00:00:00+08:00', dueAt: '2027-06-14T23:59:59+08:00' });
    c.advanceTo('2027-03-01T10:00:00+08:00').loadCalendar({
      ...calendar2027,
      holidays: [{ from: '2027-06-12', to: '2027-06-14', name: 'Dragon Boat 端午节 (test)' }],
    });
    expect(c.obligation('written-notices')).toMatchObject({ opensAt: '2027-06-11T00:00:00+08:00', dueAt: '2027-06-15T23:59:59+08:00' });
  });
});

describe('half-yearly-visit (Art. 42 每半年全面走访考察一次特定对象): six months from the start, then six months from the last visit', () => {
  test('Owed from the start: the first half-year of the term 04-13…10-12; visited on 07-20, on time; the next would fall due after the term, so none is owed', () => {
    const c = deprived();
    expect(c.obligation('half-yearly-visit', '1')).toMatchObject({
      status: 'pending',
      responsible: 'officer',
      article: '42',
      opensAt: '2026-04-13T00:00:00+08:00',
      dueAt: '2026-10-12T23:59:59+08:00',
    });
    c.advanceTo('2026-07-20T15:00:00+08:00').act('visited-in-full', { recordRef: 'SQ-0720' });
    expect(c.obligation('half-yearly-visit', '1')).toMatchObject({ status: 'done', late: false, completedAt: '2026-07-20T15:00:00+08:00' });
    expect(c.view().records).toMatchObject({ fullVisits: ['2026-07-20T15:00:00+08:00'] });
    expect(c.view().obligations.filter((o) => o.key === 'half-yearly-visit')).toHaveLength(1);
    expect(c.rejection('visited-in-full')).toBe('no further half-yearly-visit is owed: the next would fall due after 2026-10-12');
    c.advanceTo('2026-10-20T00:00:00+08:00');
    expect(c.sent('reminder', 'half-yearly-visit')).toEqual([]);
  });

  test('Rolling: a one-year term; visited on 08-14, so the next half-year runs 08-15…2027-02-14; visited early on 2026-12-01, the third would fall due after the term', () => {
    const c = deprived({ caseNumber: 'DR-2026-0413Y', termEnd: '2027-04-12' });
    c.advanceTo('2026-08-14T10:00:00+08:00').act('visited-in-full');
    expect(c.obligation('half-yearly-visit', '2')).toMatchObject({
      status: 'pending',
      opensAt: '2026-08-15T00:00:00+08:00',
      dueAt: '2027-02-14T23:59:59+08:00',
    });
    expect(c.rejection('visited-in-full')).toBe('half-yearly-visit 2 opens on 2026-08-15T00:00:00+08:00');
    c.advanceTo('2026-12-01T10:00:00+08:00').act('visited-in-full');
    expect(c.obligation('half-yearly-visit', '2')).toMatchObject({ status: 'done', late: false });
    expect(
      c
        .view()
        .obligations.filter((o) => o.key === 'half-yearly-visit')
        .map((o) => o.period),
    ).toEqual(['1', '2']);
  });

  test('Missed: the officer reminded on Saturday 10-10 (a make-up workday), the station leader told at the end of 10-12, the supervisor 48 h later; visited late on 10-20, the next runs from 10-21', () => {
    const c = deprived({ caseNumber: 'DR-2026-0413Y', termEnd: '2027-12-12' });
    c.advanceTo('2026-10-20T10:00:00+08:00');
    expect(c.obligation('half-yearly-visit', '1')).toMatchObject({ status: 'overdue', overdueAt: '2026-10-12T23:59:59+08:00' });
    expect(c.sent('reminder', 'half-yearly-visit', '1')).toEqual(['officer 2026-10-10T09:07:00+08:00']);
    expect(c.sent('overdue-escalation', 'half-yearly-visit', '1')).toEqual(['station-leader 2026-10-12T23:59:59+08:00']);
    expect(c.sent('supervisor-escalation', 'half-yearly-visit', '1')).toEqual(['supervisor 2026-10-14T23:59:59+08:00']);
    c.act('visited-in-full');
    expect(c.obligation('half-yearly-visit', '1')).toMatchObject({ status: 'done', late: true });
    expect(c.obligation('half-yearly-visit', '2')).toMatchObject({
      status: 'pending',
      opensAt: '2026-10-21T00:00:00+08:00',
      dueAt: '2027-04-20T23:59:59+08:00',
    });
  });

  test('A case that arrives after the term began still counts from the term’s first day (no six fresh months); a visit never made is cancelled when the term ends and keeps its overdue record', () => {
    const c = deprived({ caseNumber: 'DR-2026-0401', termStart: '2026-04-01', termEnd: '2026-11-30' }, '2026-04-13T09:00:00+08:00');
    expect(c.obligation('half-yearly-visit', '1')).toMatchObject({ opensAt: '2026-04-01T00:00:00+08:00', dueAt: '2026-09-30T23:59:59+08:00' });
    c.advanceTo('2026-12-05T00:00:00+08:00');
    expect(c.obligation('half-yearly-visit', '1')).toMatchObject({
      status: 'cancelled',
      overdueAt: '2026-09-30T23:59:59+08:00',
      completedAt: '2026-11-30T23:59:59+08:00',
    });
    expect(c.rejection('visited-in-full')).toBe('no half-yearly-visit is owed any more');
  });

  test('A 5-year term 2026-03-01…2031-02-28, visited each time on the last day allowed: exactly 10 visits over the term, and an 11th is never owed', () => {
    const c = deprived({ caseNumber: 'DR-2026-0301V', termStart: '2026-03-01', termEnd: '2031-02-28' }, '2026-03-01T09:00:00+08:00');
    // Each half-year runs from the day after the last visit to the day before the same date six months on.
    const halfYears = [
      ['2026-03-01', '2026-08-31'],
      ['2026-09-01', '2027-02-28'],
      ['2027-03-01', '2027-08-31'],
      ['2027-09-01', '2028-02-29'],
      ['2028-03-01', '2028-08-31'],
      ['2028-09-01', '2029-02-28'],
      ['2029-03-01', '2029-08-31'],
      ['2029-09-01', '2030-02-28'],
      ['2030-03-01', '2030-08-31'],
      ['2030-09-01', '2031-02-28'],
    ];
    for (const [i, [opens, due]] of halfYears.entries()) {
      if (i % 2 === 0) c.continueAsNew();
      expect(c.obligation('half-yearly-visit', String(i + 1))).toMatchObject({
        status: 'pending',
        opensAt: `${opens}T00:00:00+08:00`,
        dueAt: `${due}T23:59:59+08:00`,
      });
      c.advanceTo(`${due}T16:00:00+08:00`).act('visited-in-full');
    }
    expect(c.rejection('visited-in-full')).toBe('no further half-yearly-visit is owed: the next would fall due after 2031-02-28');
    c.advanceTo('2031-03-10T00:00:00+08:00');
    const visits = c.view().obligations.filter((o) => o.key === 'half-yearly-visit');
    expect(visits.map((o) => `${o.period} ${o.status} ${o.late}`)).toEqual(halfYears.map((_, i) => `${i + 1} done false`));
    expect(c.sent('overdue-escalation', 'half-yearly-visit')).toEqual([]);
    expect(c.view().records).toMatchObject({ fullVisits: halfYears.map(([, due]) => `${due}T16:00:00+08:00`) });
  });
});

describe('rights-restored (执行期满，恢复政治权利): at the end of the last day of the term', () => {
  test('Everything done by then: the system restores the rights at the end of 10-12 and the case closes with it', () => {
    const c = upToOctober().advanceTo('2026-09-29T10:00:00+08:00');
    c.act('station-reported');
    c.advanceTo('2026-10-08T10:00:00+08:00').act('activity-reported', { month: '2026-10' });
    c.advanceTo('2026-10-12T09:00:00+08:00').act('written-notices-delivered');
    c.advanceTo('2026-10-12T23:59:58+08:00');
    expect(c.view().status).toBe('open');
    expect(c.obligation('rights-restored').status).toBe('pending');
    c.advanceTo('2026-10-13T00:00:00+08:00');
    expect(c.obligation('rights-restored')).toMatchObject({
      status: 'done',
      responsible: 'system',
      completedBy: 'system',
      late: false,
      completedAt: '2026-10-12T23:59:59+08:00',
    });
    const v = c.view();
    expect(v).toMatchObject({ status: 'closed', outcome: 'rights-restored', closedAt: '2026-10-12T23:59:59+08:00' });
    expect(v.records).toMatchObject({
      rightsRestoredAt: '2026-10-12T23:59:59+08:00',
      summary: { monthlyReports: 7, reportedLate: 0, missed: 0, violations: 0, writtenNotices: 3, fullVisits: 1 },
    });
    expect(v.obligations.filter((o) => o.status === 'pending' || o.status === 'overdue')).toEqual([]);
    expect(c.rejection('violation-recorded', { description: 'x' })).toBe('the case is closed');
  });

  test('Monthly reports never made are cancelled at the end of the term and keep their overdue record; October no longer reaches the supervisor', () => {
    const c = deprived().advanceTo('2026-04-13T09:30:00+08:00');
    c.act('subject-reported');
    c.act('announced', { to: ['subject', 'unit', 'community-organisation'] });
    for (const month of ['2026-04', '2026-05', '2026-06', '2026-07', '2026-08'])
      c.advanceTo(`${month}-28T10:00:00+08:00`).act('activity-reported', { month });
    c.act('visited-in-full');
    c.advanceTo('2026-09-29T10:00:00+08:00').act('station-reported');
    c.advanceTo('2026-10-12T10:00:00+08:00').act('written-notices-delivered');
    c.advanceTo('2026-10-20T00:00:00+08:00');
    expect(c.obligation('monthly-report', '2026-09')).toMatchObject({
      status: 'cancelled',
      overdueAt: '2026-09-30T23:59:59+08:00',
      completedAt: '2026-10-12T23:59:59+08:00',
    });
    expect(c.obligation('monthly-report', '2026-10')).toMatchObject({
      status: 'cancelled',
      overdueAt: '2026-10-11T23:59:59+08:00',
      completedAt: '2026-10-12T23:59:59+08:00',
    });
    expect(c.sent('supervisor-escalation', 'monthly-report')).toEqual(['supervisor 2026-10-02T23:59:59+08:00']);
    expect(c.view()).toMatchObject({
      status: 'closed',
      outcome: 'rights-restored',
      closedAt: '2026-10-12T23:59:59+08:00',
      records: { summary: { monthlyReports: 5, reportedLate: 0, missed: 2, writtenNotices: 3 } },
    });
  });

  test('With the station report still open the rights are restored on time, and the case closes only when the station has notified', () => {
    const c = upToOctober().advanceTo('2026-10-10T09:00:00+08:00');
    c.act('activity-reported', { month: '2026-10' });
    c.advanceTo('2026-10-14T09:00:00+08:00');
    expect(c.view().records).toMatchObject({ rightsRestoredAt: '2026-10-12T23:59:59+08:00' });
    expect(c.view().status).toBe('open');
    c.act('station-reported');
    expect(c.view().status).toBe('open');
    c.advanceTo('2026-10-14T15:00:00+08:00').act('written-notices-delivered');
    expect(c.view()).toMatchObject({ status: 'closed', outcome: 'rights-restored', closedAt: '2026-10-14T15:00:00+08:00' });
  });
});

describe('violations (对违反规定的，依法可以给予治安管理处罚): the station decides on a penalty', () => {
  test('A violation with a penalty proposed goes to the station, once, at the time recorded; one without a proposal is only recorded', () => {
    const c = deprived().advanceTo('2026-05-06T15:00:00+08:00');
    c.act('violation-recorded', { description: '未经批准接受境外媒体采访', penaltyProposed: true });
    c.advanceTo('2026-05-20T15:00:00+08:00').act('violation-recorded', { description: '未按时报告活动情况' });
    expect(c.notices('penalty-proposal')).toEqual([
      expect.objectContaining({
        recipient: 'station',
        article: '41(4)',
        createdAt: '2026-05-06T15:00:00+08:00',
        facts: { description: '未经批准接受境外媒体采访' },
      }),
    ]);
    expect(c.view().records).toMatchObject({
      violations: [
        { at: '2026-05-06T15:00:00+08:00', penaltyProposed: true },
        { at: '2026-05-20T15:00:00+08:00', penaltyProposed: false },
      ],
    });
  });
});

describe('a life-long deprivation (termEnd null): monthly duties only, ended by a decision', () => {
  test('A term starting 06-01: only the first half-yearly visit is owed before it, then one report a month; no station report, no notices, no restoration; case-closed ends it', () => {
    const c = deprived({ caseNumber: 'DR-2026-LIFE', termStart: '2026-06-01', termEnd: null, unit: undefined });
    expect(c.view().obligations.map((o) => `${o.key} ${o.period} ${o.opensAt} ${o.dueAt}`)).toEqual([
      'half-yearly-visit 1 2026-06-01T00:00:00+08:00 2026-11-30T23:59:59+08:00',
    ]);
    expect(c.rejection('station-reported')).toBe('a life-long deprivation has no station report');
    expect(c.rejection('written-notices-delivered')).toBe('a life-long deprivation has no written notices');
    c.advanceTo('2026-05-20T10:00:00+08:00');
    expect(c.rejection('visited-in-full')).toBe('half-yearly-visit 1 opens on 2026-06-01T00:00:00+08:00');
    c.advanceTo('2026-05-31T23:59:59+08:00');
    expect(c.view().obligations).toHaveLength(1);
    c.advanceTo('2026-06-01T00:00:00+08:00');
    expect(c.obligation('monthly-report', '2026-06')).toMatchObject({ opensAt: '2026-06-01T00:00:00+08:00', dueAt: '2026-06-30T23:59:59+08:00' });
    c.advanceTo('2026-06-10T10:00:00+08:00').act('activity-reported', { month: '2026-06' });
    c.advanceTo('2027-01-05T10:00:00+08:00');
    expect(c.view().obligations.map((o) => `${o.key} ${o.period} ${o.status}`)).toEqual([
      'half-yearly-visit 1 overdue',
      'monthly-report 2026-06 done',
      'monthly-report 2026-07 overdue',
      'monthly-report 2026-08 overdue',
      'monthly-report 2026-09 overdue',
      'monthly-report 2026-10 overdue',
      'monthly-report 2026-11 overdue',
      'monthly-report 2026-12 overdue',
      'monthly-report 2027-01 pending',
    ]);
    expect(c.sent('overdue-escalation', 'monthly-report', '2026-12')).toEqual(['station-leader 2026-12-31T23:59:59+08:00']);
    expect(c.sent('supervisor-escalation', 'monthly-report', '2026-12')).toEqual(['supervisor 2027-01-02T23:59:59+08:00']);
    const v = c.act('case-closed', { reason: '法院裁定' });
    expect(v).toMatchObject({ status: 'closed', outcome: 'closed-by-decision', closedAt: '2027-01-05T10:00:00+08:00' });
    expect(v.records).toMatchObject({ summary: { monthlyReports: 1, reportedLate: 0, missed: 6, violations: 0, writtenNotices: 0, fullVisits: 0 } });
    expect(v.obligations.filter((o) => o.status === 'pending' || o.status === 'overdue')).toEqual([]);
    c.advanceTo('2027-03-01T00:00:00+08:00');
    expect(c.view().obligations).toHaveLength(9);
    expect(c.notices().filter((n) => n.createdAt > '2027-01-05T10:00:00+08:00')).toEqual([]);
  });
});

describe('a 5-year term, 2026-03-01…2031-02-28, carried across runs', () => {
  const months = Array.from({ length: 60 }, (_, i) => `${2026 + Math.floor((i + 2) / 12)}-${String(((i + 2) % 12) + 1).padStart(2, '0')}`);
  const late = new Set(['2026-08', '2027-08', '2029-08']);
  const missed = '2028-09';

  test('60 monthly periods through five continue-as-new runs, three late and one missed; 10 full visits, every February and August; the 2031 window on weekends only; closed at the end of 2031-02-28', () => {
    expect([months[0], months[59]]).toEqual(['2026-03', '2031-02']);
    const c = deprived({ caseNumber: 'DR-2026-0301', termStart: '2026-03-01', termEnd: '2031-02-28' }, '2026-03-02T09:00:00+08:00');
    c.advanceTo('2026-03-02T09:30:00+08:00').act('subject-reported');
    c.act('announced', { to: ['subject', 'unit', 'community-organisation'] });
    for (const [i, month] of months.entries()) {
      if (i > 0 && i % 12 === 0) c.continueAsNew();
      if (month.endsWith('-02') || month.endsWith('-08')) c.advanceTo(`${month}-10T09:00:00+08:00`).act('visited-in-full');
      if (month === missed) continue;
      const at = late.has(month) ? `${months[i + 1]}-02T10:00:00+08:00` : `${month}-10T10:00:00+08:00`;
      c.advanceTo(at).act('activity-reported', { month });
    }
    expect(c.view().run).toBe(4);
    // Due 09-01 (six months from the case's start on 03-02), then six months from each visit on the 10th.
    expect(
      c
        .view()
        .obligations.filter((o) => o.key === 'half-yearly-visit')
        .map((o) => `${o.period} ${o.dueAt} ${o.status} ${o.late}`),
    ).toEqual([
      '1 2026-08-31T23:59:59+08:00 done false',
      '2 2027-02-10T23:59:59+08:00 done false',
      '3 2027-08-10T23:59:59+08:00 done false',
      '4 2028-02-10T23:59:59+08:00 done false',
      '5 2028-08-10T23:59:59+08:00 done false',
      '6 2029-02-10T23:59:59+08:00 done false',
      '7 2029-08-10T23:59:59+08:00 done false',
      '8 2030-02-10T23:59:59+08:00 done false',
      '9 2030-08-10T23:59:59+08:00 done false',
      '10 2031-02-10T23:59:59+08:00 done false',
    ]);

    // 2031 has no calendar: 02-27 (Thu), 02-26, 02-25, 02-24 (Mon), 02-21 (Fri).
    expect(c.obligation('station-report')).toMatchObject({ opensAt: '2031-02-21T00:00:00+08:00', dueAt: '2031-02-27T23:59:59+08:00' });
    expect(c.view().warnings).toEqual(['no working-day calendar for 2031: computed on weekends only']);
    c.continueAsNew();
    c.advanceTo('2031-02-20T10:00:00+08:00');
    expect(c.rejection('station-reported')).toBe('the station report window opens on 2031-02-21T00:00:00+08:00');
    c.advanceTo('2031-02-21T09:00:00+08:00').act('station-reported');
    // Due one working day after the term: Monday 2031-03-03 on weekends only.
    expect(c.obligation('written-notices')).toMatchObject({ opensAt: '2031-02-28T00:00:00+08:00', dueAt: '2031-03-03T23:59:59+08:00' });
    c.advanceTo('2031-02-28T10:00:00+08:00').act('written-notices-delivered');
    expect(c.view().status).toBe('open');
    c.advanceTo('2031-03-01T00:00:00+08:00');

    const v = c.view();
    expect(v).toMatchObject({ status: 'closed', outcome: 'rights-restored', closedAt: '2031-02-28T23:59:59+08:00', run: 5 });
    expect(v.records).toMatchObject({
      summary: { monthlyReports: 59, reportedLate: 3, missed: 1, violations: 0, writtenNotices: 3, fullVisits: 10 },
    });
    const monthly = v.obligations.filter((o) => o.key === 'monthly-report');
    expect(monthly.map((o) => o.period)).toEqual(months);
    expect(monthly.filter((o) => o.late).map((o) => o.period)).toEqual(['2026-08', '2027-08', '2029-08']);
    expect(c.obligation('monthly-report', missed)).toMatchObject({ status: 'cancelled', overdueAt: '2028-09-30T23:59:59+08:00' });
    expect(
      c
        .notices()
        .filter((n) => n.kind.endsWith('escalation'))
        .map((n) => `${n.kind} ${n.obligationKey} ${n.period} → ${n.recipient} ${n.createdAt}`),
    ).toEqual([
      'overdue-escalation monthly-report 2026-08 → station-leader 2026-08-31T23:59:59+08:00',
      'overdue-escalation monthly-report 2027-08 → station-leader 2027-08-31T23:59:59+08:00',
      'overdue-escalation monthly-report 2028-09 → station-leader 2028-09-30T23:59:59+08:00',
      'supervisor-escalation monthly-report 2028-09 → supervisor 2028-10-02T23:59:59+08:00',
      'overdue-escalation monthly-report 2029-08 → station-leader 2029-08-31T23:59:59+08:00',
    ]);
    expect(c.sent('rights-restoration-notice')).toEqual([
      'subject 2031-02-28T10:00:00+08:00',
      'unit 2031-02-28T10:00:00+08:00',
      'community-organisation 2031-02-28T10:00:00+08:00',
    ]);
  });
});
