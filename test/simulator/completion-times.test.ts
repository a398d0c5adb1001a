import { SimulatedCase, pinnedBailStart } from '../support/simulator';

// The rules on an action's `at` are the engine's, so one procedure shows them for all. Dates pinned in 2026; 2026-03-02
// is a Monday.

function bail() {
  return SimulatedCase.start(pinnedBailStart({ caseNumber: 'XA-2026-0302' }), '2026-03-02T09:00:00+08:00');
}

describe('completion times that cannot be bent (Art. 62, 76: the on-time rates count them)', () => {
  test('a duty the case already marked overdue and escalated stays late, even when `at` says it was done before its due time', () => {
    const c = bail().advanceTo('2026-03-02T10:00:00+08:00');
    c.act('subject-reported');
    // Feedback to the court within 3 days of the report: due at the end of 2026-03-05; overdue then, the supervisor told 48 h later.
    c.advanceTo('2026-03-08T00:30:00+08:00');
    expect(c.obligation('authority-feedback')).toMatchObject({ status: 'overdue', overdueAt: '2026-03-05T23:59:59+08:00' });
    expect(c.sent('supervisor-escalation')).toContain('supervisor 2026-03-07T23:59:59+08:00');
    c.act('feedback-sent', { at: '2026-03-05T20:00:00+08:00' });
    expect(c.obligation('authority-feedback')).toMatchObject({
      status: 'done',
      late: true,
      completedAt: '2026-03-05T20:00:00+08:00',
      completionReceivedAt: '2026-03-08T00:30:00+08:00',
    });
  });

  test('before the case marked it overdue, an honest `at` before the due time counts as on time', () => {
    const c = bail().advanceTo('2026-03-02T10:00:00+08:00');
    c.act('subject-reported');
    c.advanceTo('2026-03-05T09:30:00+08:00');
    c.act('feedback-sent', { at: '2026-03-05T08:00:00+08:00' });
    expect(c.obligation('authority-feedback')).toMatchObject({
      status: 'done',
      late: false,
      completedAt: '2026-03-05T08:00:00+08:00',
      completionReceivedAt: '2026-03-05T09:30:00+08:00',
    });
  });

  test('`at` may lie at most 72 h before the action reaches the case; further back is refused and changes nothing', () => {
    const c = bail().advanceTo('2026-03-02T10:00:00+08:00');
    c.act('subject-reported');
    c.advanceTo('2026-03-06T10:00:00+08:00');
    expect(c.rejection('feedback-sent', { at: '2026-03-03T09:59:00+08:00' })).toBe('`at` lies more than 72 h before the action reached the case');
    expect(c.obligation('authority-feedback').status).toBe('overdue');
    c.act('feedback-sent', { at: '2026-03-03T10:00:00+08:00' });
    expect(c.obligation('authority-feedback')).toMatchObject({ status: 'done', late: true, completedAt: '2026-03-03T10:00:00+08:00' });
  });

  test('a feedback dated before the report it answers is refused, naming the duty and the report’s time', () => {
    const c = bail().advanceTo('2026-03-02T15:00:00+08:00');
    c.act('subject-reported', { at: '2026-03-02T14:00:00+08:00' });
    expect(c.rejection('feedback-sent', { at: '2026-03-02T13:59:00+08:00' })).toBe(
      '`at` is before 2026-03-02T14:00:00+08:00, when the duty authority-feedback arose',
    );
    expect(c.obligation('authority-feedback').status).toBe('pending');
  });
});
