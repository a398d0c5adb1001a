import type { HazardRecords } from '../../src/procedures/hazard-rectification/descriptor';
import { SimulatedCase } from '../support/simulator';

// Every date is pinned in 2026 (built-in calendar: Mid-Autumn 09-25…09-27, National Day 10-01…10-07, make-up
// workdays 09-20 and 10-10). 2026-09-21 is a Monday, 2026-09-30 a Wednesday, 2026-10-08 a Thursday.
// Unless a test says otherwise: inspected 09-21 09:30, ordered on the spot at 10:00 to rectify by the end of 09-30,
// the case arriving at 10:30.

function hazard(overrides: Record<string, unknown> = {}, arrivesAt = '2026-09-21T10:30:00+08:00', policy?: Record<string, number>) {
  return SimulatedCase.start(
    {
      procedure: 'hazard-rectification',
      caseNumber: 'ZG-2026-0921',
      stationId: 'S-01',
      officerId: 'P-20931',
      unit: { name: '某某商贸有限公司', creditCode: '91350100M000100Y43', keyUnit: false },
      inspection: { at: '2026-09-21T09:30:00+08:00', assistantId: 'FJ-0412', recordingRef: 'ZFJLY-0921' },
      hazards: [{ description: '消防通道堆放杂物' }, { description: '监控设施损坏未修复' }],
      decidedAt: '2026-09-21T10:00:00+08:00',
      rectifyBy: '2026-09-30',
      warningIssued: true,
      ...overrides,
    },
    arrivesAt,
    undefined,
    policy,
  );
}

/** A case ordered on 2026-12-21 to rectify by 2026-12-29 (Tuesday): its re-inspection period ends in 2027. */
function hazardAtYearEnd() {
  return hazard(
    {
      inspection: { at: '2026-12-21T09:30:00+08:00', assistantId: 'FJ-0412', recordingRef: 'ZFJLY-1221' },
      decidedAt: '2026-12-21T10:00:00+08:00',
      rectifyBy: '2026-12-29',
    },
    '2026-12-21T10:30:00+08:00',
  );
}

/** A published 2027 schedule for the tests (the real one is not out yet): New Year 01-01…01-03. */
const calendar2027 = {
  year: 2027,
  source: 'test schedule',
  version: 1,
  holidays: [{ from: '2027-01-01', to: '2027-01-03', name: 'New Year 元旦' }],
  workdays: [],
};

const records = (c: SimulatedCase) => c.view().records as HazardRecords;
/** Who was sent what about a duty, and when (local time). */
const escalations = (c: SimulatedCase, key: string, period?: string) => ({
  reminder: c.sent('reminder', key, period),
  stationLeader: c.sent('overdue-escalation', key, period),
  supervisor: c.sent('supervisor-escalation', key, period),
});

/** The unit asks in writing on Wednesday 09-23 at 11:00 for time until 10-20; the officer reports it the next morning. */
function requestReviewed(c: SimulatedCase, recommendation: 'approve' | 'refuse' = 'approve') {
  c.advanceTo('2026-09-23T11:00:00+08:00').act('extension-requested', { documentRef: 'YQSQ-001', requestedUntil: '2026-10-20' });
  c.advanceTo('2026-09-24T10:00:00+08:00').act('extension-reviewed', { recommendation });
  return c;
}

describe('filing (Art. 61): the order to rectify is filed with the public security organ within 24 hours', () => {
  test('on time: filed at 16:00 the same day; the station receives the filing number, not late; no reminder, nothing escalated', () => {
    const c = hazard();
    expect(c.obligation('filing')).toMatchObject({
      status: 'pending',
      article: '61',
      responsible: 'officer',
      opensAt: '2026-09-21T10:00:00+08:00',
      dueAt: '2026-09-22T10:00:00+08:00',
    });
    c.advanceTo('2026-09-21T16:00:00+08:00').act('filed', { filingNumber: 'BA-2026-0193' });
    expect(c.obligation('filing')).toMatchObject({ status: 'done', late: false, completedAt: '2026-09-21T16:00:00+08:00', completedBy: 'P-20931' });
    expect(c.notices('filing')).toEqual([
      expect.objectContaining({
        recipient: 'station',
        article: '61',
        obligationKey: 'filing',
        createdAt: '2026-09-21T16:00:00+08:00',
        facts: { filingNumber: 'BA-2026-0193', late: false },
      }),
    ]);
    expect(records(c).filing).toEqual({ filingNumber: 'BA-2026-0193', filedAt: '2026-09-21T16:00:00+08:00', late: false });
    c.advanceTo('2026-09-25T00:00:00+08:00');
    expect(escalations(c, 'filing')).toEqual({ reminder: [], stationLeader: [], supervisor: [] });
    expect(c.rejection('filed', { filingNumber: 'BA-2026-0194' })).toBe('the decision has already been filed');
  });

  test('missed: reminded at 09:17 the next morning, pending at 2026-09-22 09:59:59, overdue at 10:00 to the station leader, to the supervisor at 2026-09-24 10:00', () => {
    const c = hazard().advanceTo('2026-09-22T09:59:59+08:00');
    expect(c.obligation('filing').status).toBe('pending');
    expect(c.notices('overdue-escalation')).toEqual([]);
    c.advanceTo('2026-09-22T10:00:00+08:00');
    expect(c.obligation('filing')).toMatchObject({ status: 'overdue', overdueAt: '2026-09-22T10:00:00+08:00' });
    expect(c.view().overdueCount).toBe(1);
    c.advanceTo('2026-09-24T09:59:59+08:00');
    // A 24-hour duty ordered at 10:00 is reminded in the next morning's window, before it falls due.
    expect(escalations(c, 'filing')).toEqual({
      reminder: ['officer 2026-09-22T09:17:00+08:00'],
      stationLeader: ['station-leader 2026-09-22T10:00:00+08:00'],
      supervisor: [],
    });
    c.advanceTo('2026-09-24T10:00:00+08:00');
    expect(escalations(c, 'filing').supervisor).toEqual(['supervisor 2026-09-24T10:00:00+08:00']);
    expect(c.notices('overdue-escalation')[0].facts).toEqual({ dueAt: '2026-09-22T10:00:00+08:00', responsible: 'officer' });
  });

  test('late: filed on 2026-09-24 it is done and late, and the filing notice tells the station so; nothing stays overdue', () => {
    const c = hazard().advanceTo('2026-09-24T15:00:00+08:00');
    c.act('filed', { filingNumber: 'BA-2026-0200' });
    expect(c.obligation('filing')).toMatchObject({
      status: 'done',
      late: true,
      overdueAt: '2026-09-22T10:00:00+08:00',
      completedAt: '2026-09-24T15:00:00+08:00',
    });
    expect(c.notices('filing').map((n) => [n.recipient, n.createdAt, n.facts])).toEqual([
      ['station', '2026-09-24T15:00:00+08:00', { filingNumber: 'BA-2026-0200', late: true }],
    ]);
    expect(records(c).filing).toMatchObject({ late: true });
    expect(c.view().overdueCount).toBe(0);
  });

  test('an act dated before the decision is refused', () => {
    const c = hazard();
    expect(c.rejection('filed', { filingNumber: 'BA-2026-0193', at: '2026-09-21T09:59:00+08:00' })).toBe(
      'the act is dated before the rectification decision',
    );
  });
});

describe('extension-review (审查并报所): a written extension request is reviewed and reported to the station within 3 days', () => {
  test('asked on Wednesday 09-23: day 3 is Saturday in the Mid-Autumn holiday, so the review is due at the end of Monday 09-28; reported the next morning', () => {
    const c = hazard().advanceTo('2026-09-23T11:00:00+08:00');
    c.act('extension-requested', { documentRef: 'YQSQ-001', requestedUntil: '2026-10-20' });
    expect(c.obligation('extension-review', 'request-1')).toMatchObject({
      status: 'pending',
      responsible: 'officer',
      opensAt: '2026-09-23T11:00:00+08:00',
      dueAt: '2026-09-28T23:59:59+08:00',
    });
    expect(records(c).rounds[0].extensions).toEqual([
      { n: 1, documentRef: 'YQSQ-001', requestedAt: '2026-09-23T11:00:00+08:00', requestedUntil: '2026-10-20' },
    ]);
    c.advanceTo('2026-09-24T10:00:00+08:00').act('extension-reviewed', { recommendation: 'approve' });
    expect(c.obligation('extension-review', 'request-1')).toMatchObject({ status: 'done', late: false });
    expect(c.notices('extension-review')).toEqual([
      expect.objectContaining({
        recipient: 'station',
        article: '61',
        period: 'request-1',
        createdAt: '2026-09-24T10:00:00+08:00',
        facts: { documentRef: 'YQSQ-001', rectifyBy: '2026-09-30', requestedUntil: '2026-10-20', late: false, recommendation: 'approve' },
      }),
    ]);
  });

  test('missed: reminded the morning of 09-28 (after the holiday), overdue to the station leader at the end of 09-28, to the supervisor at the end of 09-30; reported late on 10-01', () => {
    const c = hazard().advanceTo('2026-09-23T11:00:00+08:00');
    c.act('extension-requested', { documentRef: 'YQSQ-001', requestedUntil: '2026-10-20' });
    c.advanceTo('2026-10-01T09:00:00+08:00');
    expect(c.obligation('extension-review', 'request-1')).toMatchObject({ status: 'overdue', overdueAt: '2026-09-28T23:59:59+08:00' });
    expect(escalations(c, 'extension-review', 'request-1')).toEqual({
      reminder: ['officer 2026-09-28T10:39:00+08:00'],
      stationLeader: ['station-leader 2026-09-28T23:59:59+08:00'],
      supervisor: ['supervisor 2026-09-30T23:59:59+08:00'],
    });
    c.act('extension-reviewed');
    expect(c.obligation('extension-review', 'request-1')).toMatchObject({ status: 'done', late: true, completedAt: '2026-10-01T09:00:00+08:00' });
    expect(c.notices('extension-review').map((n) => [n.recipient, n.createdAt, n.facts])).toEqual([
      ['station', '2026-10-01T09:00:00+08:00', { documentRef: 'YQSQ-001', rectifyBy: '2026-09-30', requestedUntil: '2026-10-20', late: true }],
    ]);
  });
});

describe('the station decides on the extension (报所定是否同意延期)', () => {
  test('approved until Friday 10-16: the re-inspection moves from the end of 10-08 to the end of Monday 10-19, its window to 10-17; nothing falls due on 10-08', () => {
    const c = requestReviewed(hazard());
    c.advanceTo('2026-09-24T16:00:00+08:00').act('extension-decided', { decision: 'approved', newDeadline: '2026-10-16' });
    const reinspection = c.obligation('reinspection', 'round-1');
    expect(reinspection).toMatchObject({ status: 'pending', opensAt: '2026-10-17T00:00:00+08:00', dueAt: '2026-10-19T23:59:59+08:00' });
    expect(reinspection.changes).toEqual([
      {
        field: 'dueAt',
        from: '2026-10-08T23:59:59+08:00',
        to: '2026-10-19T23:59:59+08:00',
        at: '2026-09-24T16:00:00+08:00',
        reason: 'extension approved by the station: rectify by 2026-10-16',
      },
    ]);
    expect(records(c).rounds).toEqual([
      expect.objectContaining({
        round: 1,
        rectifyBy: '2026-10-16',
        setBy: 'decision',
        extensions: [
          {
            n: 1,
            documentRef: 'YQSQ-001',
            requestedAt: '2026-09-23T11:00:00+08:00',
            requestedUntil: '2026-10-20',
            reviewedAt: '2026-09-24T10:00:00+08:00',
            recommendation: 'approve',
            decision: 'approved',
            decidedAt: '2026-09-24T16:00:00+08:00',
            newDeadline: '2026-10-16',
          },
        ],
      }),
    ]);
    c.advanceTo('2026-10-12T10:00:00+08:00');
    expect(c.obligation('reinspection', 'round-1').status).toBe('pending');
    expect(escalations(c, 'reinspection', 'round-1')).toEqual({ reminder: [], stationLeader: [], supervisor: [] });
    expect(c.rejection('reinspected', { result: 'passed' })).toBe(
      'the rectification period runs until the end of 2026-10-16 and the unit has not asked for an early re-inspection',
    );
    c.advanceTo('2026-10-19T10:00:00+08:00').act('reinspected', { result: 'passed' });
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'done', late: false });
    expect(escalations(c, 'reinspection', 'round-1').reminder).toEqual(['officer 2026-10-19T09:17:00+08:00']);
    expect(c.view()).toMatchObject({ status: 'closed', outcome: 'rectified' });
  });

  test('refused: the deadline and the re-inspection stay; the unit may ask again while the period runs, a new review owed for it', () => {
    const c = requestReviewed(hazard(), 'refuse');
    c.advanceTo('2026-09-24T16:00:00+08:00').act('extension-decided', { decision: 'refused' });
    const reinspection = c.obligation('reinspection', 'round-1');
    expect(reinspection).toMatchObject({ status: 'pending', opensAt: '2026-10-01T00:00:00+08:00', dueAt: '2026-10-08T23:59:59+08:00' });
    expect(reinspection.changes).toBeUndefined();
    expect(records(c).rounds[0]).toMatchObject({
      rectifyBy: '2026-09-30',
      extensions: [{ n: 1, recommendation: 'refuse', decision: 'refused', decidedAt: '2026-09-24T16:00:00+08:00' }],
    });
    c.advanceTo('2026-09-29T09:00:00+08:00').act('extension-requested', { documentRef: 'YQSQ-002', requestedUntil: '2026-10-09' });
    // Tuesday 09-29: day 3 is 10-02, in the National Day holiday; the first working day after it is 10-08.
    expect(c.obligation('extension-review', 'request-2')).toMatchObject({
      status: 'pending',
      opensAt: '2026-09-29T09:00:00+08:00',
      dueAt: '2026-10-08T23:59:59+08:00',
    });
  });

  test('refused by the case: not in writing, a date that does not extend, a second request before the decision, a decision before the review, a review twice', () => {
    const c = hazard().advanceTo('2026-09-23T11:00:00+08:00');
    expect(c.rejection('extension-reviewed')).toBe('no extension request awaits review');
    expect(c.rejection('extension-decided', { decision: 'refused' })).toBe('no extension request awaits a decision');
    // The API's schema already refuses a request without its document; the workflow's own check is shown over the wire.
    expect(() => c.act('extension-requested', { documentRef: '  ', requestedUntil: '2026-10-20' })).toThrow('a document reference');
    expect(c.rejection('extension-requested', { documentRef: 'YQSQ-001', requestedUntil: '2026-09-30' })).toBe(
      '2026-09-30 does not extend the deadline (2026-09-30)',
    );
    c.act('extension-requested', { documentRef: 'YQSQ-001', requestedUntil: '2026-10-20' });
    expect(c.rejection('extension-requested', { documentRef: 'YQSQ-002', requestedUntil: '2026-10-10' })).toBe(
      "extension request YQSQ-001 awaits the station's decision",
    );
    expect(c.rejection('extension-decided', { decision: 'approved', newDeadline: '2026-10-16' })).toBe(
      'the officer has not yet reviewed the request and reported it to the station',
    );
    c.act('extension-reviewed');
    expect(c.rejection('extension-reviewed')).toBe('extension request YQSQ-001 has already been reported to the station');
    expect(c.rejection('extension-decided', { decision: 'approved', newDeadline: '2026-09-30' })).toBe(
      '2026-09-30 does not extend the deadline (2026-09-30)',
    );
    expect(c.rejection('reinspection-requested')).toBe("extension request YQSQ-001 awaits the station's decision");
    expect(records(c).rounds[0]).toMatchObject({ rectifyBy: '2026-09-30', extensions: [{ documentRef: 'YQSQ-001' }] });
  });

  test('a request after the end of 09-30 comes too late; an approval dated 10-06 may not set a deadline that has passed', () => {
    const late = hazard().advanceTo('2026-10-01T09:00:00+08:00');
    expect(late.rejection('extension-requested', { documentRef: 'YQSQ-009', requestedUntil: '2026-10-20' })).toBe(
      'the request came after the rectification deadline (2026-09-30)',
    );

    const c = hazard().advanceTo('2026-09-30T23:59:59+08:00');
    c.act('extension-requested', { documentRef: 'YQSQ-001', requestedUntil: '2026-10-20' });
    c.act('extension-reviewed', { recommendation: 'approve' });
    c.advanceTo('2026-10-06T10:00:00+08:00');
    expect(c.rejection('extension-decided', { decision: 'approved', newDeadline: '2026-10-05' })).toBe('the new deadline has already passed');
    c.act('extension-decided', { decision: 'approved', newDeadline: '2026-10-20' });
    // Tuesday 10-20: day 3 is Friday 10-23.
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({
      status: 'pending',
      opensAt: '2026-10-21T00:00:00+08:00',
      dueAt: '2026-10-23T23:59:59+08:00',
    });
  });
});

describe('reinspection (复查): when the period expires, or earlier at the unit’s request', () => {
  test('refused while the period runs and the unit has not asked: on the afternoon of the deadline day', () => {
    const c = hazard().advanceTo('2026-09-30T15:00:00+08:00');
    expect(c.rejection('reinspected', { result: 'passed' })).toBe(
      'the rectification period runs until the end of 2026-09-30 and the unit has not asked for an early re-inspection',
    );
    expect(records(c).kpi).toEqual({ reinspectedOnTime: 'pending', failureReported: 'not-applicable' });
  });

  test('on time: deadline Wednesday 09-30, day 3 falls in the National Day holiday, so due at the end of Thursday 10-08; passed on 10-08, the case ends rectified', () => {
    const c = hazard();
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({
      status: 'pending',
      responsible: 'officer',
      article: '61',
      opensAt: '2026-10-01T00:00:00+08:00',
      dueAt: '2026-10-08T23:59:59+08:00',
    });
    c.advanceTo('2026-09-21T11:00:00+08:00').act('filed', { filingNumber: 'BA-2026-0193' });
    c.advanceTo('2026-10-08T10:00:00+08:00');
    expect(escalations(c, 'reinspection', 'round-1')).toEqual({ reminder: ['officer 2026-10-08T09:17:00+08:00'], stationLeader: [], supervisor: [] });
    const v = c.act('reinspected', { result: 'passed' });
    expect(v).toMatchObject({ status: 'closed', outcome: 'rectified', closedAt: '2026-10-08T10:00:00+08:00' });
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'done', late: false, completedAt: '2026-10-08T10:00:00+08:00' });
    expect(records(c)).toMatchObject({
      stage: 'rectified',
      rounds: [{ round: 1, result: 'passed', reinspection: { at: '2026-10-08T10:00:00+08:00', dueAt: '2026-10-08T23:59:59+08:00', onTime: true } }],
      kpi: { reinspectedOnTime: 'yes', failureReported: 'not-applicable' },
    });
    expect(c.rejection('reinspected', { result: 'passed' })).toBe('the case is closed');
  });

  test('missed: overdue to the station leader at the end of 10-08, to the supervisor at the end of 10-10; passed late on 10-12, Art. 62(2) counts it not on time', () => {
    const c = hazard().advanceTo('2026-10-12T09:00:00+08:00');
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'overdue', overdueAt: '2026-10-08T23:59:59+08:00' });
    expect(escalations(c, 'reinspection', 'round-1')).toEqual({
      reminder: ['officer 2026-10-08T09:17:00+08:00'],
      stationLeader: ['station-leader 2026-10-08T23:59:59+08:00'],
      supervisor: ['supervisor 2026-10-10T23:59:59+08:00'],
    });
    c.act('reinspected', { result: 'passed' });
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'done', late: true, completedAt: '2026-10-12T09:00:00+08:00' });
    expect(records(c).rounds[0].reinspection).toEqual({ at: '2026-10-12T09:00:00+08:00', dueAt: '2026-10-08T23:59:59+08:00', onTime: false });
    expect(records(c).kpi).toEqual({ reinspectedOnTime: 'no', failureReported: 'not-applicable' });
    expect(c.view()).toMatchObject({ status: 'closed', outcome: 'rectified' });
  });

  test('rescheduled earlier: on Monday 09-28 the unit asks early with a deadline of 10-30; due at the end of 10-08 instead of 11-02, overdue then', () => {
    const c = hazard({ rectifyBy: '2026-10-30' });
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ opensAt: '2026-10-31T00:00:00+08:00', dueAt: '2026-11-02T23:59:59+08:00' });
    c.advanceTo('2026-09-28T10:00:00+08:00').act('reinspection-requested', { documentRef: 'TQFC-001' });
    const reinspection = c.obligation('reinspection', 'round-1');
    expect(reinspection).toMatchObject({ status: 'pending', opensAt: '2026-09-28T10:00:00+08:00', dueAt: '2026-10-08T23:59:59+08:00' });
    expect(reinspection.changes).toEqual([
      {
        field: 'dueAt',
        from: '2026-11-02T23:59:59+08:00',
        to: '2026-10-08T23:59:59+08:00',
        at: '2026-09-28T10:00:00+08:00',
        reason: 'the unit asked for an early re-inspection on 2026-09-28T10:00:00+08:00',
      },
    ]);
    expect(records(c).rounds[0].earlyReinspectionRequestedAt).toBe('2026-09-28T10:00:00+08:00');
    c.advanceTo('2026-10-10T23:59:59+08:00');
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'overdue', overdueAt: '2026-10-08T23:59:59+08:00' });
    expect(escalations(c, 'reinspection', 'round-1')).toEqual({
      reminder: ['officer 2026-09-30T09:17:00+08:00'],
      stationLeader: ['station-leader 2026-10-08T23:59:59+08:00'],
      supervisor: ['supervisor 2026-10-10T23:59:59+08:00'],
    });
    c.act('reinspected', { result: 'passed' });
    expect(records(c).rounds[0].reinspection).toEqual({ at: '2026-10-10T23:59:59+08:00', dueAt: '2026-10-08T23:59:59+08:00', onTime: false });
  });

  test('an early request on the deadline day opens the window at once and leaves the due time; no re-inspection dated before the request', () => {
    const c = hazard().advanceTo('2026-09-30T09:00:00+08:00');
    c.act('reinspection-requested');
    const reinspection = c.obligation('reinspection', 'round-1');
    expect(reinspection).toMatchObject({ opensAt: '2026-09-30T09:00:00+08:00', dueAt: '2026-10-08T23:59:59+08:00' });
    expect(reinspection.changes).toBeUndefined();
    expect(c.rejection('reinspection-requested')).toBe('an early re-inspection has already been requested');
    expect(c.rejection('extension-requested', { documentRef: 'YQSQ-001', requestedUntil: '2026-10-20' })).toBe(
      'the unit has asked for an early re-inspection',
    );
    c.advanceTo('2026-09-30T15:00:00+08:00');
    expect(c.rejection('reinspected', { result: 'passed', at: '2026-09-30T08:00:00+08:00' })).toBe(
      'the re-inspection is dated before the unit asked for it',
    );
    c.act('reinspected', { result: 'passed' });
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'done', late: false, completedAt: '2026-09-30T15:00:00+08:00' });
  });

  test('no early request once the deadline has passed: the re-inspection is due anyway', () => {
    const c = hazard().advanceTo('2026-10-01T09:00:00+08:00');
    expect(c.rejection('reinspection-requested')).toBe('the rectification deadline (2026-09-30) has passed: the re-inspection is due anyway');
  });

  test('rescheduled by the calendar: a deadline of 12-29 puts the re-inspection on Friday 2027-01-01 with a warning; loading 2027 moves it to Monday 01-04', () => {
    const c = hazardAtYearEnd();
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ opensAt: '2026-12-30T00:00:00+08:00', dueAt: '2027-01-01T23:59:59+08:00' });
    expect(c.view().warnings).toEqual(['no working-day calendar for 2027: computed on weekends only']);
    c.advanceTo('2026-12-22T09:00:00+08:00').loadCalendar(calendar2027);
    const reinspection = c.obligation('reinspection', 'round-1');
    expect(reinspection).toMatchObject({ status: 'pending', opensAt: '2026-12-30T00:00:00+08:00', dueAt: '2027-01-04T23:59:59+08:00' });
    expect(reinspection.changes).toEqual([
      {
        field: 'dueAt',
        from: '2027-01-01T23:59:59+08:00',
        to: '2027-01-04T23:59:59+08:00',
        at: '2026-12-22T09:00:00+08:00',
        reason: 'working-day calendar 2027 version 1 loaded (test schedule)',
      },
    ]);
    expect(c.view().warnings).toEqual([]);
    c.advanceTo('2027-01-04T10:00:00+08:00');
    expect(escalations(c, 'reinspection', 'round-1')).toEqual({ reminder: ['officer 2026-12-31T09:17:00+08:00'], stationLeader: [], supervisor: [] });
    c.act('reinspected', { result: 'passed' });
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'done', late: false });
  });

  test('a re-inspection deadline already reached is never moved: overdue at the end of 2027-01-01, it stays so when 2027 is loaded on 01-02', () => {
    const c = hazardAtYearEnd().advanceTo('2027-01-02T10:00:00+08:00');
    expect(c.obligation('reinspection', 'round-1')).toMatchObject({ status: 'overdue', overdueAt: '2027-01-01T23:59:59+08:00' });
    c.loadCalendar(calendar2027);
    const reinspection = c.obligation('reinspection', 'round-1');
    expect(reinspection).toMatchObject({ status: 'overdue', dueAt: '2027-01-01T23:59:59+08:00', overdueAt: '2027-01-01T23:59:59+08:00' });
    expect(reinspection.changes).toBeUndefined();
    c.advanceTo('2027-01-04T00:00:00+08:00');
    expect(escalations(c, 'reinspection', 'round-1')).toEqual({
      reminder: ['officer 2026-12-31T09:17:00+08:00'],
      stationLeader: ['station-leader 2027-01-01T23:59:59+08:00'],
      supervisor: ['supervisor 2027-01-03T23:59:59+08:00'],
    });
  });
});

describe('failure-report (及时报告 / 通报): a justified failure is reported within 3 days', () => {
  test('on time: failed on Thursday 10-08, due at the end of Monday 10-12; reported to the township government; the station’s new deadline opens round 2, which passes', () => {
    const c = hazard().advanceTo('2026-10-08T10:00:00+08:00');
    let v = c.act('reinspected', { result: 'failed', justified: true });
    expect(v.status).toBe('open');
    expect(c.obligation('failure-report', 'round-1')).toMatchObject({
      status: 'pending',
      responsible: 'officer',
      article: '61',
      opensAt: '2026-10-08T10:00:00+08:00',
      dueAt: '2026-10-12T23:59:59+08:00',
    });
    expect(records(c)).toMatchObject({
      stage: 'awaiting-new-deadline',
      rounds: [{ result: 'failed-justified' }],
      kpi: { reinspectedOnTime: 'yes', failureReported: 'no' },
    });

    c.advanceTo('2026-10-09T10:00:00+08:00').act('failure-reported', { recipient: 'township-government' });
    expect(c.obligation('failure-report', 'round-1')).toMatchObject({ status: 'done', late: false });
    expect(c.notices('rectification-failure')).toEqual([
      expect.objectContaining({
        recipient: 'township-government',
        article: '61',
        period: 'round-1',
        createdAt: '2026-10-09T10:00:00+08:00',
        facts: { unit: '某某商贸有限公司', rectifyBy: '2026-09-30', reinspectedAt: '2026-10-08T10:00:00+08:00' },
      }),
    ]);
    expect(records(c).rounds[0].failureReport).toEqual({ recipient: 'township-government', reportedAt: '2026-10-09T10:00:00+08:00', late: false });
    expect(records(c).kpi).toEqual({ reinspectedOnTime: 'yes', failureReported: 'yes' });

    c.advanceTo('2026-10-09T11:00:00+08:00').act('new-deadline-set', { rectifyBy: '2026-10-30' });
    expect(c.obligation('reinspection', 'round-2')).toMatchObject({
      status: 'pending',
      opensAt: '2026-10-31T00:00:00+08:00',
      dueAt: '2026-11-02T23:59:59+08:00',
    });
    expect(records(c)).toMatchObject({
      stage: 'rectifying',
      rounds: [{ round: 1 }, { round: 2, rectifyBy: '2026-10-30', setBy: 'station', extensions: [] }],
    });
    expect(c.rejection('reinspected', { result: 'passed' })).toBe(
      'the rectification period runs until the end of 2026-10-30 and the unit has not asked for an early re-inspection',
    );

    v = c.advanceTo('2026-11-02T10:00:00+08:00').act('reinspected', { result: 'passed' });
    expect(v).toMatchObject({ status: 'closed', outcome: 'rectified', closedAt: '2026-11-02T10:00:00+08:00' });
    expect(records(c).rounds[1]).toMatchObject({
      result: 'passed',
      reinspection: { at: '2026-11-02T10:00:00+08:00', dueAt: '2026-11-02T23:59:59+08:00', onTime: true },
    });
    expect(records(c).kpi).toEqual({ reinspectedOnTime: 'yes', failureReported: 'yes' });
    expect(c.sent('overdue-escalation', 'failure-report', 'round-1')).toEqual([]);
  });

  test('missed: reminded the morning of 10-12, overdue to the station leader at the end of 10-12, to the supervisor at the end of 10-14; the late report to the superior department counts, late', () => {
    const c = hazard().advanceTo('2026-10-08T10:00:00+08:00');
    c.act('reinspected', { result: 'failed', justified: true });
    c.advanceTo('2026-10-15T09:00:00+08:00');
    expect(c.obligation('failure-report', 'round-1')).toMatchObject({ status: 'overdue', overdueAt: '2026-10-12T23:59:59+08:00' });
    expect(escalations(c, 'failure-report', 'round-1')).toEqual({
      reminder: ['officer 2026-10-12T09:57:00+08:00'],
      stationLeader: ['station-leader 2026-10-12T23:59:59+08:00'],
      supervisor: ['supervisor 2026-10-14T23:59:59+08:00'],
    });
    expect(records(c).kpi.failureReported).toBe('no');
    c.act('failure-reported', { recipient: 'superior-department' });
    expect(c.obligation('failure-report', 'round-1')).toMatchObject({ status: 'done', late: true, completedAt: '2026-10-15T09:00:00+08:00' });
    expect(c.notices('rectification-failure').map((n) => `${n.recipient} ${n.createdAt}`)).toEqual(['superior-department 2026-10-15T09:00:00+08:00']);
    expect(records(c).rounds[0].failureReport).toEqual({ recipient: 'superior-department', reportedAt: '2026-10-15T09:00:00+08:00', late: true });
    expect(records(c).kpi.failureReported).toBe('yes');
    expect(c.rejection('failure-reported', { recipient: 'township-government' })).toBe('no failed rectification awaits a report');
  });

  test('while a new deadline is awaited there is no period: no re-inspection, extension or early request; the new deadline may not lie in the past', () => {
    const c = hazard().advanceTo('2026-10-08T10:00:00+08:00');
    expect(c.rejection('new-deadline-set', { rectifyBy: '2026-10-30' })).toBe(
      'a new deadline follows a re-inspection that failed with a justified reason',
    );
    c.act('reinspected', { result: 'failed', justified: true });
    expect(c.rejection('reinspected', { result: 'passed' })).toBe('no rectification period awaits a re-inspection');
    expect(c.rejection('extension-requested', { documentRef: 'YQSQ-001', requestedUntil: '2026-10-30' })).toBe('no rectification period is running');
    expect(c.rejection('reinspection-requested')).toBe('no rectification period is running');
    expect(c.rejection('new-deadline-set', { rectifyBy: '2026-10-07' })).toBe('the new deadline has already passed');
  });
});

describe('failed without a justified reason (按逾期不整改治安隐患依法处理)', () => {
  test('referred to the station on the day of the re-inspection; the case ends referred, no failure report owed, nothing escalated afterwards', () => {
    const c = hazard().advanceTo('2026-09-21T11:00:00+08:00');
    c.act('filed', { filingNumber: 'BA-2026-0193' });
    c.advanceTo('2026-10-08T10:00:00+08:00');
    expect(c.rejection('failure-reported', { recipient: 'township-government' })).toBe('no failed rectification awaits a report');
    const v = c.act('reinspected', { result: 'failed', justified: false });
    expect(v).toMatchObject({ status: 'closed', outcome: 'referred', closedAt: '2026-10-08T10:00:00+08:00' });
    expect(c.notices('referral')).toEqual([
      expect.objectContaining({
        recipient: 'station',
        article: '61',
        createdAt: '2026-10-08T10:00:00+08:00',
        facts: { round: 1, rectifyBy: '2026-09-30' },
      }),
    ]);
    expect(records(c)).toMatchObject({
      stage: 'referred',
      rounds: [{ result: 'failed-unjustified', reinspection: { onTime: true } }],
      kpi: { reinspectedOnTime: 'yes', failureReported: 'not-applicable' },
    });
    expect(c.view().obligations.map((o) => o.key)).not.toContain('failure-report');
    c.advanceTo('2026-10-20T00:00:00+08:00');
    expect(c.notices('supervisor-escalation')).toEqual([]);
    expect(c.rejection('failure-reported', { recipient: 'township-government' })).toBe('the case is closed');
  });
});

describe('records', () => {
  test('the start is recorded without personal data: the unit, the number of hazards, the decision; Art. 62 facts pending', () => {
    expect(hazard().view()).toMatchObject({
      status: 'open',
      caseNumber: 'ZG-2026-0921',
      startedAt: '2026-09-21T10:30:00+08:00',
      records: {
        unit: { name: '某某商贸有限公司', creditCode: '91350100M000100Y43', keyUnit: false },
        hazardCount: 2,
        decidedAt: '2026-09-21T10:00:00+08:00',
        stage: 'rectifying',
        rounds: [{ round: 1, rectifyBy: '2026-09-30', setBy: 'decision', extensions: [] }],
        kpi: { reinspectedOnTime: 'pending', failureReported: 'not-applicable' },
      },
      policy: expect.objectContaining({ filingHours: 24, extensionReviewDays: 3, reinspectionDays: 3, failureReportDays: 3 }),
    });
  });

  test('a start with an invalid unified social credit code is refused', () => {
    expect(() => hazard({ unit: { name: '某某商贸有限公司', creditCode: '91350100M000100Y44', keyUnit: false } })).toThrow(
      'unified social credit code',
    );
  });

  test('continue-as-new in the middle of an extension carries it whole; the station decides in the next run', () => {
    const c = hazard().advanceTo('2026-09-23T11:00:00+08:00');
    c.act('extension-requested', { documentRef: 'YQSQ-001', requestedUntil: '2026-10-20' });
    const before = c.view();
    c.continueAsNew();
    expect(c.view()).toEqual({ ...before, run: 1 });
    c.advanceTo('2026-09-24T10:00:00+08:00').act('extension-reviewed');
    c.act('extension-decided', { decision: 'approved', newDeadline: '2026-10-16' });
    expect(c.obligation('reinspection', 'round-1').dueAt).toBe('2026-10-19T23:59:59+08:00');
  });
});

describe("the station's own deadlines (policy: 3 working days each)", () => {
  test('extension-decision: reported to the station Thursday 09-24; Mid-Autumn and the weekend skipped, the station decides by the end of Wednesday 09-30; decided that afternoon, on time', () => {
    const c = requestReviewed(hazard());
    expect(c.obligation('extension-decision', 'request-1')).toMatchObject({
      status: 'pending',
      responsible: 'station',
      article: '61',
      opensAt: '2026-09-24T10:00:00+08:00',
      dueAt: '2026-09-30T23:59:59+08:00',
    });
    c.advanceTo('2026-09-24T16:00:00+08:00').act('extension-decided', { decision: 'refused' });
    expect(c.obligation('extension-decision', 'request-1')).toMatchObject({ status: 'done', late: false, completedAt: '2026-09-24T16:00:00+08:00' });
    expect(escalations(c, 'extension-decision', 'request-1')).toEqual({ reminder: [], stationLeader: [], supervisor: [] });
  });

  test('extension-decision missed: the pending request is reminded, overdue at the end of 09-30 and escalated; a late decision counts, late', () => {
    const c = requestReviewed(hazard()).advanceTo('2026-10-08T09:00:00+08:00');
    expect(c.obligation('extension-decision', 'request-1')).toMatchObject({ status: 'overdue', overdueAt: '2026-09-30T23:59:59+08:00' });
    expect(escalations(c, 'extension-decision', 'request-1')).toEqual({
      reminder: ['station 2026-09-29T10:01:00+08:00'],
      stationLeader: ['station-leader 2026-09-30T23:59:59+08:00'],
      supervisor: ['supervisor 2026-10-02T23:59:59+08:00'],
    });
    c.act('extension-decided', { decision: 'approved', newDeadline: '2026-10-20' });
    expect(c.obligation('extension-decision', 'request-1')).toMatchObject({ status: 'done', late: true });
  });

  test('new-deadline: failed with a justified reason Thursday 10-08; the station owes a new deadline by the end of Monday 10-12 (10-09, make-up Saturday 10-10, 10-12); set on 10-09, on time', () => {
    const c = hazard().advanceTo('2026-10-08T10:00:00+08:00');
    c.act('reinspected', { result: 'failed', justified: true });
    expect(c.obligation('new-deadline', 'round-1')).toMatchObject({
      status: 'pending',
      responsible: 'station',
      opensAt: '2026-10-08T10:00:00+08:00',
      dueAt: '2026-10-12T23:59:59+08:00',
    });
    c.advanceTo('2026-10-09T11:00:00+08:00').act('new-deadline-set', { rectifyBy: '2026-10-30' });
    expect(c.obligation('new-deadline', 'round-1')).toMatchObject({ status: 'done', late: false, completedBy: 'P-20931' });
  });

  test('new-deadline missed: reminded, overdue at the end of 10-12 and escalated while nobody decides', () => {
    const c = hazard().advanceTo('2026-10-08T10:00:00+08:00');
    c.act('reinspected', { result: 'failed', justified: true });
    c.act('failure-reported', { recipient: 'township-government' });
    c.advanceTo('2026-10-16T09:00:00+08:00');
    expect(c.obligation('new-deadline', 'round-1')).toMatchObject({ status: 'overdue', overdueAt: '2026-10-12T23:59:59+08:00' });
    expect(escalations(c, 'new-deadline', 'round-1')).toEqual({
      reminder: ['station 2026-10-12T10:03:00+08:00'],
      stationLeader: ['station-leader 2026-10-12T23:59:59+08:00'],
      supervisor: ['supervisor 2026-10-14T23:59:59+08:00'],
    });
  });

  test('referred-elsewhere: refused before the failure is reported; afterwards it ends the case, the station’s duty done, the referral recorded', () => {
    const c = hazard().advanceTo('2026-10-08T10:00:00+08:00');
    expect(c.rejection('referred-elsewhere', { to: '区应急管理局' })).toBe(
      'a case is handed on after a re-inspection that failed with a justified reason',
    );
    c.act('reinspected', { result: 'failed', justified: true });
    expect(c.rejection('referred-elsewhere', { to: '区应急管理局' })).toBe('the failed rectification has not been reported yet');
    c.advanceTo('2026-10-09T10:00:00+08:00').act('failure-reported', { recipient: 'superior-department' });
    const v = c.advanceTo('2026-10-09T15:00:00+08:00').act('referred-elsewhere', { to: '区应急管理局', documentRef: 'YJ-2026-77' });
    expect(v).toMatchObject({ status: 'closed', outcome: 'referred-elsewhere', closedAt: '2026-10-09T15:00:00+08:00' });
    expect(c.obligation('new-deadline', 'round-1')).toMatchObject({ status: 'done', late: false });
    expect(records(c).rounds[0].referredElsewhere).toEqual({ to: '区应急管理局', documentRef: 'YJ-2026-77', at: '2026-10-09T15:00:00+08:00' });
  });
});
