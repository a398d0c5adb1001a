import { followUpStartSchema } from '../../src/procedures/case-follow-up/schema';
import { SimulatedCase } from '../support/simulator';

// Every date is pinned in 2026 (built-in calendar: National Day 10-01…10-07, make-up workdays 09-20 and 10-10).
// 2026-03-02 and 2026-09-28 are Mondays.

function filed(filedAt = '2026-03-02T10:00:00+08:00', overrides: Record<string, unknown> = {}) {
  return SimulatedCase.start(
    {
      procedure: 'case-follow-up',
      caseNumber: 'XA-2026-0302',
      stationId: 'S-01',
      officerId: 'P-20931',
      caseKind: 'criminal',
      filedAt,
      victimCount: 2,
      ...overrides,
    },
    filedAt,
  );
}

const visit = (visit: 'filing' | 'conclusion', fields: Record<string, unknown> = {}) => ({
  visit,
  covered: ['informed-progress', 'collected-leads'],
  ...fields,
});

describe('filing-visit (Art. 80): a follow-up visit within a week of filing', () => {
  test('on time: filed Monday 03-02, the week ends with Monday 03-09; visited Thursday, not late, no reminder yet', () => {
    const c = filed();
    expect(c.obligation('filing-visit')).toMatchObject({
      status: 'pending',
      responsible: 'officer',
      opensAt: '2026-03-02T10:00:00+08:00',
      dueAt: '2026-03-09T23:59:59+08:00',
      basis: expect.objectContaining({ rule: 'within-days', n: 7 }),
    });
    c.advanceTo('2026-03-05T15:00:00+08:00').act('visited', visit('filing'));
    expect(c.obligation('filing-visit')).toMatchObject({
      status: 'done',
      late: false,
      completedBy: 'P-20931',
      completedAt: '2026-03-05T15:00:00+08:00',
    });
    expect(c.view().records).toMatchObject({
      visits: [
        { visit: 'filing', at: '2026-03-05T15:00:00+08:00', covered: ['informed-progress', 'collected-leads'], riskFound: false, late: false },
      ],
      kpi: { filing: 'on-time', conclusion: 'pending' },
    });
    c.advanceTo('2026-03-20T00:00:00+08:00');
    expect(c.notices()).toEqual([]);
    expect(c.view().status).toBe('open');
  });

  test('filed Monday 09-28: day 7 (10-05) falls in the National Day holiday, so the week ends with Thursday 10-08; reminded that morning (the holiday has no working morning)', () => {
    const c = filed('2026-09-28T10:00:00+08:00');
    expect(c.obligation('filing-visit').dueAt).toBe('2026-10-08T23:59:59+08:00');
    c.advanceTo('2026-10-08T16:00:00+08:00');
    expect(c.sent('reminder', 'filing-visit')).toEqual(['officer 2026-10-08T10:07:00+08:00']);
    c.act('visited', visit('filing'));
    expect(c.obligation('filing-visit')).toMatchObject({ status: 'done', late: false });
    expect(c.notices('overdue-escalation')).toEqual([]);
  });

  test('missed: the station leader is told at the end of 10-08, the supervisor 48 h later; a late visit is kept as late', () => {
    const c = filed('2026-09-28T10:00:00+08:00').advanceTo('2026-10-11T09:00:00+08:00');
    expect(c.obligation('filing-visit')).toMatchObject({ status: 'overdue', overdueAt: '2026-10-08T23:59:59+08:00' });
    expect(c.sent('overdue-escalation', 'filing-visit')).toEqual(['station-leader 2026-10-08T23:59:59+08:00']);
    expect(c.sent('supervisor-escalation', 'filing-visit')).toEqual(['supervisor 2026-10-10T23:59:59+08:00']);
    c.act('visited', visit('filing'));
    expect(c.obligation('filing-visit')).toMatchObject({
      status: 'done',
      late: true,
      completedAt: '2026-10-11T09:00:00+08:00',
      overdueAt: '2026-10-08T23:59:59+08:00',
    });
    expect(c.view().records).toMatchObject({ kpi: { filing: 'late' }, visits: [{ visit: 'filing', late: true }] });
  });
});

describe('conclusion-visit (Art. 80): a visit after the case is concluded, within the policy’s 7 days', () => {
  test('on time: concluded Sunday 03-22, day 7 is Sunday 03-29, so it is due Monday 03-30; the visit closes the case', () => {
    const c = filed().advanceTo('2026-03-04T10:00:00+08:00');
    c.act('visited', visit('filing'));
    expect(c.rejection('visited', visit('conclusion'))).toBe('the case has not been concluded yet');
    c.advanceTo('2026-03-22T10:00:00+08:00').act('case-concluded', { actor: 'station-system' });
    expect(c.obligation('conclusion-visit')).toMatchObject({
      status: 'pending',
      opensAt: '2026-03-22T10:00:00+08:00',
      dueAt: '2026-03-30T23:59:59+08:00',
      basis: expect.objectContaining({ rule: 'within-days', n: 7 }),
    });
    c.advanceTo('2026-03-30T11:00:00+08:00');
    expect(c.sent('reminder', 'conclusion-visit')).toEqual(['officer 2026-03-27T10:13:00+08:00']);
    const v = c.act('visited', visit('conclusion', { covered: ['informed-decision', 'heard-opinions', 'prevention-advice'] }));
    expect(v).toMatchObject({ status: 'closed', outcome: 'followed-up', closedAt: '2026-03-30T11:00:00+08:00' });
    expect(c.obligation('conclusion-visit')).toMatchObject({ status: 'done', late: false, completedAt: '2026-03-30T11:00:00+08:00' });
    expect(v.records).toMatchObject({ concludedAt: '2026-03-22T10:00:00+08:00', kpi: { filing: 'on-time', conclusion: 'on-time' } });
    expect(c.rejection('visited', visit('filing'))).toBe('the case is closed');
  });

  test('missed: the station leader is told at the end of the period, the supervisor 48 h later; the late visit still closes the case', () => {
    const c = filed().advanceTo('2026-03-04T10:00:00+08:00');
    c.act('visited', visit('filing'));
    c.advanceTo('2026-03-20T15:00:00+08:00').act('case-concluded', { actor: 'station-system' });
    expect(c.obligation('conclusion-visit').dueAt).toBe('2026-03-27T23:59:59+08:00');
    c.advanceTo('2026-03-31T09:00:00+08:00');
    expect(c.sent('reminder', 'conclusion-visit')).toEqual(['officer 2026-03-26T10:13:00+08:00']);
    expect(c.sent('overdue-escalation', 'conclusion-visit')).toEqual(['station-leader 2026-03-27T23:59:59+08:00']);
    expect(c.sent('supervisor-escalation', 'conclusion-visit')).toEqual(['supervisor 2026-03-29T23:59:59+08:00']);
    const v = c.act('visited', visit('conclusion'));
    expect(v).toMatchObject({ status: 'closed', outcome: 'followed-up' });
    expect(c.obligation('conclusion-visit')).toMatchObject({ status: 'done', late: true, overdueAt: '2026-03-27T23:59:59+08:00' });
    expect(v.records).toMatchObject({ kpi: { filing: 'on-time', conclusion: 'late' } });
  });

  test('an administrative case concluded on the day it was filed: one visit after conclusion within the week is both visits', () => {
    const c = filed('2026-03-02T10:00:00+08:00', { caseKind: 'administrative', victimCount: 1 });
    c.advanceTo('2026-03-02T16:00:00+08:00').act('case-concluded', { actor: 'station-system' });
    c.advanceTo('2026-03-04T10:00:00+08:00');
    const v = c.act('visited', visit('conclusion', { covered: ['informed-decision', 'education'] }));
    expect(v).toMatchObject({ status: 'closed', outcome: 'followed-up' });
    expect(c.obligation('filing-visit')).toMatchObject({ status: 'done', late: false, completedAt: '2026-03-04T10:00:00+08:00' });
    expect(c.obligation('conclusion-visit')).toMatchObject({ status: 'done', late: false, completedAt: '2026-03-04T10:00:00+08:00' });
    expect(v.records).toMatchObject({ kpi: { filing: 'on-time', conclusion: 'on-time' } });
  });

  test('a filing visit still missing when the conclusion visit is made is recorded as missed, with its escalations kept', () => {
    const c = filed().advanceTo('2026-03-12T10:00:00+08:00');
    expect(c.sent('overdue-escalation', 'filing-visit')).toEqual(['station-leader 2026-03-09T23:59:59+08:00']);
    expect(c.sent('supervisor-escalation', 'filing-visit')).toEqual(['supervisor 2026-03-11T23:59:59+08:00']);
    c.act('case-concluded', { actor: 'station-system' });
    c.advanceTo('2026-03-13T10:00:00+08:00');
    const v = c.act('visited', visit('conclusion'));
    expect(v).toMatchObject({ status: 'closed', outcome: 'filing-visit-missed' });
    expect(c.obligation('filing-visit')).toMatchObject({ status: 'cancelled', overdueAt: '2026-03-09T23:59:59+08:00' });
    expect(v.records).toMatchObject({ kpi: { filing: 'missed', conclusion: 'on-time' } });
    c.advanceTo('2026-04-30T00:00:00+08:00');
    expect(c.notices('supervisor-escalation')).toHaveLength(1);
  });
});

describe('major-risk (Art. 80(五)): a visit that finds a major risk is reported to the station leader at once', () => {
  test('found at the filing visit: one notice to the station leader, at the visit, stating which visit; the case goes on', () => {
    const c = filed().advanceTo('2026-03-03T14:30:00+08:00');
    c.act('visited', visit('filing', { covered: ['informed-progress', 'risk-assessment'], riskFound: true }));
    expect(c.notices('major-risk')).toEqual([
      expect.objectContaining({
        recipient: 'station-leader',
        article: '80(5)',
        obligationKey: 'filing-visit',
        createdAt: '2026-03-03T14:30:00+08:00',
        facts: { visit: 'filing', caseKind: 'criminal' },
      }),
    ]);
    expect(c.view()).toMatchObject({ status: 'open', records: { visits: [{ riskFound: true }] } });
  });

  test('found at the conclusion visit: reported, and the case closes; no risk found, no notice', () => {
    const c = filed().advanceTo('2026-03-03T10:00:00+08:00');
    c.act('visited', visit('filing', { riskFound: false }));
    c.advanceTo('2026-03-10T10:00:00+08:00').act('case-concluded', { actor: 'station-system' });
    c.advanceTo('2026-03-11T09:15:00+08:00').act('visited', visit('conclusion', { covered: ['risk-assessment'], riskFound: true }));
    expect(c.notices('major-risk').map((n) => `${n.recipient} ${n.createdAt} ${n.obligationKey}`)).toEqual([
      'station-leader 2026-03-11T09:15:00+08:00 conclusion-visit',
    ]);
    expect(c.view().status).toBe('closed');
  });
});

describe('records and refusals', () => {
  test('each visit once; conclusion once; nothing dated before the filing or a conclusion visit before the conclusion', () => {
    const c = filed().advanceTo('2026-03-03T10:00:00+08:00');
    expect(c.rejection('visited', visit('filing', { at: '2026-03-02T09:00:00+08:00' }))).toBe('the act is dated before the case was filed');
    c.act('visited', visit('filing'));
    expect(c.rejection('visited', visit('filing'))).toBe('the filing visit has already been made');
    c.advanceTo('2026-03-06T10:00:00+08:00').act('case-concluded', { actor: 'station-system' });
    expect(c.rejection('case-concluded')).toBe('the case was already concluded on 2026-03-06T10:00:00+08:00');
    expect(c.rejection('visited', visit('conclusion', { at: '2026-03-06T09:00:00+08:00' }))).toBe('the visit is dated before the case was concluded');
  });

  test('a visit names what it covered among Art. 80 (一)–(五); the start carries no names', () => {
    const c = filed().advanceTo('2026-03-03T10:00:00+08:00');
    expect(() => c.act('visited', visit('filing', { covered: [] }))).toThrow();
    expect(() => c.act('visited', visit('filing', { covered: ['chatted'] }))).toThrow();
    const start = followUpStartSchema.parse({
      procedure: 'case-follow-up',
      caseNumber: 'XA-2026-0303',
      stationId: 'S-01',
      officerId: 'P-20931',
      caseKind: 'administrative',
      filedAt: '2026-03-02T10:00:00+08:00',
      victimCount: 1,
      victimName: '王五',
    });
    expect(start).not.toHaveProperty('victimName');
  });

  test('continue-as-new carries the case whole', () => {
    const c = filed().advanceTo('2026-03-03T10:00:00+08:00');
    c.act('visited', visit('filing'));
    c.advanceTo('2026-03-06T10:00:00+08:00').act('case-concluded', { actor: 'station-system' });
    const before = c.view();
    c.continueAsNew();
    expect(c.view()).toEqual({ ...before, run: 1 });
    c.advanceTo('2026-03-13T23:59:59.999+08:00');
    expect(c.obligation('conclusion-visit').status).toBe('overdue');
  });
});
