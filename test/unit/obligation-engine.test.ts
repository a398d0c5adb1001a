import { type CalendarYear, WorkingCalendar } from '../../src/case/calendar';
import { type EnginePolicy, type IssuedNotice, type ObligationSpec, defaultEnginePolicy } from '../../src/case/obligation';
import { ObligationEngine, type RecurrenceSpec } from '../../src/case/obligation-engine';

const t = (iso: string): number => Date.parse(iso);

/**
 * The lead-only reminder rule, which cases that pinned their policy before reminder windows still run; the window's
 * rule is tested on the simulator (test/simulator/reminder-window.test.ts).
 */
const leadOnly: Partial<EnginePolicy> = { reminderWindowStartMinute: undefined, reminderWindowMinutes: undefined };

function engine(policy: Partial<EnginePolicy> = {}): ObligationEngine {
  return new ObligationEngine(ObligationEngine.empty(), { ...defaultEnginePolicy, ...leadOnly, ...policy });
}

/** 向决定机关反馈, declared Monday 2 March 2026 09:00, due Thursday 5 March 18:00. */
const declaredMon = t('2026-03-02T09:00:00+08:00');
const feedback: ObligationSpec = {
  key: 'authority-feedback',
  article: '41(8)',
  titleZh: '向决定机关反馈',
  titleEn: 'Feedback to the decision authority',
  responsible: 'officer',
  dueAt: t('2026-03-05T18:00:00+08:00'),
};

function sent(e: ObligationEngine): Array<Pick<IssuedNotice, 'kind' | 'recipient' | 'createdAt'>> {
  return e.notices.map(({ kind, recipient, createdAt }) => ({ kind, recipient, createdAt }));
}

describe('reminder', () => {
  it('24 h before due (Wed 18:00) the officer is reminded, not a second earlier', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    expect(e.fire(t('2026-03-04T17:59:59+08:00'))).toEqual([]);
    expect(e.notices).toEqual([]);

    const touched = e.fire(t('2026-03-04T18:00:00+08:00'));
    expect(touched.map((o) => o.key)).toEqual(['authority-feedback']);
    expect(e.notices).toEqual([
      expect.objectContaining({
        kind: 'reminder',
        recipient: 'officer',
        article: '41(8)',
        obligationKey: 'authority-feedback',
        titleZh: '向决定机关反馈',
        createdAt: t('2026-03-04T18:00:00+08:00'),
        facts: { dueAt: '2026-03-05T18:00:00+08:00' },
      }),
    ]);
    const o = e.get('authority-feedback')!;
    expect(o.status).toBe('pending');
    expect(o.remindedAt).toBe(t('2026-03-04T18:00:00+08:00'));
  });

  it('nextWake names the reminder, then the due time once reminded', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    expect(e.nextWake(declaredMon)).toEqual({ at: t('2026-03-04T18:00:00+08:00'), summary: '到期前提醒：向决定机关反馈（authority-feedback）' });
    e.fire(t('2026-03-04T18:00:00+08:00'));
    expect(e.nextWake(t('2026-03-04T18:00:00+08:00'))).toEqual({
      at: t('2026-03-05T18:00:00+08:00'),
      summary: '到期：向决定机关反馈（authority-feedback）',
    });
  });

  it('a station policy of 72 h reminds on Monday 18:00', () => {
    const e = engine({ reminderLeadHours: 72 });
    e.declare(feedback, declaredMon);
    e.fire(t('2026-03-02T17:59:59+08:00'));
    expect(e.notices).toEqual([]);
    e.fire(t('2026-03-02T18:00:00+08:00'));
    expect(sent(e)).toEqual([{ kind: 'reminder', recipient: 'officer', createdAt: t('2026-03-02T18:00:00+08:00') }]);
  });

  it("a station duty's own 6 h lead reminds the station at Thu 12:00", () => {
    const e = engine();
    e.declare({ ...feedback, key: 'station-filing', responsible: 'station', reminderLeadHours: 6 }, declaredMon);
    e.fire(t('2026-03-04T18:00:00+08:00'));
    expect(e.notices).toEqual([]);
    expect(e.nextWake(t('2026-03-04T18:00:00+08:00'))?.at).toBe(t('2026-03-05T12:00:00+08:00'));
    e.fire(t('2026-03-05T12:00:00+08:00'));
    expect(sent(e)).toEqual([{ kind: 'reminder', recipient: 'station', createdAt: t('2026-03-05T12:00:00+08:00') }]);
  });

  it('a lead of 0 hours: no reminder, the next wake is the due time', () => {
    const e = engine();
    e.declare({ ...feedback, reminderLeadHours: 0 }, declaredMon);
    expect(e.nextWake(declaredMon)).toEqual({ at: t('2026-03-05T18:00:00+08:00'), summary: '到期：向决定机关反馈（authority-feedback）' });
    e.fire(t('2026-03-04T18:00:00+08:00'));
    e.fire(t('2026-03-05T17:59:59+08:00'));
    expect(e.notices).toEqual([]);
  });

  it('declared Thu 08:00, 10 h before due: the reminder moment had passed, none is sent', () => {
    const e = engine();
    e.declare(feedback, t('2026-03-05T08:00:00+08:00'));
    expect(e.nextWake(t('2026-03-05T08:00:00+08:00'))?.at).toBe(t('2026-03-05T18:00:00+08:00'));
    e.fire(t('2026-03-05T08:00:00+08:00'));
    e.fire(t('2026-03-05T12:00:00+08:00'));
    expect(e.notices).toEqual([]);
  });

  it('reminded Wed 18:00: firing again Wed 19:00 and Thu 09:00 reminds no one twice', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.fire(t('2026-03-04T18:00:00+08:00'));
    expect(e.fire(t('2026-03-04T19:00:00+08:00'))).toEqual([]);
    expect(e.fire(t('2026-03-05T09:00:00+08:00'))).toEqual([]);
    expect(sent(e)).toEqual([{ kind: 'reminder', recipient: 'officer', createdAt: t('2026-03-04T18:00:00+08:00') }]);
  });

  it('a window opening Thu 10:00, after due − 24 h: the officer is reminded when it opens', () => {
    const e = engine();
    e.declare({ ...feedback, opensAt: t('2026-03-05T10:00:00+08:00') }, declaredMon);
    expect(e.nextWake(declaredMon)?.at).toBe(t('2026-03-05T10:00:00+08:00'));
    e.fire(t('2026-03-04T18:00:00+08:00'));
    expect(e.notices).toEqual([]);
    e.fire(t('2026-03-05T10:00:00+08:00'));
    expect(sent(e)).toEqual([{ kind: 'reminder', recipient: 'officer', createdAt: t('2026-03-05T10:00:00+08:00') }]);
  });
});

describe('overdue at due', () => {
  it('Thu 18:00: the duty is overdue and the station leader gets the escalation', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.fire(t('2026-03-05T17:59:59+08:00'));
    expect(e.get('authority-feedback')!.status).toBe('pending');

    e.fire(t('2026-03-05T18:00:00+08:00'));
    const o = e.get('authority-feedback')!;
    expect(o.status).toBe('overdue');
    expect(o.overdueAt).toBe(t('2026-03-05T18:00:00+08:00'));
    expect(e.isOpen('authority-feedback')).toBe(true);
    expect(e.overdueCount()).toBe(1);
    expect(e.notices.filter((n) => n.kind !== 'reminder')).toEqual([
      expect.objectContaining({
        kind: 'overdue-escalation',
        recipient: 'station-leader',
        obligationKey: 'authority-feedback',
        createdAt: t('2026-03-05T18:00:00+08:00'),
        facts: { dueAt: '2026-03-05T18:00:00+08:00', responsible: 'officer' },
      }),
    ]);
  });

  it('a case that wakes late (its worker was down until Fri 07:30) marks the duty overdue since Thu 18:00, and escalates at once', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.fire(t('2026-03-06T07:30:00+08:00'));
    const o = e.get('authority-feedback')!;
    expect(o.overdueAt).toBe(t('2026-03-05T18:00:00+08:00'));
    expect(sent(e).filter((n) => n.kind === 'overdue-escalation')).toEqual([
      { kind: 'overdue-escalation', recipient: 'station-leader', createdAt: t('2026-03-06T07:30:00+08:00') },
    ]);
    // The supervisor's grace runs from the deadline, not from the late wake: Sat 18:00.
    expect(e.nextWake(t('2026-03-06T07:30:00+08:00'))?.at).toBe(t('2026-03-07T18:00:00+08:00'));
  });

  it("the duty's own onOverdue notice goes to the recipients it names, instead of the station leader", () => {
    const e = engine();
    e.declare(
      {
        ...feedback,
        key: 'subject-report',
        reminderLeadHours: 0,
        onOverdue: { kind: 'subject-not-reported', recipients: ['station', 'decision-authority'] },
      },
      declaredMon,
    );
    e.fire(t('2026-03-05T18:00:00+08:00'));
    expect(sent(e)).toEqual([
      { kind: 'subject-not-reported', recipient: 'station', createdAt: t('2026-03-05T18:00:00+08:00') },
      { kind: 'subject-not-reported', recipient: 'decision-authority', createdAt: t('2026-03-05T18:00:00+08:00') },
    ]);
  });

  it('overdue since Thu 18:00, completed Fri 10:00: done and late, and nothing is left to wake for', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.fire(t('2026-03-05T18:00:00+08:00'));
    e.complete(e.get('authority-feedback')!, t('2026-03-06T10:00:00+08:00'), 'officer-li');
    const o = e.get('authority-feedback')!;
    expect(o).toMatchObject({ status: 'done', completedAt: t('2026-03-06T10:00:00+08:00'), completedBy: 'officer-li', late: true });
    expect(o.overdueAt).toBe(t('2026-03-05T18:00:00+08:00'));
    expect(e.overdueCount()).toBe(0);
    expect(e.nextWake(t('2026-03-06T10:00:00+08:00'))).toBeUndefined();
  });

  it('completed Thu 17:00, before due: done on time, no escalation at 18:00', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.complete(e.get('authority-feedback')!, t('2026-03-05T17:00:00+08:00'), 'officer-li');
    e.fire(t('2026-03-05T18:00:00+08:00'));
    expect(e.get('authority-feedback')).toMatchObject({ status: 'done', late: false });
    expect(e.notices).toEqual([]);
  });

  it('completed at Thu 18:00:00 exactly, the due instant: on time', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.complete(e.get('authority-feedback')!, t('2026-03-05T18:00:00+08:00'), 'officer-li');
    expect(e.get('authority-feedback')).toMatchObject({ status: 'done', late: false });
  });
});

describe('escalation to the supervisor', () => {
  it('48 h after it became overdue (Sat 18:00) the supervisor is told', () => {
    const e = engine();
    e.declare({ ...feedback, reminderLeadHours: 0 }, declaredMon);
    e.fire(t('2026-03-05T18:00:00+08:00'));
    expect(e.nextWake(t('2026-03-05T18:00:00+08:00'))).toEqual({
      at: t('2026-03-07T18:00:00+08:00'),
      summary: '逾期升级督察：向决定机关反馈（authority-feedback）',
    });
    e.fire(t('2026-03-07T17:59:59+08:00'));
    expect(e.notices.map((n) => n.kind)).toEqual(['overdue-escalation']);

    e.fire(t('2026-03-07T18:00:00+08:00'));
    expect(e.notices[1]).toEqual(
      expect.objectContaining({
        kind: 'supervisor-escalation',
        recipient: 'supervisor',
        createdAt: t('2026-03-07T18:00:00+08:00'),
        facts: { dueAt: '2026-03-05T18:00:00+08:00', overdueSince: '2026-03-05T18:00:00+08:00' },
      }),
    );
    expect(e.get('authority-feedback')!.supervisorEscalatedAt).toBe(t('2026-03-07T18:00:00+08:00'));
    e.fire(t('2026-03-09T18:00:00+08:00'));
    expect(e.notices).toHaveLength(2);
    expect(e.nextWake(t('2026-03-09T18:00:00+08:00'))).toBeUndefined();
  });

  it('a station grace of 12 h tells the supervisor Fri 06:00', () => {
    const e = engine({ supervisorGraceHours: 12 });
    e.declare({ ...feedback, reminderLeadHours: 0 }, declaredMon);
    e.fire(t('2026-03-05T18:00:00+08:00'));
    e.fire(t('2026-03-06T05:59:59+08:00'));
    e.fire(t('2026-03-06T06:00:00+08:00'));
    expect(sent(e)).toEqual([
      { kind: 'overdue-escalation', recipient: 'station-leader', createdAt: t('2026-03-05T18:00:00+08:00') },
      { kind: 'supervisor-escalation', recipient: 'supervisor', createdAt: t('2026-03-06T06:00:00+08:00') },
    ]);
  });

  it('escalateToSupervisor false: overdue Thu, still nothing for the supervisor a month later', () => {
    const e = engine();
    e.declare({ ...feedback, reminderLeadHours: 0, escalateToSupervisor: false }, declaredMon);
    e.fire(t('2026-03-05T18:00:00+08:00'));
    expect(e.nextWake(t('2026-03-05T18:00:00+08:00'))).toBeUndefined();
    e.fire(t('2026-03-07T18:00:00+08:00'));
    e.fire(t('2026-04-05T18:00:00+08:00'));
    expect(e.notices.map((n) => n.kind)).toEqual(['overdue-escalation']);
    expect(e.get('authority-feedback')!.status).toBe('overdue');
  });

  it('overdue Thu 18:00, completed late Fri 10:00: no supervisor escalation on Saturday', () => {
    const e = engine();
    e.declare({ ...feedback, reminderLeadHours: 0 }, declaredMon);
    e.fire(t('2026-03-05T18:00:00+08:00'));
    e.complete(e.get('authority-feedback')!, t('2026-03-06T10:00:00+08:00'), 'officer-li');
    e.fire(t('2026-03-07T18:00:00+08:00'));
    expect(e.notices.map((n) => n.kind)).toEqual(['overdue-escalation']);
  });
});

describe('system duties', () => {
  const expiryNotice: ObligationSpec = {
    key: 'expiry-notice',
    article: '41(8)',
    titleZh: '期限届满十日前通知决定机关',
    titleEn: 'Notify the decision authority 10 days before the term ends',
    responsible: 'system',
    dueAt: t('2026-03-20T23:59:59+08:00'),
    basis: { rule: 'days-before', from: '2026-03-30', n: 10, explanation: [], warnings: [] },
    issues: { kind: 'expiry-notice', recipients: ['decision-authority'] },
  };

  it('a days-before duty due Fri 20 March issues its notice at 09:00 that day and is done by the system', () => {
    const e = engine();
    e.declare(expiryNotice, declaredMon);
    expect(e.nextWake(declaredMon)).toEqual({
      at: t('2026-03-20T09:00:00+08:00'),
      summary: '发出通知：期限届满十日前通知决定机关（expiry-notice）',
    });
    e.fire(t('2026-03-19T09:00:00+08:00'));
    e.fire(t('2026-03-20T08:59:59+08:00'));
    expect(e.notices).toEqual([]);

    expect(e.fire(t('2026-03-20T09:00:00+08:00')).map((o) => o.key)).toEqual(['expiry-notice']);
    expect(e.notices).toEqual([
      expect.objectContaining({
        kind: 'expiry-notice',
        recipient: 'decision-authority',
        obligationKey: 'expiry-notice',
        createdAt: t('2026-03-20T09:00:00+08:00'),
        facts: { dueAt: '2026-03-20T23:59:59+08:00' },
      }),
    ]);
    expect(e.get('expiry-notice')).toMatchObject({ status: 'done', completedBy: 'system', completedAt: t('2026-03-20T09:00:00+08:00'), late: false });
  });

  it('a within-days duty due Thu 5 March issues at 09:00 on the 5th', () => {
    const e = engine();
    e.declare(
      {
        ...expiryNotice,
        dueAt: t('2026-03-05T23:59:59+08:00'),
        basis: { rule: 'within-days', from: '2026-03-02', n: 3, explanation: [], warnings: [] },
      },
      declaredMon,
    );
    e.fire(t('2026-03-05T08:59:59+08:00'));
    expect(e.notices).toEqual([]);
    e.fire(t('2026-03-05T09:00:00+08:00'));
    expect(sent(e)).toEqual([{ kind: 'expiry-notice', recipient: 'decision-authority', createdAt: t('2026-03-05T09:00:00+08:00') }]);
  });

  it('a duty with a window opening Tue 10 March issues when it opens, ten days before its due', () => {
    const e = engine();
    e.declare({ ...expiryNotice, opensAt: t('2026-03-10T00:00:00+08:00') }, declaredMon);
    expect(e.nextWake(declaredMon)?.at).toBe(t('2026-03-10T00:00:00+08:00'));
    e.fire(t('2026-03-09T23:59:59+08:00'));
    expect(e.notices).toEqual([]);
    e.fire(t('2026-03-10T00:00:00+08:00'));
    expect(sent(e)).toEqual([{ kind: 'expiry-notice', recipient: 'decision-authority', createdAt: t('2026-03-10T00:00:00+08:00') }]);
    expect(e.get('expiry-notice')).toMatchObject({ status: 'done', completedBy: 'system', late: false });
  });

  it('a duty with neither window nor day rule issues at its due instant, and is never reminded nor escalated', () => {
    const e = engine();
    e.declare({ ...expiryNotice, key: 'rights-restored', basis: undefined, dueAt: t('2026-03-06T17:30:00+08:00') }, declaredMon);
    e.fire(t('2026-03-05T17:30:00+08:00'));
    e.fire(t('2026-03-06T09:00:00+08:00'));
    expect(e.notices).toEqual([]);
    e.fire(t('2026-03-06T17:30:00+08:00'));
    e.fire(t('2026-03-09T17:30:00+08:00'));
    expect(sent(e)).toEqual([{ kind: 'expiry-notice', recipient: 'decision-authority', createdAt: t('2026-03-06T17:30:00+08:00') }]);
  });

  it('declared on Sat 21 March, after its day: the notice goes out at once and the duty is recorded late', () => {
    const e = engine();
    e.declare(expiryNotice, t('2026-03-21T10:00:00+08:00'));
    e.fire(t('2026-03-21T10:00:00+08:00'));
    expect(sent(e)).toEqual([{ kind: 'expiry-notice', recipient: 'decision-authority', createdAt: t('2026-03-21T10:00:00+08:00') }]);
    expect(e.get('expiry-notice')).toMatchObject({ status: 'done', completedBy: 'system', late: true });
  });
});

describe('reschedule', () => {
  it('declared again Wed 10:00 with due Mon 9 March 18:00: the duty moves, the change is recorded, the old reminder never fires', () => {
    const e = engine();
    const first = e.declare(feedback, declaredMon);
    const again = e.declare({ ...feedback, dueAt: t('2026-03-09T18:00:00+08:00') }, t('2026-03-04T10:00:00+08:00'), 'term extended');
    expect(again).toBe(first);
    expect(e.all()).toHaveLength(1);
    expect(again.dueAt).toBe(t('2026-03-09T18:00:00+08:00'));
    expect(again.changes).toEqual([
      { from: t('2026-03-05T18:00:00+08:00'), to: t('2026-03-09T18:00:00+08:00'), at: t('2026-03-04T10:00:00+08:00'), reason: 'term extended' },
    ]);
    e.fire(t('2026-03-04T18:00:00+08:00'));
    e.fire(t('2026-03-05T18:00:00+08:00'));
    expect(e.notices).toEqual([]);
    e.fire(t('2026-03-08T18:00:00+08:00'));
    expect(sent(e)).toEqual([{ kind: 'reminder', recipient: 'officer', createdAt: t('2026-03-08T18:00:00+08:00') }]);
  });

  it('declared again with the same due time: no change is recorded', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.declare({ ...feedback }, t('2026-03-03T10:00:00+08:00'));
    expect(e.get('authority-feedback')!.changes).toEqual([]);
  });

  it('reminded Wed 18:00, then moved to Mon: the officer is reminded again Sun 18:00', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.fire(t('2026-03-04T18:00:00+08:00'));
    e.declare({ ...feedback, dueAt: t('2026-03-09T18:00:00+08:00') }, t('2026-03-05T09:00:00+08:00'), 'extension approved');
    e.fire(t('2026-03-08T18:00:00+08:00'));
    expect(sent(e)).toEqual([
      { kind: 'reminder', recipient: 'officer', createdAt: t('2026-03-04T18:00:00+08:00') },
      { kind: 'reminder', recipient: 'officer', createdAt: t('2026-03-08T18:00:00+08:00') },
    ]);
    expect(new Set(e.notices.map((n) => n.key)).size).toBe(2);
  });

  it('overdue since Thu 18:00, moved on Fri to Tue 10 March: pending again, reminded Mon 18:00, overdue again Tue 18:00', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.fire(t('2026-03-04T18:00:00+08:00'));
    e.fire(t('2026-03-05T18:00:00+08:00'));
    e.declare({ ...feedback, dueAt: t('2026-03-10T18:00:00+08:00') }, t('2026-03-06T09:00:00+08:00'), 'extension approved');
    const o = e.get('authority-feedback')!;
    expect(o.status).toBe('pending');
    expect(o.overdueAt).toBeUndefined();
    expect(o.changes).toEqual([
      { from: t('2026-03-05T18:00:00+08:00'), to: t('2026-03-10T18:00:00+08:00'), at: t('2026-03-06T09:00:00+08:00'), reason: 'extension approved' },
    ]);

    e.fire(t('2026-03-07T18:00:00+08:00'));
    e.fire(t('2026-03-09T18:00:00+08:00'));
    e.fire(t('2026-03-10T18:00:00+08:00'));
    expect(sent(e)).toEqual([
      { kind: 'reminder', recipient: 'officer', createdAt: t('2026-03-04T18:00:00+08:00') },
      { kind: 'overdue-escalation', recipient: 'station-leader', createdAt: t('2026-03-05T18:00:00+08:00') },
      { kind: 'reminder', recipient: 'officer', createdAt: t('2026-03-09T18:00:00+08:00') },
      { kind: 'overdue-escalation', recipient: 'station-leader', createdAt: t('2026-03-10T18:00:00+08:00') },
    ]);
    expect(o.overdueAt).toBe(t('2026-03-10T18:00:00+08:00'));
  });

  it('overdue since Thu 18:00, moved on Fri to Thu 12:00: still overdue since Thu 18:00', () => {
    const e = engine();
    e.declare({ ...feedback, reminderLeadHours: 0 }, declaredMon);
    e.fire(t('2026-03-05T18:00:00+08:00'));
    e.declare({ ...feedback, dueAt: t('2026-03-05T12:00:00+08:00') }, t('2026-03-06T09:00:00+08:00'), 'corrected');
    const o = e.get('authority-feedback')!;
    expect(o).toMatchObject({ status: 'overdue', overdueAt: t('2026-03-05T18:00:00+08:00'), dueAt: t('2026-03-05T12:00:00+08:00') });
    expect(o.changes).toHaveLength(1);
  });

  it('done Wed, the same key declared again Fri: the done record is replaced by a new pending duty', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.complete(e.get('authority-feedback')!, t('2026-03-04T11:00:00+08:00'), 'officer-li');
    const again = e.declare({ ...feedback, dueAt: t('2026-03-12T18:00:00+08:00') }, t('2026-03-06T09:00:00+08:00'));
    expect(e.all()).toHaveLength(1);
    expect(e.get('authority-feedback')).toBe(again);
    expect(again).toMatchObject({
      status: 'pending',
      declaredAt: t('2026-03-06T09:00:00+08:00'),
      dueAt: t('2026-03-12T18:00:00+08:00'),
      changes: [],
    });
    expect(again.completedAt).toBeUndefined();
    expect(again.completedBy).toBeUndefined();
  });

  it('a done duty cannot be moved by reschedule', () => {
    const e = engine();
    const o = e.declare(feedback, declaredMon);
    e.complete(o, t('2026-03-04T11:00:00+08:00'), 'officer-li');
    e.reschedule(o, t('2026-03-12T18:00:00+08:00'), t('2026-03-06T09:00:00+08:00'), 'too late');
    expect(o).toMatchObject({ status: 'done', dueAt: t('2026-03-05T18:00:00+08:00'), changes: [] });
  });
});

describe('recompute after a calendar change', () => {
  // A test year 2026 without holidays, then a version 2 that adds a holiday on Thu 5 and Fri 6 March.
  const plain: CalendarYear = { year: 2026, holidays: [], workdays: [], source: 'test calendar', version: 1 };
  const withHoliday: CalendarYear = {
    ...plain,
    version: 2,
    holidays: [{ from: '2026-03-05', to: '2026-03-06', name: 'Test holiday' }],
  };
  const changed = new WorkingCalendar([withHoliday]);
  const reason = 'working-day calendar 2026 version 2 loaded';

  /** 三日内: event Mon 2 March, day 3 is Thu 5 March, a working day on the plain calendar. */
  const withinThreeDays: ObligationSpec = {
    ...feedback,
    dueAt: t('2026-03-05T23:59:59+08:00'),
    basis: { rule: 'within-days', from: '2026-03-02', n: 3, explanation: [], warnings: [] },
  };

  it('a holiday on day 3, loaded Tue: the unreached deadline moves from Thu 5 to Mon 9 March, with the change recorded', () => {
    const e = engine();
    e.declare(withinThreeDays, declaredMon);
    const moved = e.recompute(changed, t('2026-03-03T10:00:00+08:00'), reason);
    expect(moved.map((o) => o.key)).toEqual(['authority-feedback']);
    const o = e.get('authority-feedback')!;
    expect(o.dueAt).toBe(t('2026-03-09T23:59:59+08:00'));
    expect(o.changes).toEqual([
      { from: t('2026-03-05T23:59:59+08:00'), to: t('2026-03-09T23:59:59+08:00'), at: t('2026-03-03T10:00:00+08:00'), reason },
    ]);
    expect(o.basis?.explanation).toContain('2026-03-05 (Thursday) is not a working day (Test holiday holiday): skipped');

    e.fire(t('2026-03-04T23:59:59+08:00'));
    e.fire(t('2026-03-05T23:59:59+08:00'));
    expect(e.notices).toEqual([]);
    e.fire(t('2026-03-08T23:59:59+08:00'));
    expect(sent(e)).toEqual([{ kind: 'reminder', recipient: 'officer', createdAt: t('2026-03-08T23:59:59+08:00') }]);
  });

  it('the same calendar loaded again moves nothing', () => {
    const e = engine();
    e.declare(withinThreeDays, declaredMon);
    expect(e.recompute(new WorkingCalendar([plain]), t('2026-03-03T10:00:00+08:00'), reason)).toEqual([]);
    expect(e.get('authority-feedback')).toMatchObject({ dueAt: t('2026-03-05T23:59:59+08:00'), changes: [] });
  });

  it('a deadline reached Thu 23:59:59 never moves: loaded Fri, the overdue duty keeps its time', () => {
    const e = engine();
    e.declare(withinThreeDays, declaredMon);
    e.fire(t('2026-03-05T23:59:59+08:00'));
    expect(e.recompute(changed, t('2026-03-06T09:00:00+08:00'), reason)).toEqual([]);
    expect(e.get('authority-feedback')).toMatchObject({ status: 'overdue', dueAt: t('2026-03-05T23:59:59+08:00'), changes: [] });
  });

  it('a deadline reached at the very instant of the load does not move', () => {
    const e = engine();
    e.declare(withinThreeDays, declaredMon);
    expect(e.recompute(changed, t('2026-03-05T23:59:59+08:00'), reason)).toEqual([]);
    expect(e.get('authority-feedback')!.dueAt).toBe(t('2026-03-05T23:59:59+08:00'));
  });

  it('a done duty does not move', () => {
    const e = engine();
    e.declare(withinThreeDays, declaredMon);
    e.complete(e.get('authority-feedback')!, t('2026-03-03T09:00:00+08:00'), 'officer-li');
    expect(e.recompute(changed, t('2026-03-03T10:00:00+08:00'), reason)).toEqual([]);
    expect(e.get('authority-feedback')!.dueAt).toBe(t('2026-03-05T23:59:59+08:00'));
  });

  // 期满前五个工作日内 before a term ending Thu 12 March: plain, the window opens Thu 5 March;
  // with the holiday on 5–6 March the fifth working day back is Tue 3 March.
  const stationNotice: ObligationSpec = {
    key: 'expiry-notice',
    article: '41(8)',
    titleZh: '期满前通知',
    titleEn: 'Notice before the term ends',
    responsible: 'system',
    opensAt: t('2026-03-05T00:00:00+08:00'),
    dueAt: t('2026-03-11T23:59:59+08:00'),
    basis: { rule: 'working-days-before', from: '2026-03-12', n: 5, sets: 'opensAt', explanation: [], warnings: [] },
    issues: { kind: 'expiry-notice', recipients: ['decision-authority'] },
  };

  it('an opensAt basis, loaded Mon 12:00: the window moves from Thu 5 to Tue 3 March and the notice goes out then', () => {
    const e = engine();
    e.declare(stationNotice, declaredMon);
    const moved = e.recompute(changed, t('2026-03-02T12:00:00+08:00'), reason);
    expect(moved.map((o) => o.key)).toEqual(['expiry-notice']);
    const o = e.get('expiry-notice')!;
    expect(o.opensAt).toBe(t('2026-03-03T00:00:00+08:00'));
    expect(o.dueAt).toBe(t('2026-03-11T23:59:59+08:00'));
    expect(o.changes).toEqual([
      { field: 'opensAt', from: t('2026-03-05T00:00:00+08:00'), to: t('2026-03-03T00:00:00+08:00'), at: t('2026-03-02T12:00:00+08:00'), reason },
    ]);
    e.fire(t('2026-03-03T00:00:00+08:00'));
    expect(sent(e)).toEqual([{ kind: 'expiry-notice', recipient: 'decision-authority', createdAt: t('2026-03-03T00:00:00+08:00') }]);
  });

  it('a window already open when the calendar loads does not move', () => {
    const e = engine();
    e.declare({ ...stationNotice, responsible: 'officer', issues: undefined }, declaredMon);
    expect(e.recompute(changed, t('2026-03-05T10:00:00+08:00'), reason)).toEqual([]);
    expect(e.get('expiry-notice')).toMatchObject({ opensAt: t('2026-03-05T00:00:00+08:00'), changes: [] });
  });
});

describe('recurring periods', () => {
  const monthly: RecurrenceSpec = {
    key: 'monthly-report',
    article: '43',
    titleZh: '督促罪犯每月报告活动情况',
    titleEn: 'Monthly report of activities',
    responsible: 'officer',
    everyMonths: 1,
    from: '2026-03-15',
    until: '2026-06-10',
  };
  const periods = (e: ObligationEngine) => e.all().map((o) => [o.period, o.opensAt, o.dueAt]);

  it('monthly from Sun 15 March: period 2026-03 opens that day and is due 31 March 23:59:59', () => {
    const e = engine();
    e.declareRecurring(monthly);
    const opened = e.fire(t('2026-03-15T09:00:00+08:00'));
    expect(opened.map((o) => o.period)).toEqual(['2026-03']);
    expect(e.get('monthly-report', '2026-03')).toMatchObject({
      status: 'pending',
      opensAt: t('2026-03-15T00:00:00+08:00'),
      dueAt: t('2026-03-31T23:59:59+08:00'),
    });
    expect(e.get('monthly-report')).toBeUndefined();
  });

  it('April opens at 1 April 00:00, due 30 April; the last period (June) is due at until, 10 June; none after', () => {
    const e = engine();
    e.declareRecurring(monthly);
    e.fire(t('2026-03-15T09:00:00+08:00'));
    e.fire(t('2026-03-31T23:59:59+08:00'));
    expect(e.get('monthly-report', '2026-04')).toBeUndefined();
    e.fire(t('2026-04-01T00:00:00+08:00'));
    e.fire(t('2026-05-01T00:00:00+08:00'));
    e.fire(t('2026-06-01T00:00:00+08:00'));
    e.fire(t('2026-07-01T00:00:00+08:00'));
    e.fire(t('2026-12-01T00:00:00+08:00'));
    expect(periods(e)).toEqual([
      ['2026-03', t('2026-03-15T00:00:00+08:00'), t('2026-03-31T23:59:59+08:00')],
      ['2026-04', t('2026-04-01T00:00:00+08:00'), t('2026-04-30T23:59:59+08:00')],
      ['2026-05', t('2026-05-01T00:00:00+08:00'), t('2026-05-31T23:59:59+08:00')],
      ['2026-06', t('2026-06-01T00:00:00+08:00'), t('2026-06-10T23:59:59+08:00')],
    ]);
  });

  it('a period is reminded and goes overdue like any duty (2026-04: reminded 29 April 23:59:59, overdue 30 April 23:59:59)', () => {
    const e = engine();
    e.declareRecurring(monthly);
    e.fire(t('2026-03-15T09:00:00+08:00'));
    e.complete(e.get('monthly-report', '2026-03')!, t('2026-03-20T10:00:00+08:00'), 'officer-li');
    e.fire(t('2026-04-01T00:00:00+08:00'));
    e.fire(t('2026-04-29T23:59:58+08:00'));
    expect(e.notices).toEqual([]);
    e.fire(t('2026-04-29T23:59:59+08:00'));
    e.fire(t('2026-04-30T23:59:59+08:00'));
    expect(e.notices.map((n) => [n.kind, n.period, n.createdAt])).toEqual([
      ['reminder', '2026-04', t('2026-04-29T23:59:59+08:00')],
      ['overdue-escalation', '2026-04', t('2026-04-30T23:59:59+08:00')],
    ]);
  });

  it('quarterly from 10 May: 2026-Q2 opens 10 May, due 30 June; 2026-Q3 opens 1 July, due 30 September', () => {
    const e = engine();
    e.declareRecurring({ ...monthly, everyMonths: 3, from: '2026-05-10', until: undefined });
    e.fire(t('2026-05-10T09:00:00+08:00'));
    e.fire(t('2026-07-01T00:00:00+08:00'));
    expect(periods(e)).toEqual([
      ['2026-Q2', t('2026-05-10T00:00:00+08:00'), t('2026-06-30T23:59:59+08:00')],
      ['2026-Q3', t('2026-07-01T00:00:00+08:00'), t('2026-09-30T23:59:59+08:00')],
    ]);
  });

  it('until Mon 1 June: the June period opens that day and is due at its end', () => {
    const e = engine();
    e.declareRecurring({ ...monthly, from: '2026-05-20', until: '2026-06-01' });
    e.fire(t('2026-05-20T09:00:00+08:00'));
    e.fire(t('2026-06-01T00:00:00+08:00'));
    e.fire(t('2026-07-01T00:00:00+08:00'));
    expect(periods(e)).toEqual([
      ['2026-05', t('2026-05-20T00:00:00+08:00'), t('2026-05-31T23:59:59+08:00')],
      ['2026-06', t('2026-06-01T00:00:00+08:00'), t('2026-06-01T23:59:59+08:00')],
    ]);
  });

  it('half-yearly from 15 March: 2026-H1 opens 15 March, due 30 June; 2026-H2 opens 1 July, due 31 December', () => {
    const e = engine();
    e.declareRecurring({ ...monthly, everyMonths: 6, from: '2026-03-15', until: undefined });
    e.fire(t('2026-03-15T09:00:00+08:00'));
    expect(e.nextWake(t('2026-03-15T09:00:00+08:00'))?.at).toBe(t('2026-06-29T23:59:59+08:00'));
    e.fire(t('2026-07-01T00:00:00+08:00'));
    expect(periods(e)).toEqual([
      ['2026-H1', t('2026-03-15T00:00:00+08:00'), t('2026-06-30T23:59:59+08:00')],
      ['2026-H2', t('2026-07-01T00:00:00+08:00'), t('2026-12-31T23:59:59+08:00')],
    ]);
  });

  it('stopped on 20 March: the March period stays open, no April period ever opens', () => {
    const e = engine();
    e.declareRecurring(monthly);
    e.fire(t('2026-03-15T09:00:00+08:00'));
    e.complete(e.get('monthly-report', '2026-03')!, t('2026-03-16T09:00:00+08:00'), 'officer-li');
    expect(e.nextWake(t('2026-03-16T09:00:00+08:00'))?.at).toBe(t('2026-04-01T00:00:00+08:00'));
    e.stopRecurring('monthly-report');
    expect(e.nextWake(t('2026-03-20T09:00:00+08:00'))).toBeUndefined();
    e.fire(t('2026-04-01T00:00:00+08:00'));
    e.fire(t('2026-06-01T00:00:00+08:00'));
    expect(e.all().map((o) => o.period)).toEqual(['2026-03']);
  });
});

describe('cancel', () => {
  it('cancelled Tue: no reminder Wed, no overdue Thu, no escalation Sat', () => {
    const e = engine();
    const o = e.declare(feedback, declaredMon);
    e.cancel(o, t('2026-03-03T10:00:00+08:00'));
    expect(o).toMatchObject({ status: 'cancelled', completedAt: t('2026-03-03T10:00:00+08:00') });
    expect(e.isOpen('authority-feedback')).toBe(false);
    expect(e.nextWake(t('2026-03-03T10:00:00+08:00'))).toBeUndefined();
    e.fire(t('2026-03-04T18:00:00+08:00'));
    e.fire(t('2026-03-05T18:00:00+08:00'));
    e.fire(t('2026-03-07T18:00:00+08:00'));
    expect(e.notices).toEqual([]);
    e.complete(o, t('2026-03-06T10:00:00+08:00'), 'officer-li');
    expect(o.status).toBe('cancelled');
  });

  it('overdue since Thu 18:00, cancelled Fri: keeps its overdueAt, the supervisor is not told on Saturday', () => {
    const e = engine();
    const o = e.declare({ ...feedback, reminderLeadHours: 0 }, declaredMon);
    e.fire(t('2026-03-05T18:00:00+08:00'));
    e.cancel(o, t('2026-03-06T09:00:00+08:00'));
    expect(o).toMatchObject({ status: 'cancelled', overdueAt: t('2026-03-05T18:00:00+08:00'), completedAt: t('2026-03-06T09:00:00+08:00') });
    expect(e.overdueCount()).toBe(0);
    e.fire(t('2026-03-07T18:00:00+08:00'));
    expect(e.notices.map((n) => n.kind)).toEqual(['overdue-escalation']);
  });

  it('the case closes Tue 10 March: open duties are cancelled, a done one stays done, no further period opens', () => {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.declare({ ...feedback, key: 'rules-explained', dueAt: t('2026-03-03T09:00:00+08:00') }, declaredMon);
    e.complete(e.get('rules-explained')!, t('2026-03-02T10:00:00+08:00'), 'officer-li');
    e.declareRecurring({
      key: 'compliance-check',
      article: '41',
      titleZh: '定期了解遵守规定情况并记录',
      titleEn: 'Monthly compliance check',
      responsible: 'officer',
      everyMonths: 1,
      from: '2026-03-02',
    });
    e.fire(t('2026-03-05T18:00:00+08:00'));
    e.cancelOpen(t('2026-03-10T09:00:00+08:00'));
    expect(e.all().map((o) => [o.key, o.status])).toEqual([
      ['authority-feedback', 'cancelled'],
      ['rules-explained', 'done'],
      ['compliance-check', 'cancelled'],
    ]);
    const before = e.notices.length;
    expect(e.nextWake(t('2026-03-10T09:00:00+08:00'))).toBeUndefined();
    e.fire(t('2026-04-01T00:00:00+08:00'));
    e.fire(t('2026-05-01T00:00:00+08:00'));
    expect(e.all()).toHaveLength(3);
    expect(e.notices).toHaveLength(before);
  });
});

describe('notices are idempotent', () => {
  function busyEngine(): ObligationEngine {
    const e = engine();
    e.declare(feedback, declaredMon);
    e.declare({ ...feedback, key: 'station-filing', responsible: 'station', dueAt: t('2026-03-05T18:00:00+08:00') }, declaredMon);
    e.declare(
      {
        ...feedback,
        key: 'expiry-notice',
        responsible: 'system',
        opensAt: t('2026-03-05T18:00:00+08:00'),
        dueAt: t('2026-03-12T23:59:59+08:00'),
        issues: { kind: 'expiry-notice', recipients: ['decision-authority', 'station'] },
      },
      declaredMon,
    );
    return e;
  }
  const instants = ['2026-03-04T18:00:00+08:00', '2026-03-05T18:00:00+08:00', '2026-03-07T18:00:00+08:00'].map(t);

  it('firing twice at each of Wed 18:00, Thu 18:00 and Sat 18:00 issues every notice once', () => {
    const e = busyEngine();
    for (const now of instants) {
      e.fire(now);
      expect(e.fire(now)).toEqual([]);
    }
    expect(e.notices.map((n) => [n.obligationKey, n.kind, n.recipient])).toEqual([
      ['authority-feedback', 'reminder', 'officer'],
      ['station-filing', 'reminder', 'station'],
      ['authority-feedback', 'overdue-escalation', 'station-leader'],
      ['station-filing', 'overdue-escalation', 'station-leader'],
      ['expiry-notice', 'expiry-notice', 'decision-authority'],
      ['expiry-notice', 'expiry-notice', 'station'],
      ['authority-feedback', 'supervisor-escalation', 'supervisor'],
      ['station-filing', 'supervisor-escalation', 'supervisor'],
    ]);
    expect(new Set(e.notices.map((n) => n.key)).size).toBe(8);
  });

  it('issuing the same template under the same reference twice writes it once', () => {
    const e = engine();
    const about = { article: '41(8)', titleZh: '报所' };
    e.issue({ kind: 'referral', recipients: ['station'] }, 'round-1', t('2026-03-02T09:00:00+08:00'), about);
    e.issue({ kind: 'referral', recipients: ['station', 'township-government'] }, 'round-1', t('2026-03-02T10:00:00+08:00'), about);
    expect(sent(e)).toEqual([
      { kind: 'referral', recipient: 'station', createdAt: t('2026-03-02T09:00:00+08:00') },
      { kind: 'referral', recipient: 'township-government', createdAt: t('2026-03-02T10:00:00+08:00') },
    ]);
  });

  it('a snapshot carried into a new engine (continue-as-new) fires nothing again at the same instants', () => {
    const e = busyEngine();
    for (const now of instants) e.fire(now);
    const carried = new ObligationEngine(JSON.parse(JSON.stringify(e.snapshot())), { ...defaultEnginePolicy, ...leadOnly });
    for (const now of instants) expect(carried.fire(now)).toEqual([]);
    expect(carried.notices).toHaveLength(8);
  });
});

describe('nextWake', () => {
  it('walks the earliest of escalation, reminder, due, system notice, period reminder and next period', () => {
    const e = engine();
    e.declare({ ...feedback, dueAt: t('2026-03-10T18:00:00+08:00') }, declaredMon);
    e.declare(
      { ...feedback, key: 'subject-report', titleZh: '被取保候审人报到', reminderLeadHours: 0, dueAt: t('2026-03-03T18:00:00+08:00') },
      declaredMon,
    );
    e.declare(
      {
        ...feedback,
        key: 'expiry-notice',
        titleZh: '期限届满十日前通知决定机关',
        responsible: 'system',
        dueAt: t('2026-03-20T23:59:59+08:00'),
        basis: { rule: 'days-before', from: '2026-03-30', n: 10, explanation: [], warnings: [] },
        issues: { kind: 'expiry-notice', recipients: ['decision-authority'] },
      },
      declaredMon,
    );
    e.declareRecurring({
      key: 'compliance-check',
      article: '41',
      titleZh: '定期了解遵守规定情况并记录',
      titleEn: 'Monthly compliance check',
      responsible: 'officer',
      everyMonths: 1,
      from: '2026-03-02',
    });
    e.fire(declaredMon);

    const walk: Array<[number, string]> = [];
    let now = declaredMon;
    for (let wake = e.nextWake(now); wake && walk.length < 8; wake = e.nextWake(now)) {
      now = wake.at;
      walk.push([wake.at, wake.summary]);
      e.fire(now);
      if (wake.summary.startsWith('到期前提醒')) {
        for (const o of e.all()) if (o.remindedAt === now) e.complete(o, now, 'officer-li');
      }
    }
    expect(walk).toEqual([
      [t('2026-03-03T18:00:00+08:00'), '到期：被取保候审人报到（subject-report）'],
      [t('2026-03-05T18:00:00+08:00'), '逾期升级督察：被取保候审人报到（subject-report）'],
      [t('2026-03-09T18:00:00+08:00'), '到期前提醒：向决定机关反馈（authority-feedback）'],
      [t('2026-03-20T09:00:00+08:00'), '发出通知：期限届满十日前通知决定机关（expiry-notice）'],
      [t('2026-03-30T23:59:59+08:00'), '到期前提醒：定期了解遵守规定情况并记录（compliance-check 2026-03）'],
      [t('2026-04-01T00:00:00+08:00'), '开启下一期：定期了解遵守规定情况并记录（compliance-check 2026-04）'],
      [t('2026-04-29T23:59:59+08:00'), '到期前提醒：定期了解遵守规定情况并记录（compliance-check 2026-04）'],
      [t('2026-05-01T00:00:00+08:00'), '开启下一期：定期了解遵守规定情况并记录（compliance-check 2026-05）'],
    ]);
  });

  it('with nothing declared there is nothing to wake for', () => {
    expect(engine().nextWake(declaredMon)).toBeUndefined();
  });
});

describe('rolling duties (每半年…一次: again within six months of the last discharge)', () => {
  const visit = {
    key: 'half-yearly-visit',
    article: '42',
    titleZh: '每半年全面走访考察一次特定对象',
    titleEn: 'Full visit every six months',
    responsible: 'officer' as const,
  };
  const start = t('2026-03-02T09:00:00+08:00');

  it('owes the first interval at once, the next only when the last is discharged, from the day after it', () => {
    const e = engine();
    expect(e.declareRolling({ ...visit, everyMonths: 6, from: '2026-03-02', until: '2027-03-01' }, start).map((o) => o.id)).toEqual([
      'half-yearly-visit@1',
    ]);
    expect(e.get('half-yearly-visit', '1')).toMatchObject({
      opensAt: t('2026-03-02T00:00:00+08:00'),
      dueAt: t('2026-09-01T23:59:59+08:00'),
      basis: { rule: 'every-6-months-rolling', warnings: [] },
    });
    expect(e.fire(t('2026-05-01T00:00:00+08:00'))).toEqual([]);
    e.complete(e.lastRolling('half-yearly-visit')!, t('2026-05-20T10:00:00+08:00'), 'P-1');
    expect(e.fire(t('2026-05-20T10:00:00+08:00')).map((o) => o.id)).toEqual(['half-yearly-visit@2']);
    expect(e.get('half-yearly-visit', '2')).toMatchObject({
      status: 'pending',
      opensAt: t('2026-05-21T00:00:00+08:00'),
      dueAt: t('2026-11-20T23:59:59+08:00'),
    });
    e.complete(e.lastRolling('half-yearly-visit')!, t('2026-11-01T10:00:00+08:00'), 'P-1');
    // The next would run to 2027-05-01, after `until`: none is owed.
    expect(e.fire(t('2026-11-01T10:00:00+08:00'))).toEqual([]);
    expect(e.rollingRejection('half-yearly-visit', t('2026-11-02T10:00:00+08:00'))).toBe(
      'no further half-yearly-visit is owed: the next would fall due after 2027-03-01',
    );
  });

  it('a state with no rolling duty is carried exactly as before; one with them survives JSON as continue-as-new carries it', () => {
    const plain = engine();
    plain.declare(feedback, declaredMon);
    expect(Object.keys(plain.snapshot())).toEqual(['obligations', 'recurrences', 'notices']);

    const e = engine();
    e.declareRolling({ ...visit, everyMonths: 6, from: '2026-03-02' }, start);
    e.complete(e.lastRolling('half-yearly-visit')!, t('2026-05-20T10:00:00+08:00'), 'P-1');
    const carried = new ObligationEngine(JSON.parse(JSON.stringify(e.snapshot())), { ...defaultEnginePolicy, ...leadOnly });
    expect(carried.fire(t('2026-05-20T10:00:00+08:00')).map((o) => o.id)).toEqual(['half-yearly-visit@2']);
  });

  it('stopping it ends the series; an open interval is cancelled by the caller, and nothing more is owed', () => {
    const e = engine();
    e.declareRolling({ ...visit, everyMonths: 6, from: '2026-03-02' }, start);
    e.stopRecurring('half-yearly-visit');
    e.cancel(e.lastRolling('half-yearly-visit')!, t('2026-04-01T00:00:00+08:00'));
    expect(e.fire(t('2027-01-01T00:00:00+08:00'))).toEqual([]);
    expect(e.rollingRejection('half-yearly-visit', t('2027-01-01T00:00:00+08:00'))).toBe('no half-yearly-visit is owed any more');
  });
});
