import { builtInCalendarYears } from '../../src/case/calendar';
import { StartRefused } from '../../src/case/adoption';
import { deprivedStart } from '../support/cases';
import { sampleStart } from '../support/samples';
import { SimulatedCase, pinnedBailStart } from '../support/simulator';

// Every date is pinned in 2026 (built-in calendar). Monday 2026-12-07 is the day the case reaches beatflow; the
// residential surveillance was decided on 2026-06-16 and ends on Tuesday 2026-12-15. Ten days before its end is
// Saturday 12-05: the latest working day before it, Friday 12-04, is when the expiry report was due.
const arrival = '2026-12-07T09:00:00+08:00';

function lateSurveillance(overrides: Record<string, unknown> = {}) {
  return SimulatedCase.start(
    pinnedBailStart({
      caseNumber: 'JS-2026-0616',
      measure: 'residential-surveillance',
      guarantee: undefined,
      noticeReceivedAt: arrival,
      reportBy: '2026-12-08T17:00:00+08:00',
      termStart: '2026-06-16',
      termEnd: '2026-12-15',
      ...overrides,
    }),
    arrival,
  );
}

const escalations = (c: SimulatedCase) => [...c.notices('overdue-escalation'), ...c.notices('supervisor-escalation')];

const pastChecks = [
  { key: 'compliance-check', period: '2026-06', dueAt: '2026-06-30T23:59:59+08:00' },
  { key: 'compliance-check', period: '2026-07', dueAt: '2026-07-31T23:59:59+08:00' },
  { key: 'compliance-check', period: '2026-08', dueAt: '2026-08-31T23:59:59+08:00' },
  { key: 'compliance-check', period: '2026-09', dueAt: '2026-09-30T23:59:59+08:00' },
  { key: 'compliance-check', period: '2026-10', dueAt: '2026-10-31T23:59:59+08:00' },
  { key: 'compliance-check', period: '2026-11', dueAt: '2026-11-30T23:59:59+08:00' },
];

describe('a case that arrives late is not punished for the past', () => {
  test.each([
    ['without an adoption block', {}],
    ['with an empty adoption block', { adoption: {} }],
  ])('a surveillance decided 2026-06-16 arriving 2026-12-07 %s: six months to review, nothing overdue, nobody escalated', (_, extra) => {
    const c = lateSurveillance(extra);
    const view = c.view();
    expect(view.overdueCount).toBe(0);
    expect(escalations(c)).toEqual([]);
    expect(view.adoption).toMatchObject({ adoptedAt: arrival, toReview: 6, review: pastChecks });
    expect(c.obligation('compliance-check', '2026-06')).toMatchObject({ status: 'before-adoption', adoption: { review: 'to-review' } });
    expect(c.obligation('compliance-check', '2026-12')).toMatchObject({ status: 'pending', dueAt: '2026-12-31T23:59:59+08:00' });
    expect(c.arrivedDue()).toEqual([
      ...pastChecks,
      { key: 'expiry-report', dueAt: '2026-12-04T23:59:59+08:00', owedBy: '2026-12-08T09:00:00+08:00' },
    ]);
    // Still nothing overdue a day later, before the expiry report's minimum notice runs out.
    c.advanceTo('2026-12-08T08:59:00+08:00');
    expect(escalations(c)).toEqual([]);
  });

  test('the expiry report, 10 days before a term with 8 left, is due 24 h after the arrival (policy), and says why', () => {
    const c = lateSurveillance();
    const report = c.obligation('expiry-report');
    expect(report).toMatchObject({ status: 'pending', dueAt: '2026-12-08T09:00:00+08:00' });
    expect(report.basis).toMatchObject({ rule: 'minimum-notice', from: '2026-12-04T23:59:59+08:00' });
    expect(c.view().warnings.join()).toContain('法定期限 2026-12-04T23:59:59+08:00 在义务产生时已过，改为 24 小时内办理');
    c.advanceTo('2026-12-07T16:00:00+08:00').act('expiry-report-sent');
    expect(c.obligation('expiry-report')).toMatchObject({ status: 'done', late: false });
    expect(c.sent('expiry-report')).toEqual(['decision-authority 2026-12-07T16:00:00+08:00']);
  });

  test('not sent by then: overdue at 2026-12-08 09:00, the station leader told then', () => {
    const c = lateSurveillance().advanceTo('2026-12-08T09:30:00+08:00');
    expect(c.obligation('expiry-report')).toMatchObject({ status: 'overdue', overdueAt: '2026-12-08T09:00:00+08:00' });
    expect(c.sent('overdue-escalation', 'expiry-report')).toEqual(['station-leader 2026-12-08T09:00:00+08:00']);
  });

  test('a term shortened later to 5 days ahead owes the report within 24 h of the change, not at once', () => {
    const c = SimulatedCase.start(pinnedBailStart(), '2026-03-02T09:00:00+08:00').advanceTo('2026-06-10T10:00:00+08:00');
    c.act('term-changed', { termEnd: '2026-06-15' });
    expect(c.obligation('expiry-report')).toMatchObject({ status: 'pending', dueAt: '2026-06-11T10:00:00+08:00' });
    expect(c.sent('overdue-escalation', 'expiry-report')).toEqual([]);
  });
});

describe('the bounds of an adoption (400 naming the field)', () => {
  const start = (adoption: Record<string, unknown>) => () => lateSurveillance({ adoption });
  const refusedField = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err instanceof StartRefused ? err.field : `not refused: ${String(err)}`;
    }
    return 'begun';
  };

  test('adoptedAt after the start arrived is refused; within five minutes of clock skew it is the arrival', () => {
    expect(refusedField(start({ adoptedAt: '2026-12-07T09:06:00+08:00' }))).toBe('adoption.adoptedAt');
    expect(refusedField(start({ adoptedAt: '2027-01-01T00:00:00+08:00' }))).toBe('adoption.adoptedAt');
    expect(lateSurveillance({ adoption: { adoptedAt: '2026-12-07T09:04:00+08:00' } }).view().adoption?.adoptedAt).toBe(arrival);
  });

  test('a fact after adoptedAt is refused: a month, a day, an instant', () => {
    const adoptedAt = '2026-11-15T00:00:00+08:00';
    expect(refusedField(start({ adoptedAt, facts: { lastComplianceCheckMonth: '2026-12' } }))).toBe('adoption.facts.lastComplianceCheckMonth');
    expect(refusedField(start({ adoptedAt, facts: { lastFullVisitOn: '2026-11-16' } }))).toBe('adoption.facts.lastFullVisitOn');
    expect(refusedField(start({ adoptedAt, facts: { subjectReportedAt: '2026-11-14T08:00:00+08:00' } }))).toBe('begun');
    expect(refusedField(start({ adoptedAt, facts: { subjectReportedAt: '2026-11-15T10:00:00+08:00' } }))).toBe('adoption.facts.subjectReportedAt');
    expect(refusedField(start({ adoptedAt, facts: { lastComplianceCheckMonth: '2026-11' } }))).toBe('begun');
  });

  test('a yes-fact for a duty whose time has not yet come (the station report of a term ending in 2028) is refused', () => {
    const deprived = (facts: Record<string, unknown>) => () =>
      SimulatedCase.start({ ...deprivedStart('2023-12-01', '2028-11-30', { caseNumber: 'DR-2023-1201' }), adoption: { facts } }, arrival);
    expect(refusedField(deprived({ stationReportMade: true }))).toBe('adoption.facts.stationReportMade');
    expect(refusedField(deprived({ subjectReportedAt: '2023-12-01T10:00:00+08:00', announcementMade: true }))).toBe('begun');
  });
});

describe('a one-off duty reviewed as not done is owed again from the review', () => {
  // Bail decided 2026-03-02, notice received that day; the subject reported on 03-03 (a fact); the case arrives on
  // Monday 2026-06-15 with the rules and the feedback to the authority not known to be done.
  const adopted = () =>
    SimulatedCase.start(pinnedBailStart({ adoption: { facts: { subjectReportedAt: '2026-03-03T10:00:00+08:00' } } }), '2026-06-15T09:00:00+08:00');

  test('the feedback found not done: pending again, 3 days from the review, late from the start; the act accepted and the authority told', () => {
    const c = adopted();
    expect(c.view().adoption?.review.map((r) => r.key)).toEqual(expect.arrayContaining(['rules-explained', 'authority-feedback']));
    c.act('adoption-confirmed', { key: 'authority-feedback', outcome: 'not-done' });
    expect(c.obligation('authority-feedback')).toMatchObject({ status: 'pending', dueAt: '2026-06-18T23:59:59+08:00', late: true });
    expect(c.view().adoption?.review.map((r) => r.key)).not.toContain('authority-feedback');
    c.advanceTo('2026-06-16T10:00:00+08:00');
    c.act('feedback-sent');
    expect(c.obligation('authority-feedback')).toMatchObject({ status: 'done', late: true });
    expect(c.sent('authority-feedback')).toEqual(['decision-authority 2026-06-16T10:00:00+08:00']);
  });

  test('owed again, its new time is counted from the review: a calendar loaded later recomputes it from there, never back to the first', () => {
    const c = adopted();
    c.act('adoption-confirmed', { key: 'authority-feedback', outcome: 'not-done' });
    const year2026 = builtInCalendarYears.find((y) => y.year === 2026)!;
    c.loadCalendar({ ...year2026, version: year2026.version + 1, source: 'a test' });
    expect(c.obligation('authority-feedback')).toMatchObject({ status: 'pending', dueAt: '2026-06-18T23:59:59+08:00' });
    expect(c.view().overdueCount).toBe(0);
  });

  test('not done again by its new time: overdue and escalated like any other', () => {
    const c = adopted();
    c.act('adoption-confirmed', { key: 'rules-explained', outcome: 'not-done' });
    expect(c.obligation('rules-explained')).toMatchObject({ status: 'pending', dueAt: '2026-06-16T09:00:00+08:00' });
    c.advanceTo('2026-06-16T09:30:00+08:00');
    expect(c.obligation('rules-explained')).toMatchObject({ status: 'overdue' });
    expect(c.sent('overdue-escalation', 'rules-explained')).toEqual(['station-leader 2026-06-16T09:00:00+08:00']);
  });

  test('the act itself, with no review first, says it was not done before: accepted, late, and what follows it owed', () => {
    const c = SimulatedCase.start(
      pinnedBailStart({ noticeReceivedAt: '2026-02-27T09:00:00+08:00', reportBy: '2026-02-28T09:00:00+08:00' }),
      '2026-03-02T09:00:00+08:00',
    );
    expect(c.view().adoption?.review).toEqual([{ key: 'subject-report', dueAt: '2026-02-28T09:00:00+08:00' }]);
    c.advanceTo('2026-03-02T11:00:00+08:00').act('subject-reported');
    expect(c.obligation('subject-report')).toMatchObject({
      status: 'done',
      late: true,
      completedAt: '2026-03-02T11:00:00+08:00',
      adoption: { review: 'not-done', reviewedBy: 'P-20931' },
    });
    expect(c.view().adoption?.toReview).toBe(0);
    expect(c.obligation('authority-feedback')).toMatchObject({ status: 'pending', dueAt: '2026-03-05T23:59:59+08:00' });
    // A second report is still refused: the duty is done.
    expect(c.rejection('subject-reported')).toBe('the subject has already reported');
  });

  test('a monthly check found not done stays a fact of the past: nothing is owed again', () => {
    const c = adopted();
    c.act('adoption-confirmed', { key: 'compliance-check', period: '2026-04', outcome: 'not-done' });
    expect(c.obligation('compliance-check', '2026-04')).toMatchObject({ status: 'before-adoption', adoption: { review: 'not-done' } });
  });
});

describe('the subject’s lateness is not the officer’s', () => {
  test('a subject who does not report by reportBy: the station and the authority told, the duty the subject’s, the officer’s count 0', () => {
    const c = SimulatedCase.start(pinnedBailStart(), '2026-03-02T09:00:00+08:00').advanceTo('2026-03-04T10:00:00+08:00');
    expect(c.obligation('subject-report')).toMatchObject({ status: 'overdue', responsible: 'subject' });
    expect(c.sent('subject-not-reported')).toEqual(['station 2026-03-04T09:00:00+08:00', 'decision-authority 2026-03-04T09:00:00+08:00']);
    expect(c.view().overdueCount).toBe(0);
    expect(escalations(c)).toEqual([]);
  });
});

describe('a closed case has nothing left to review', () => {
  test('the late surveillance closed by the authority’s decision leaves the review list', () => {
    const c = lateSurveillance();
    expect(c.view().adoption?.toReview).toBe(6);
    c.act('authority-decided', { decision: 'case-closed' });
    expect(c.view()).toMatchObject({ status: 'closed', adoption: { toReview: 0, review: [] } });
  });
});

describe('a hazard re-inspection due before the case arrived', () => {
  // Ordered on 2026-11-20 to rectify by 11-30: the re-inspection was due by 12-03, four days before the case arrived.
  const hazard = () =>
    SimulatedCase.start(
      {
        ...sampleStart('hazard-rectification', 'S-01', 'YH-2026-0404'),
        inspection: { at: '2026-11-20T10:00:00+08:00', assistantId: 'FJ-0412', recordingRef: 'ZFJLY-0921' },
        decidedAt: '2026-11-20T10:00:00+08:00',
        rectifyBy: '2026-11-30',
        adoption: { facts: { orderFiled: true } },
      },
      arrival,
    );

  test('is listed for review; found not done it is owed within 3 days of the review, and done then it is late', () => {
    const c = hazard();
    expect(c.view().adoption?.review).toEqual([{ key: 'reinspection', period: 'round-1', dueAt: '2026-12-03T23:59:59+08:00' }]);
    c.act('adoption-confirmed', { key: 'reinspection', period: 'round-1', outcome: 'not-done' });
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'pending', dueAt: '2026-12-10T23:59:59+08:00' });
    c.advanceTo('2026-12-07T10:00:00+08:00').act('reinspected', { result: 'passed' });
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'done', late: true });
    expect(c.view().records).toMatchObject({ rounds: [expect.objectContaining({ reinspection: expect.objectContaining({ onTime: false }) })] });
    expect(c.view().records).toMatchObject({ kpi: { reinspectedOnTime: 'no' } });
  });

  test('recorded without a review, four days after its due time: its record does not call it on time', () => {
    const c = hazard().advanceTo('2026-12-07T10:00:00+08:00');
    c.act('reinspected', { result: 'passed' });
    expect(c.view().records).toMatchObject({ kpi: { reinspectedOnTime: 'no' } });
    expect(c.view()).toMatchObject({ status: 'closed', adoption: { toReview: 0 } });
  });
});
