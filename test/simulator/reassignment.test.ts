import { SimulatedCase, pinnedBailStart } from '../support/simulator';

// 2026-03-02 is a Monday; the subject must report by 2026-03-04 09:00 (pinnedBailStart), reminded the morning before.
describe('case-reassigned: the station leader moves a case to another officer, who holds its open duties from then on', () => {
  test('the reminder and the escalation of a duty still open go on, the case names the new officer, and what they do is theirs', () => {
    const c = SimulatedCase.start(pinnedBailStart(), '2026-03-02T09:00:00+08:00').advanceTo('2026-03-02T15:00:00+08:00');
    const view = c.act('case-reassigned', { actor: 'SL-01', officerId: 'P-20932', reason: '原责任民警调岗' });
    expect(view.officerId).toBe('P-20932');
    expect(c.rejection('case-reassigned', { actor: 'SL-01', officerId: 'P-20932', reason: '再次' })).toBe('the case is already assigned to P-20932');

    c.advanceTo('2026-03-04T09:00:00+08:00');
    // The reminders and notices go to "the officer" of the case: the relay and the station system deliver them to P-20932.
    expect(c.sent('reminder', 'subject-report')).toEqual(['officer 2026-03-03T09:46:00+08:00']);
    expect(c.obligation('subject-report')).toMatchObject({ status: 'overdue', overdueAt: '2026-03-04T09:00:00+08:00' });
    c.act('subject-reported', { actor: 'P-20932' });
    expect(c.obligation('subject-report')).toMatchObject({ status: 'done', late: true, completedBy: 'P-20932' });
    // It stays with the case from run to run.
    expect(c.continueAsNew().view().officerId).toBe('P-20932');
  });
});
