import { procedures, rolesForAction } from '../../src/procedures/index';
import { SimulatedCase, pinnedBailStart } from '../support/simulator';

// Every date is pinned. The station adopts beatflow on Monday 2026-11-30 at 09:00. The deprivation of political rights
// began on 2023-12-01, three years before, and ends on Thursday 2028-11-30 (no calendar data for 2028: provisional;
// 2028-11-23…29 are Thursday to Wednesday, with no holiday among them).
const adoptionDay = '2026-11-30T09:00:00+08:00';

function deprived(adoption?: Record<string, unknown>) {
  return SimulatedCase.start(
    {
      procedure: 'deprived-rights',
      caseNumber: 'DR-2023-1201',
      stationId: 'S-01',
      officerId: 'P-20931',
      subject: { name: '钱七', idNumber: '110101198501011234', address: '北京市西城区某街2号' },
      sentence: { court: '某市中级人民法院', judgmentNumber: '(2023)某刑初12号' },
      termStart: '2023-12-01',
      termEnd: '2028-11-30',
      communityOrganisation: { name: '某街道某社区居民委员会' },
      ...(adoption ? { adoption } : {}),
    },
    adoptionDay,
  );
}

const escalations = (c: SimulatedCase) => [...c.notices('overdue-escalation'), ...c.notices('supervisor-escalation')];

describe('adoption of a deprivation of political rights three years under way', () => {
  const facts = {
    subjectReportedAt: '2023-12-01T10:00:00+08:00',
    announcementMade: true,
    lastMonthlyReportMonth: '2026-10',
    lastFullVisitOn: '2026-09-15',
  };

  it('with its last monthly report month: nothing overdue, nothing escalated, November pending, the station report where the calendar puts it', () => {
    const c = deprived({ facts });
    const view = c.view();
    expect(view.overdueCount).toBe(0);
    expect(escalations(c)).toEqual([]);
    expect(c.notices('reminder')).toEqual([]);
    // December 2023 to October 2026: 35 months, each settled by the fact.
    const settled = view.obligations.filter((o) => o.key === 'monthly-report' && o.status === 'before-adoption');
    expect(settled).toHaveLength(35);
    expect(settled[0]).toMatchObject({ period: '2023-12', adoption: { fact: 'lastMonthlyReportMonth' } });
    expect(settled[34]).toMatchObject({ period: '2026-10', adoption: { fact: 'lastMonthlyReportMonth' } });
    expect(c.obligation('monthly-report', '2026-11')).toMatchObject({ status: 'pending', dueAt: '2026-11-30T23:59:59+08:00' });
    expect(c.obligation('announcement')).toMatchObject({ status: 'before-adoption', adoption: { fact: 'announcementMade' } });
    expect(c.obligation('station-report')).toMatchObject({
      status: 'pending',
      opensAt: '2028-11-23T00:00:00+08:00',
      dueAt: '2028-11-29T23:59:59+08:00',
    });
    // The next full visit within six months of the day after the last one.
    expect(c.obligation('half-yearly-visit', '1')).toMatchObject({
      status: 'pending',
      opensAt: '2026-09-16T00:00:00+08:00',
      dueAt: '2027-03-15T23:59:59+08:00',
    });
    expect(view.adoption).toEqual({
      adoptedAt: adoptionDay,
      facts,
      settledByFacts: 36,
      toReview: 0,
      review: [],
    });

    // Time runs on as usual from adoption: November's report is made, December's opens.
    c.advanceTo('2026-11-30T15:00:00+08:00').act('activity-reported', { month: '2026-11' });
    c.advanceTo('2026-12-02T09:00:00+08:00');
    expect(c.view().overdueCount).toBe(0);
    expect(escalations(c)).toEqual([]);
    expect(c.obligation('monthly-report', '2026-12')).toMatchObject({ status: 'pending', dueAt: '2026-12-31T23:59:59+08:00' });
    expect(c.rejection('announced', { to: ['subject'] })).toBe('the announcement has been made to everyone');
    expect(c.rejection('subject-reported')).toBe('the sentenced person has already reported');
  });

  it('without facts: the past months and half-years are before adoption, listed for review, never escalated; the officer settles each', () => {
    const c = deprived({});
    const view = c.view();
    expect(view.overdueCount).toBe(0);
    const before = view.obligations.filter((o) => o.status === 'before-adoption');
    // 35 months 2023-12 … 2026-10 and 5 half-years of Art. 42 visits, the last ending 2026-05-31.
    expect(before).toHaveLength(40);
    expect(before.every((o) => o.adoption?.review === 'to-review')).toBe(true);
    expect(view.adoption).toMatchObject({ adoptedAt: adoptionDay, facts: {}, settledByFacts: 0, toReview: 40 });
    expect(view.adoption?.review.filter((r) => r.key === 'half-yearly-visit')).toEqual([
      { key: 'half-yearly-visit', period: '1', dueAt: '2024-05-31T23:59:59+08:00' },
      { key: 'half-yearly-visit', period: '2', dueAt: '2024-11-30T23:59:59+08:00' },
      { key: 'half-yearly-visit', period: '3', dueAt: '2025-05-31T23:59:59+08:00' },
      { key: 'half-yearly-visit', period: '4', dueAt: '2025-11-30T23:59:59+08:00' },
      { key: 'half-yearly-visit', period: '5', dueAt: '2026-05-31T23:59:59+08:00' },
    ]);
    // No visit known in the last half-year: the next is owed within 30 days (policy), not six fresh months.
    expect(c.obligation('half-yearly-visit', '6')).toMatchObject({
      status: 'pending',
      opensAt: '2026-11-30T00:00:00+08:00',
      dueAt: '2026-12-30T23:59:59+08:00',
    });
    expect(view.adoption?.review[0]).toEqual({ key: 'monthly-report', period: '2023-12', dueAt: '2023-12-31T23:59:59+08:00' });
    expect(c.obligation('monthly-report', '2026-11')).toMatchObject({ status: 'pending' });
    // Days pass: none of them is ever escalated.
    c.advanceTo('2026-12-05T09:00:00+08:00');
    expect(escalations(c).filter((n) => n.period !== '2026-11')).toEqual([]);

    const reviewed = c.act('adoption-confirmed', { key: 'monthly-report', period: '2024-03', outcome: 'done', doneOn: '2024-03-08' });
    expect(reviewed.adoption?.toReview).toBe(39);
    expect(c.obligation('monthly-report', '2024-03')).toMatchObject({
      status: 'before-adoption',
      adoption: { review: 'done', doneOn: '2024-03-08', reviewedBy: 'P-20931', reviewedAt: '2026-12-05T09:00:00+08:00' },
    });
    c.act('adoption-confirmed', { key: 'monthly-report', period: '2024-04', outcome: 'not-done' });
    expect(c.view().adoption?.toReview).toBe(38);
    expect(c.rejection('adoption-confirmed', { key: 'monthly-report', period: '2024-03', outcome: 'done' })).toBe(
      'monthly-report 2024-03 was already reviewed',
    );
    expect(c.rejection('adoption-confirmed', { key: 'monthly-report', period: '2026-11', outcome: 'done' })).toBe(
      'monthly-report 2026-11 is not a duty due before adoption',
    );
    expect(c.rejection('adoption-confirmed', { key: 'monthly-report', period: '2024-05', outcome: 'done', doneOn: '2026-12-01' })).toBe(
      '`doneOn` is after the adoption',
    );
    expect(c.rejection('activity-reported', { month: '2024-05' })).toBe('no monthly report is open for 2024-05');
  });

  it('adopted from an earlier day than the start: the facts speak of then; what falls due after the arrival is kept as usual', () => {
    const c = deprived({ adoptedAt: '2026-11-27T00:00:00+08:00', facts: { lastMonthlyReportMonth: '2026-10' } });
    c.advanceTo('2026-12-04T09:00:00+08:00');
    expect(c.obligation('monthly-report', '2026-11')).toMatchObject({ status: 'overdue', overdueAt: '2026-11-30T23:59:59+08:00' });
    expect(escalations(c).map((n) => n.obligationKey)).toEqual(['monthly-report', 'monthly-report']);
    expect(c.view().adoption).toMatchObject({ adoptedAt: '2026-11-27T00:00:00+08:00', toReview: 5 });
    expect(c.details()).toContain('> 接管于 2026-11-27T00:00:00+08:00');
  });

  it('a last full visit known more than six months back: the half-year after it to review, the next visit within 30 days', () => {
    const c = deprived({ facts: { lastFullVisitOn: '2026-03-15' } });
    expect(c.view().adoption?.review.filter((r) => r.key === 'half-yearly-visit')).toEqual([
      { key: 'half-yearly-visit', period: '1', dueAt: '2026-09-15T23:59:59+08:00' },
    ]);
    expect(c.obligation('half-yearly-visit', '2')).toMatchObject({ status: 'pending', dueAt: '2026-12-30T23:59:59+08:00' });
    c.advanceTo('2026-12-10T10:00:00+08:00').act('visited-in-full');
    // Then six months from the day after the visit, as always.
    expect(c.obligation('half-yearly-visit', '3')).toMatchObject({ status: 'pending', dueAt: '2027-06-10T23:59:59+08:00' });
  });

  it('a case arriving three years into its term without an adoption block: 35 monthly reports and 5 half-years to review, nothing overdue', () => {
    const c = deprived();
    const view = c.view();
    expect(view.overdueCount).toBe(0);
    expect(escalations(c)).toEqual([]);
    expect(view.adoption).toMatchObject({ adoptedAt: adoptionDay, settledByFacts: 0, toReview: 40 });
    expect(view.adoption?.review[0]).toEqual({ key: 'monthly-report', period: '2023-12', dueAt: '2023-12-31T23:59:59+08:00' });
    expect(view.adoption?.review[39]).toEqual({ key: 'monthly-report', period: '2026-10', dueAt: '2026-10-31T23:59:59+08:00' });
    expect(c.rejection('adoption-confirmed', { key: 'monthly-report', period: '2026-11', outcome: 'done' })).toBe(
      'monthly-report 2026-11 is not a duty due before adoption',
    );
  });
});

describe('each procedure names its own facts', () => {
  it('bail: the report, the rules, the feedback and the compliance checks up to a month are settled; the visit resumes', () => {
    // Bail from 2026-03-02 to 2026-09-30, adopted on 2026-06-15 (Monday).
    const c = SimulatedCase.start(
      pinnedBailStart({
        adoption: {
          facts: {
            subjectReportedAt: '2026-03-03T10:00:00+08:00',
            rulesExplained: true,
            feedbackSent: true,
            lastComplianceCheckMonth: '2026-04',
            lastFullVisitOn: '2026-03-20',
          },
        },
      }),
      '2026-06-15T09:00:00+08:00',
    );
    const view = c.view();
    expect(view.overdueCount).toBe(0);
    expect(escalations(c)).toEqual([]);
    for (const [key, fact] of [
      ['subject-report', 'subjectReportedAt'],
      ['rules-explained', 'rulesExplained'],
      ['authority-feedback', 'feedbackSent'],
    ])
      expect(c.obligation(key)).toMatchObject({ status: 'before-adoption', adoption: { fact } });
    expect(c.obligation('compliance-check', '2026-04')).toMatchObject({ status: 'before-adoption', adoption: { fact: 'lastComplianceCheckMonth' } });
    expect(c.obligation('compliance-check', '2026-05')).toMatchObject({ status: 'before-adoption', adoption: { review: 'to-review' } });
    expect(c.obligation('compliance-check', '2026-06')).toMatchObject({ status: 'pending', dueAt: '2026-06-30T23:59:59+08:00' });
    expect(c.obligation('half-yearly-visit', '1')).toMatchObject({ status: 'pending', dueAt: '2026-09-20T23:59:59+08:00' });
    expect(view.adoption).toMatchObject({ settledByFacts: 5, toReview: 1 });
    expect(c.view().records).toMatchObject({ subjectReportedAt: '2026-03-03T10:00:00+08:00' });
  });

  it('bail: a fact that needs the report is refused without it, naming the field', () => {
    expect(() => SimulatedCase.start(pinnedBailStart({ adoption: { facts: { feedbackSent: true } } }), '2026-06-15T09:00:00+08:00')).toThrow(
      /adoption.*facts.*feedbackSent|feedbackSent/s,
    );
    expect(() => SimulatedCase.start(pinnedBailStart({ adoption: { facts: { visits: 2 } } }), '2026-06-15T09:00:00+08:00')).toThrow(/visits/);
  });

  it('hazard rectification: the filing settled by orderFiled; a re-inspection due before adoption is to review, not escalated', () => {
    const c = SimulatedCase.start(
      {
        procedure: 'hazard-rectification',
        caseNumber: 'HR-2026-0302',
        stationId: 'S-01',
        officerId: 'P-20931',
        unit: { name: '某商场', creditCode: '91350100M000100Y43', keyUnit: false },
        inspection: { at: '2026-03-02T10:00:00+08:00', assistantId: 'A-001', recordingRef: 'REC-1' },
        hazards: [{ description: '消防通道堵塞' }],
        decidedAt: '2026-03-02T10:30:00+08:00',
        rectifyBy: '2026-03-16',
        warningIssued: true,
        adoption: { facts: { orderFiled: true } },
      },
      '2026-06-15T09:00:00+08:00',
    );
    expect(c.obligation('filing')).toMatchObject({ status: 'before-adoption', adoption: { fact: 'orderFiled' } });
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'before-adoption', adoption: { review: 'to-review' } });
    expect(c.view().overdueCount).toBe(0);
    expect(escalations(c)).toEqual([]);
  });

  it('case follow-up: the filing visit settled by filingVisitMade', () => {
    const c = SimulatedCase.start(
      {
        procedure: 'case-follow-up',
        caseNumber: 'CF-2026-0302',
        stationId: 'S-01',
        officerId: 'P-20931',
        caseKind: 'criminal',
        filedAt: '2026-03-02T10:00:00+08:00',
        victimCount: 1,
        adoption: { facts: { filingVisitMade: true } },
      },
      '2026-06-15T09:00:00+08:00',
    );
    expect(c.obligation('filing-visit')).toMatchObject({ status: 'before-adoption', adoption: { fact: 'filingVisitMade' } });
    expect(c.view().adoption).toMatchObject({ settledByFacts: 1, toReview: 0 });
    // Concluded after adoption: the filing visit counts in no follow-up rate.
    c.advanceTo('2026-06-16T09:00:00+08:00').act('case-concluded');
    c.act('visited', { visit: 'conclusion', covered: ['informed-progress'] });
    expect(c.view().records).toMatchObject({ kpi: { filing: 'before-adoption', conclusion: 'on-time' } });
    expect(c.view().outcome).toBe('followed-up');
  });

  it('dispute: adopted with no facts, its triage runs from the start as usual', () => {
    const c = SimulatedCase.start(
      {
        procedure: 'dispute',
        caseNumber: 'DS-2026-0302',
        stationId: 'S-01',
        officerId: 'P-20931',
        source: 'discovery',
        category: 'neighbour',
        parties: [{ name: '赵一', role: 'complainant' }],
        place: '某小区',
        occurredAt: '2026-06-10T10:00:00+08:00',
        riskLevel: 'low',
        adoption: {},
      },
      '2026-06-15T09:00:00+08:00',
    );
    expect(c.obligation('triage')).toMatchObject({ status: 'pending' });
    expect(c.view().adoption).toMatchObject({ adoptedAt: '2026-06-15T09:00:00+08:00', toReview: 0 });
  });
});

test('the officer and the station leader review what adoption left open, on every procedure', () => {
  for (const procedure of procedures) expect(rolesForAction(procedure, 'adoption-confirmed')).toEqual(['officer', 'station-leader']);
});
