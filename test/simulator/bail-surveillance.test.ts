import { SimulatedCase, pinnedBailStart } from '../support/simulator';

// Every date is pinned in 2026 (built-in calendar: National Day 10-01…10-07, make-up workdays 09-20 and 10-10).
// 2026-03-02 is a Monday.

function bail(overrides: Record<string, unknown> = {}, policy?: Record<string, number>) {
  return SimulatedCase.start(pinnedBailStart(overrides), '2026-03-02T09:00:00+08:00', undefined, policy);
}

describe('subject-report (Art. 41(8)): the subject reports by the decision authority’s deadline', () => {
  test('on time: done, not late; the officer was reminded the morning before the deadline', () => {
    const c = bail().advanceTo('2026-03-03T10:00:00+08:00');
    expect(c.sent('reminder')).toEqual(['officer 2026-03-03T09:46:00+08:00']);
    c.act('subject-reported');
    expect(c.obligation('subject-report')).toMatchObject({
      status: 'done',
      late: false,
      completedBy: 'P-20931',
      completedAt: '2026-03-03T10:00:00+08:00',
    });
  });

  test('missed: at the deadline the station and the decision authority are told, and no one else, even days later', () => {
    const c = bail().advanceTo('2026-03-04T09:00:00+08:00');
    expect(c.obligation('subject-report')).toMatchObject({ status: 'overdue', overdueAt: '2026-03-04T09:00:00+08:00' });
    expect(c.sent('subject-not-reported')).toEqual(['station 2026-03-04T09:00:00+08:00', 'decision-authority 2026-03-04T09:00:00+08:00']);
    c.advanceDays(5);
    expect(c.notices('overdue-escalation')).toEqual([]);
    expect(c.notices('supervisor-escalation').filter((n) => n.obligationKey === 'subject-report')).toEqual([]);
  });

  test('a deadline already past when the case arrives is listed for review; found not done, the subject is owed 24 h more (policy)', () => {
    const c = bail({ noticeReceivedAt: '2026-02-27T09:00:00+08:00', reportBy: '2026-02-28T09:00:00+08:00' });
    expect(c.obligation('subject-report')).toMatchObject({ status: 'before-adoption', adoption: { review: 'to-review' } });
    expect(c.notices()).toEqual([]);
    c.act('adoption-confirmed', { key: 'subject-report', outcome: 'not-done' });
    expect(c.obligation('subject-report')).toMatchObject({ status: 'pending', dueAt: '2026-03-03T09:00:00+08:00', late: true });
    c.advanceTo('2026-03-03T10:00:00+08:00');
    expect(c.obligation('subject-report')).toMatchObject({ status: 'overdue', overdueAt: '2026-03-03T09:00:00+08:00' });
    expect(c.sent('subject-not-reported')).toEqual(['station 2026-03-03T09:00:00+08:00', 'decision-authority 2026-03-03T09:00:00+08:00']);
  });

  test('late: a report after the deadline is recorded as late, never lost', () => {
    const c = bail().advanceTo('2026-03-05T11:00:00+08:00');
    c.act('subject-reported');
    expect(c.obligation('subject-report')).toMatchObject({ status: 'done', late: true, completedAt: '2026-03-05T11:00:00+08:00' });
  });
});

describe('rules-explained: the rules are explained within 24 hours of the report', () => {
  test('on time, with no reminder (the officer explains them on the spot)', () => {
    const c = bail().advanceTo('2026-03-03T10:00:00+08:00');
    c.act('subject-reported');
    expect(c.obligation('rules-explained')).toMatchObject({
      status: 'pending',
      opensAt: '2026-03-03T10:00:00+08:00',
      dueAt: '2026-03-04T10:00:00+08:00',
    });
    c.advanceHours(2).act('rules-explained');
    expect(c.obligation('rules-explained')).toMatchObject({ status: 'done', late: false });
    expect(c.notices('reminder').filter((n) => n.obligationKey === 'rules-explained')).toEqual([]);
  });

  test('missed: overdue to the station leader at 24 h, to the supervisor 48 h later; explained late afterwards', () => {
    const c = bail().advanceTo('2026-03-03T10:00:00+08:00');
    c.act('subject-reported');
    c.advanceTo('2026-03-06T10:00:00+08:00');
    const about = (kind: string) => c.sent(kind, 'rules-explained');
    expect(about('overdue-escalation')).toEqual(['station-leader 2026-03-04T10:00:00+08:00']);
    expect(about('supervisor-escalation')).toEqual(['supervisor 2026-03-06T10:00:00+08:00']);
    c.act('rules-explained');
    expect(c.obligation('rules-explained')).toMatchObject({ status: 'done', late: true, overdueAt: '2026-03-04T10:00:00+08:00' });
  });
});

describe('authority-feedback: feedback to the decision authority within 3 days (the period rule)', () => {
  test('a report on Wednesday: day 3 is Saturday, so the period ends with Monday; reminded Monday morning (Friday lies in the first half of its time); on time Monday', () => {
    const c = bail().advanceTo('2026-03-04T08:00:00+08:00');
    c.act('subject-reported');
    expect(c.obligation('authority-feedback')).toMatchObject({ opensAt: '2026-03-04T08:00:00+08:00', dueAt: '2026-03-09T23:59:59+08:00' });
    c.advanceTo('2026-03-09T16:00:00+08:00');
    expect(
      c
        .notices('reminder')
        .filter((n) => n.obligationKey === 'authority-feedback')
        .map((n) => n.createdAt),
    ).toEqual(['2026-03-09T09:36:00+08:00']);
    c.act('feedback-sent', { documentRef: 'FK-0309' });
    expect(c.obligation('authority-feedback')).toMatchObject({ status: 'done', late: false });
    expect(c.notices('authority-feedback')).toEqual([
      expect.objectContaining({
        recipient: 'decision-authority',
        createdAt: '2026-03-09T16:00:00+08:00',
        facts: { late: false, documentRef: 'FK-0309' },
      }),
    ]);
  });

  test('a report on Monday 2026-09-28: day 3 falls in the National Day holiday, so the period ends with Thursday 10-08', () => {
    const c = bail({
      noticeReceivedAt: '2026-09-28T08:00:00+08:00',
      reportBy: '2026-09-29T09:00:00+08:00',
      termStart: '2026-09-28',
      termEnd: '2027-03-27',
    });
    c.advanceTo('2026-09-28T09:00:00+08:00').act('subject-reported');
    expect(c.obligation('authority-feedback').dueAt).toBe('2026-10-08T23:59:59+08:00');
  });

  test('missed: overdue to the station leader at the end of the period, the supervisor 48 h later; sent late, the notice says so', () => {
    const c = bail().advanceTo('2026-03-04T08:00:00+08:00');
    c.act('subject-reported');
    c.act('rules-explained');
    c.advanceTo('2026-03-12T09:00:00+08:00');
    const about = (kind: string) => c.sent(kind, 'authority-feedback');
    expect(about('overdue-escalation')).toEqual(['station-leader 2026-03-09T23:59:59+08:00']);
    expect(about('supervisor-escalation')).toEqual(['supervisor 2026-03-11T23:59:59+08:00']);
    c.act('feedback-sent');
    expect(c.obligation('authority-feedback')).toMatchObject({ status: 'done', late: true });
    expect(c.notices('authority-feedback')[0].facts).toEqual({ late: true });
  });

  test('counted from the notice when it arrives after the report', () => {
    const c = bail({ noticeReceivedAt: '2026-03-05T09:00:00+08:00', reportBy: '2026-03-06T09:00:00+08:00' });
    c.advanceTo('2026-03-02T10:00:00+08:00');
    expect(c.rejection('feedback-sent')).toBe('feedback is due only after the subject has reported');
    c.act('subject-reported');
    expect(c.obligation('authority-feedback')).toMatchObject({ opensAt: '2026-03-05T09:00:00+08:00', dueAt: '2026-03-09T23:59:59+08:00' });
  });

  test('rescheduled: a period ending in a year without calendar data moves when that year is loaded, with the reason', () => {
    const c = bail({
      noticeReceivedAt: '2026-12-29T09:00:00+08:00',
      reportBy: '2026-12-30T09:00:00+08:00',
      termStart: '2026-12-29',
      termEnd: '2027-06-28',
    });
    c.advanceTo('2026-12-29T10:00:00+08:00').act('subject-reported');
    // 2027 is not loaded: only weekends are days off, and the deadline says so.
    expect(c.obligation('authority-feedback').dueAt).toBe('2027-01-01T23:59:59+08:00');
    expect(c.view().warnings.join(' ')).toMatch(/2027/);
    c.loadCalendar({
      year: 2027,
      source: 'test schedule',
      version: 1,
      holidays: [{ from: '2027-01-01', to: '2027-01-03', name: 'New Year 元旦' }],
      workdays: [],
    });
    const feedback = c.obligation('authority-feedback');
    expect(feedback.dueAt).toBe('2027-01-04T23:59:59+08:00');
    expect(feedback.changes).toEqual([
      expect.objectContaining({
        field: 'dueAt',
        from: '2027-01-01T23:59:59+08:00',
        to: '2027-01-04T23:59:59+08:00',
        reason: 'working-day calendar 2027 version 1 loaded (test schedule)',
      }),
    ]);
    expect(c.view().warnings).toEqual([]);
  });
});

describe('compliance-check: a compliance check every calendar month of the term', () => {
  test('periods open month by month from the term start; one on time, one missed with both escalations', () => {
    const c = bail().advanceTo('2026-03-02T10:00:00+08:00');
    expect(c.obligation('compliance-check', '2026-03')).toMatchObject({ opensAt: '2026-03-02T00:00:00+08:00', dueAt: '2026-03-31T23:59:59+08:00' });
    c.act('compliance-checked', { month: '2026-03', compliant: true });
    expect(c.obligation('compliance-check', '2026-03')).toMatchObject({ status: 'done', late: false });
    expect(c.rejection('compliance-checked', { month: '2026-04', compliant: true })).toBe('no compliance check is open for 2026-04');
    c.advanceTo('2026-05-03T00:00:00+08:00');
    expect(c.obligation('compliance-check', '2026-04')).toMatchObject({
      status: 'overdue',
      opensAt: '2026-04-01T00:00:00+08:00',
      overdueAt: '2026-04-30T23:59:59+08:00',
    });
    const april = (kind: string) =>
      c
        .notices(kind)
        .filter((n) => n.period === '2026-04')
        .map((n) => `${n.recipient} ${n.createdAt}`);
    expect(april('reminder')).toEqual(['officer 2026-04-29T10:48:00+08:00']);
    expect(april('overdue-escalation')).toEqual(['station-leader 2026-04-30T23:59:59+08:00']);
    expect(april('supervisor-escalation')).toEqual(['supervisor 2026-05-02T23:59:59+08:00']);
    c.act('compliance-checked', { month: '2026-04', compliant: false });
    expect(c.obligation('compliance-check', '2026-04')).toMatchObject({ status: 'done', late: true });
    expect(c.view().records).toMatchObject({
      complianceChecks: [
        { month: '2026-03', compliant: true },
        { month: '2026-04', compliant: false },
      ],
    });
  });
});

describe('expiry-report (期限届满十日前将相关情况通知决定机关): the officer tells the decision authority how the subject complied', () => {
  /** A case with a record: checks (one late and non-compliant, four missed), applications, violations, a visit. */
  function withRecords() {
    const c = bail().advanceTo('2026-03-03T10:00:00+08:00');
    c.act('subject-reported');
    c.act('rules-explained');
    c.act('feedback-sent');
    c.advanceTo('2026-03-20T10:00:00+08:00').act('compliance-checked', { month: '2026-03', compliant: true });
    c.advanceTo('2026-04-10T10:00:00+08:00').act('application-received', { applicationId: 'A-1', kind: 'leave-city-or-county' });
    c.advanceTo('2026-04-11T10:00:00+08:00').act('application-decided', { applicationId: 'A-1', decision: 'approved' });
    c.advanceTo('2026-05-03T10:00:00+08:00').act('compliance-checked', { month: '2026-04', compliant: false });
    c.advanceTo('2026-06-01T10:00:00+08:00').act('application-received', { applicationId: 'A-2', kind: 'leave-city-or-county' });
    c.advanceTo('2026-06-02T10:00:00+08:00').act('application-decided', { applicationId: 'A-2', decision: 'refused' });
    c.advanceTo('2026-06-15T10:00:00+08:00').act('visited-in-full', { recordRef: 'SQ-0615' });
    c.advanceTo('2026-07-01T10:00:00+08:00').act('violation-reported', { by: 'subject', description: '未经批准离开所居住的市县' });
    c.advanceTo('2026-07-15T10:00:00+08:00').act('violation-reported', { by: 'guarantor', description: '未及时报告' });
    c.advanceTo('2026-08-28T10:00:00+08:00').act('application-received', { applicationId: 'A-3', kind: 'leave-city-or-county' });
    return c;
  }

  const summary = {
    measure: 'bail',
    termStart: '2026-03-02',
    termEnd: '2026-09-30',
    subjectReportedAt: '2026-03-03T10:00:00+08:00',
    complianceChecks: 2,
    complianceChecksNonCompliant: 1,
    complianceChecksLate: 1,
    complianceChecksMissed: 4,
    violationsBySubject: 1,
    violationsByGuarantor: 1,
    applications: 3,
    applicationsApproved: 1,
    applicationsRefused: 1,
    applicationsUndecided: 1,
    fullVisits: 1,
  };

  test('term ending 2026-09-30: an officer duty, sendable from 08-31, due at the end of 09-20 (a make-up workday); no system notice goes out', () => {
    const c = bail();
    expect(c.obligation('expiry-report')).toMatchObject({
      status: 'pending',
      responsible: 'officer',
      article: '41(8)',
      opensAt: '2026-08-31T00:00:00+08:00',
      dueAt: '2026-09-20T23:59:59+08:00',
    });
    expect(c.obligation('expiry-report').basis).toMatchObject({ rule: 'days-before', from: '2026-09-30', n: 10 });
    expect(c.view().obligations.map((o) => o.key)).not.toContain('expiry-notice');
    c.advanceTo('2026-09-21T00:00:00+08:00');
    expect(c.notices('expiry-notice')).toEqual([]);
  });

  test('on time: refused on 08-30 with the day it opens; sent on 09-15, the notice to the decision authority carries the compliance summary', () => {
    const c = withRecords().advanceTo('2026-08-30T18:00:00+08:00');
    expect(c.rejection('expiry-report-sent')).toBe('the expiry report may be sent from 2026-08-31T00:00:00+08:00');
    c.advanceTo('2026-09-15T10:00:00+08:00').act('expiry-report-sent', { documentRef: 'TZ-0915' });
    expect(c.obligation('expiry-report')).toMatchObject({
      status: 'done',
      late: false,
      completedAt: '2026-09-15T10:00:00+08:00',
      completedBy: 'P-20931',
    });
    expect(c.notices('expiry-report')).toEqual([
      expect.objectContaining({
        recipient: 'decision-authority',
        article: '41(8)',
        obligationKey: 'expiry-report',
        titleZh: '期限届满十日前将相关情况通知决定机关',
        createdAt: '2026-09-15T10:00:00+08:00',
        facts: { ...summary, late: false, documentRef: 'TZ-0915' },
      }),
    ]);
    expect(c.rejection('expiry-report-sent')).toBe('the decision authority has already been told for the term ending 2026-09-30');
    c.advanceTo('2026-09-25T00:00:00+08:00');
    expect(c.sent('reminder', 'expiry-report')).toEqual([]);
    expect(c.notices('expiry-notice')).toEqual([]);
  });

  test('missed: the officer reminded Friday morning 09-18, the station leader told at the end of 09-20, the supervisor 48 h later; sent on 09-23, the notice says late', () => {
    const c = withRecords().advanceTo('2026-09-23T10:00:00+08:00');
    expect(c.obligation('expiry-report')).toMatchObject({ status: 'overdue', overdueAt: '2026-09-20T23:59:59+08:00' });
    expect(c.sent('reminder', 'expiry-report')).toEqual(['officer 2026-09-18T11:29:00+08:00']);
    expect(c.sent('overdue-escalation', 'expiry-report')).toEqual(['station-leader 2026-09-20T23:59:59+08:00']);
    expect(c.sent('supervisor-escalation', 'expiry-report')).toEqual(['supervisor 2026-09-22T23:59:59+08:00']);
    c.act('expiry-report-sent');
    expect(c.obligation('expiry-report')).toMatchObject({ status: 'done', late: true });
    // The checks missed are still May to August: September's is not due before 09-30.
    expect(c.notices('expiry-report')[0].facts).toEqual({ ...summary, late: true });
  });

  test('rescheduled: the term extended to 2026-10-12 moves the window to 09-12 and the due day to 09-30, the working day before National Day', () => {
    const c = bail().advanceTo('2026-06-01T10:00:00+08:00');
    c.act('term-changed', { termEnd: '2026-10-12' });
    const report = c.obligation('expiry-report');
    expect(report).toMatchObject({ opensAt: '2026-09-12T00:00:00+08:00', dueAt: '2026-09-30T23:59:59+08:00' });
    expect(report.changes).toEqual([
      expect.objectContaining({
        from: '2026-09-20T23:59:59+08:00',
        to: '2026-09-30T23:59:59+08:00',
        reason: 'term changed by the decision authority to end 2026-10-12',
      }),
    ]);
    c.advanceTo('2026-09-11T12:00:00+08:00');
    expect(c.rejection('expiry-report-sent')).toBe('the expiry report may be sent from 2026-09-12T00:00:00+08:00');
  });

  test('a term extended after the report was sent owes a new report for the new end, with the summary as it then stands', () => {
    const c = bail().advanceTo('2026-09-15T10:00:00+08:00');
    c.act('expiry-report-sent');
    c.advanceTo('2026-09-22T10:00:00+08:00').act('term-changed', { termEnd: '2027-01-20' });
    expect(c.obligation('expiry-report')).toMatchObject({ status: 'done' });
    expect(c.obligation('expiry-report', '2027-01-20')).toMatchObject({
      status: 'pending',
      opensAt: '2026-12-21T00:00:00+08:00',
      dueAt: '2027-01-08T23:59:59+08:00',
    });
    c.advanceTo('2027-01-05T10:00:00+08:00').act('expiry-report-sent');
    expect(c.obligation('expiry-report', '2027-01-20')).toMatchObject({ status: 'done', late: false });
    expect(c.notices('expiry-report').map((n) => `${n.period ?? '-'} ${n.createdAt} ${n.facts?.termEnd}`)).toEqual([
      '- 2026-09-15T10:00:00+08:00 2026-09-30',
      '2027-01-20 2027-01-05T10:00:00+08:00 2027-01-20',
    ]);
  });
});

describe('half-yearly-visit (Art. 42 每半年全面走访考察一次特定对象): six months from the start, then six months from the last visit', () => {
  test('bail 2026-03-02…09-30: the first visit owed by the end of 09-01; missed, the officer is reminded, the station leader and the supervisor told; visited late', () => {
    const c = bail();
    expect(c.obligation('half-yearly-visit', '1')).toMatchObject({
      status: 'pending',
      responsible: 'officer',
      article: '42',
      opensAt: '2026-03-02T00:00:00+08:00',
      dueAt: '2026-09-01T23:59:59+08:00',
    });
    c.advanceTo('2026-09-05T10:00:00+08:00');
    expect(c.sent('reminder', 'half-yearly-visit', '1')).toEqual(['officer 2026-08-31T10:54:00+08:00']);
    expect(c.sent('overdue-escalation', 'half-yearly-visit', '1')).toEqual(['station-leader 2026-09-01T23:59:59+08:00']);
    expect(c.sent('supervisor-escalation', 'half-yearly-visit', '1')).toEqual(['supervisor 2026-09-03T23:59:59+08:00']);
    c.act('visited-in-full');
    expect(c.obligation('half-yearly-visit', '1')).toMatchObject({ status: 'done', late: true, completedAt: '2026-09-05T10:00:00+08:00' });
    expect(c.view().records).toMatchObject({ fullVisits: ['2026-09-05T10:00:00+08:00'] });
  });

  test('the term decides whether the next is owed: visited 08-20, the next (due 2027-02-20) only once the term is extended to 2027-03-01; cancelled when it is cut to 12-31, owed again when extended', () => {
    const c = bail().advanceTo('2026-08-20T10:00:00+08:00');
    c.act('visited-in-full');
    expect(c.view().obligations.filter((o) => o.key === 'half-yearly-visit')).toHaveLength(1);
    expect(c.rejection('visited-in-full')).toBe('no further half-yearly-visit is owed: the next would fall due after 2026-09-30');
    c.advanceTo('2026-08-25T10:00:00+08:00').act('term-changed', { termEnd: '2027-03-01' });
    expect(c.obligation('half-yearly-visit', '2')).toMatchObject({
      status: 'pending',
      opensAt: '2026-08-21T00:00:00+08:00',
      dueAt: '2027-02-20T23:59:59+08:00',
    });
    c.advanceTo('2026-10-08T10:00:00+08:00').act('term-changed', { termEnd: '2026-12-31' });
    expect(c.obligation('half-yearly-visit', '2')).toMatchObject({ status: 'cancelled', completedAt: '2026-10-08T10:00:00+08:00' });
    expect(c.rejection('visited-in-full')).toBe('no further half-yearly-visit is owed: the next would fall due after 2026-12-31');
    c.advanceTo('2026-11-02T10:00:00+08:00').act('term-changed', { termEnd: '2027-02-28' });
    expect(c.obligation('half-yearly-visit', '2')).toMatchObject({ status: 'pending', dueAt: '2027-02-20T23:59:59+08:00' });
    c.advanceTo('2027-01-15T10:00:00+08:00').act('visited-in-full');
    expect(c.obligation('half-yearly-visit', '2')).toMatchObject({ status: 'done', late: false });
  });

  test('residential surveillance for the longest term, 03-02…09-01: the one visit falls due on its last day; the decision ends it', () => {
    const c = bail({ measure: 'residential-surveillance', guarantee: undefined, termEnd: '2026-09-01' });
    expect(c.obligation('half-yearly-visit', '1').dueAt).toBe('2026-09-01T23:59:59+08:00');
    c.advanceTo('2026-05-10T10:00:00+08:00').act('authority-decided', { decision: 'changed-measure' });
    expect(c.obligation('half-yearly-visit', '1').status).toBe('cancelled');
    expect(c.rejection('visited-in-full')).toBe('the case is closed');
  });
});

describe('authority-decision: the decision authority decides at the end of the term', () => {
  test('missed: the officer is reminded, the station leader told at the end of the term, the supervisor 48 h later', () => {
    const c = bail().advanceTo('2026-10-03T00:00:00+08:00');
    const about = (kind: string) => c.sent(kind, 'authority-decision');
    expect(about('reminder')).toEqual(['officer 2026-09-29T09:25:00+08:00']);
    expect(about('overdue-escalation')).toEqual(['station-leader 2026-09-30T23:59:59+08:00']);
    expect(about('supervisor-escalation')).toEqual(['supervisor 2026-10-02T23:59:59+08:00']);
  });

  test('the decision closes the case and cancels what is still open', () => {
    const c = bail().advanceTo('2026-03-03T10:00:00+08:00');
    c.act('subject-reported');
    const v = c.act('authority-decided', { decision: 'revoked' });
    expect(v).toMatchObject({ status: 'closed', outcome: 'revoked', closedAt: '2026-03-03T10:00:00+08:00' });
    expect(c.obligation('authority-decision')).toMatchObject({ status: 'done', late: false });
    expect(c.obligation('authority-feedback').status).toBe('cancelled');
    expect(c.rejection('feedback-sent')).toBe('the case is closed');
    c.advanceTo('2026-10-30T00:00:00+08:00');
    expect(c.notices('overdue-escalation')).toEqual([]);
  });
});

describe('records and refusals', () => {
  test('applications fit the measure, are decided once; violations go to the decision authority', () => {
    const c = bail().advanceTo('2026-03-03T10:00:00+08:00');
    expect(c.rejection('application-received', { applicationId: 'A-1', kind: 'leave-residence' })).toBe(
      'a leave-residence application does not apply to bail',
    );
    c.act('application-received', { applicationId: 'A-1', kind: 'leave-city-or-county' });
    expect(c.rejection('application-received', { applicationId: 'A-1', kind: 'leave-city-or-county' })).toBe('application A-1 was already received');
    c.act('application-decided', { applicationId: 'A-1', decision: 'approved' });
    expect(c.rejection('application-decided', { applicationId: 'A-1', decision: 'refused' })).toBe('application A-1 was already decided');
    c.act('violation-reported', { by: 'subject', description: 'left the city without leave' });
    expect(c.notices('violation')).toEqual([
      expect.objectContaining({
        recipient: 'decision-authority',
        article: '41(8)',
        createdAt: '2026-03-03T10:00:00+08:00',
        facts: { by: 'subject', description: 'left the city without leave' },
      }),
    ]);
  });

  test('a deposit case has no guarantor; a term may not pass 12 months of bail; an act may not be dated in the future', () => {
    const c = bail({ guarantee: { kind: 'deposit', amount: 5000 } }).advanceTo('2026-03-03T10:00:00+08:00');
    expect(c.rejection('violation-reported', { by: 'guarantor', description: 'x' })).toBe('the case has no guarantor');
    expect(c.rejection('term-changed', { termEnd: '2027-03-02' })).toBe('a bail term may not exceed 12 months (until 2027-03-01)');
    expect(c.rejection('subject-reported', { at: '2026-03-03T11:00:00+08:00' })).toBe('`at` is in the future');
  });

  test('the same actionId twice is applied once', () => {
    const c = bail().advanceTo('2026-03-03T10:00:00+08:00');
    const actionId = '6f1c1d4e-0a5b-4c1e-9a3e-1f2b3c4d5e6f';
    c.act('violation-reported', { actionId, by: 'subject', description: 'x' });
    expect(c.act('violation-reported', { actionId, by: 'subject', description: 'x' }).duplicate).toBe(true);
    expect(c.notices('violation')).toHaveLength(1);
    expect(c.rejection('violation-reported', { actionId, by: 'subject', description: 'other' })).toMatch(/already used for another action/);
  });

  test('continue-as-new carries the case whole: duties, records and the actions already accepted', () => {
    const c = bail().advanceTo('2026-03-03T10:00:00+08:00');
    c.act('subject-reported');
    const before = c.view();
    c.continueAsNew();
    expect(c.view()).toEqual({ ...before, run: 1 });
    c.advanceTo('2026-03-09T23:59:59.999+08:00');
    expect(c.obligation('authority-feedback').status).toBe('overdue');
  });
});
