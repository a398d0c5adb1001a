import { builtInCalendar, builtInCalendarYears } from '../../src/case/calendar';
import { formatInstant } from '../../src/case/legal-time';
import { policyInForce } from '../../src/procedures/index';
import { spreadMinute, windowReminderAt } from '../../src/case/reminder-window';
import { SimulatedCase } from '../support/simulator';

// Every date is pinned in 2026 (built-in calendar: National Day 10-01…10-07). 2026-03-02 is a Monday.
// The minutes below were worked out apart from the code (FNV-1a, 32 bits, of "<case id>/<obligation id>", modulo 180):
// case-follow-up:XA-2026-0302/filing-visit → 97 (10:07), dispute:JF-2026-0302/progress-check@1.1 → 149 (10:59).

const t = (iso: string): number => Date.parse(iso);
const window = { startMinute: 8 * 60 + 30, minutes: 180 };

function filed(filedAt: string, policy?: Record<string, number>) {
  return SimulatedCase.start(
    {
      procedure: 'case-follow-up',
      caseNumber: 'XA-2026-0302',
      stationId: 'S-01',
      officerId: 'P-20931',
      caseKind: 'criminal',
      filedAt,
      victimCount: 2,
    },
    filedAt,
    undefined,
    policy,
  );
}

function hazardOrdered(decidedAt: string, rectifyBy: string) {
  return SimulatedCase.start(
    {
      procedure: 'hazard-rectification',
      caseNumber: 'ZG-2026-0921',
      stationId: 'S-01',
      officerId: 'P-20931',
      unit: { name: '某某商贸有限公司', creditCode: '91350100M000100Y43', keyUnit: false },
      inspection: { at: decidedAt, assistantId: 'FJ-0412', recordingRef: 'ZFJLY-0921' },
      hazards: [{ description: '消防通道堆放杂物' }],
      decidedAt,
      rectifyBy,
      warningIssued: true,
    },
    decidedAt,
  );
}

describe('reminder window (station policy): a day deadline is reminded in the morning of the working day before it, not at midnight', () => {
  test('the policy in force pins the window, 08:30 for 180 minutes', () => {
    expect(policyInForce('dispute')).toMatchObject({ reminderLeadHours: 24, reminderWindowStartMinute: 510, reminderWindowMinutes: 180 });
  });

  test('filed Monday 03-02, the visit due by the end of Monday 03-09: reminded Friday 03-06 at 10:07, the case’s own minute; the overdue mark stays at 23:59:59', () => {
    const c = filed('2026-03-02T10:00:00+08:00');
    c.advanceTo('2026-03-06T10:06:59+08:00');
    expect(c.sent('reminder')).toEqual([]);
    c.advanceTo('2026-03-10T09:00:00+08:00');
    expect(c.sent('reminder', 'filing-visit')).toEqual(['officer 2026-03-06T10:07:00+08:00']);
    expect(c.sent('overdue-escalation', 'filing-visit')).toEqual(['station-leader 2026-03-09T23:59:59+08:00']);
    expect(c.obligation('filing-visit')).toMatchObject({ status: 'overdue', overdueAt: '2026-03-09T23:59:59+08:00' });
  });

  test('the same case on another run, and after continue-as-new, is reminded at the same instant', () => {
    const a = filed('2026-03-02T10:00:00+08:00').advanceTo('2026-03-08T00:00:00+08:00');
    const b = filed('2026-03-02T10:00:00+08:00').advanceTo('2026-03-04T00:00:00+08:00').continueAsNew().advanceTo('2026-03-08T00:00:00+08:00');
    expect(b.sent('reminder')).toEqual(a.sent('reminder'));
    expect(b.sent('reminder')).toEqual(['officer 2026-03-06T10:07:00+08:00']);
  });

  test('a station that sets no window (0 minutes) is reminded exactly 24 h before: 23:59:59 on Sunday 03-08', () => {
    const c = filed('2026-03-02T10:00:00+08:00', { ...policyInForce('case-follow-up'), reminderWindowMinutes: 0 }).advanceTo(
      '2026-03-09T12:00:00+08:00',
    );
    expect(c.sent('reminder', 'filing-visit')).toEqual(['officer 2026-03-08T23:59:59+08:00']);
  });

  // Half of the visit's time (Mon 03-02 10:00 to Mon 03-09 23:59:59) has passed on Friday 03-06 at 05:00: Thursday is too
  // early, the weekend has no working morning, so the first working morning after it is Monday's.
  test('a calendar loaded after the reminder was worked out makes Friday 03-06 a holiday: the reminder moves to Monday 03-09 at 10:07', () => {
    const c = filed('2026-03-02T10:00:00+08:00').advanceTo('2026-03-04T12:00:00+08:00');
    const year2026 = builtInCalendarYears.find((y) => y.year === 2026)!;
    c.loadCalendar({
      ...year2026,
      version: year2026.version + 1,
      source: 'a test',
      holidays: [...year2026.holidays, { from: '2026-03-06', to: '2026-03-06', name: '假日' }],
    });
    c.advanceTo('2026-03-10T09:00:00+08:00');
    expect(c.obligation('filing-visit')).toMatchObject({ dueAt: '2026-03-09T23:59:59+08:00' });
    expect(c.sent('reminder', 'filing-visit')).toEqual(['officer 2026-03-09T10:07:00+08:00']);
  });

  test('due the day after a holiday (10-08): the holiday has no working morning, so the officer is reminded on 10-08 at 10:07', () => {
    const c = filed('2026-09-28T10:00:00+08:00').advanceTo('2026-10-09T00:00:00+08:00');
    expect(c.obligation('filing-visit')).toMatchObject({ dueAt: '2026-10-08T23:59:59+08:00' });
    expect(c.sent('reminder', 'filing-visit')).toEqual(['officer 2026-10-08T10:07:00+08:00']);
  });
});

describe('short deadlines: an hours-long duty is reminded in the next window after half its time, before it falls due', () => {
  test('a 24-hour filing ordered Tuesday 15:00: reminded Wednesday 09:17, overdue at 15:00', () => {
    const c = hazardOrdered('2026-09-22T15:00:00+08:00', '2026-09-30').advanceTo('2026-09-23T16:00:00+08:00');
    expect(c.obligation('filing')).toMatchObject({ dueAt: '2026-09-23T15:00:00+08:00', overdueAt: '2026-09-23T15:00:00+08:00' });
    expect(c.sent('reminder', 'filing')).toEqual(['officer 2026-09-23T09:17:00+08:00']);
  });

  test('ordered Saturday 03-07 15:00, due Sunday 15:00: no working day between, so it is reminded Sunday 09:17 all the same', () => {
    const c = hazardOrdered('2026-03-07T15:00:00+08:00', '2026-03-20').advanceTo('2026-03-08T16:00:00+08:00');
    expect(c.sent('reminder', 'filing')).toEqual(['officer 2026-03-08T09:17:00+08:00']);
  });

  const key = 'dispute:JF-2026-0302/progress-check@1.1';

  test('the spread minute is FNV-1a of the key: 149 of 180', () => {
    expect(spreadMinute(key, 180)).toBe(149);
  });

  test('declared Tuesday 18:00, due Wednesday 10:00: the minute (10:59) comes after the deadline, and 24 h before came before the declaration: no reminder', () => {
    const duty = { declaredAt: t('2026-03-03T18:00:00+08:00'), dueAt: t('2026-03-04T10:00:00+08:00') };
    expect(windowReminderAt(duty, 24, window, key, builtInCalendar)).toBeUndefined();
  });

  test('declared Tuesday 18:00, due Wednesday 11:20: 10:59 would leave 21 minutes, less than the half hour to act: no reminder', () => {
    const duty = { declaredAt: t('2026-03-03T18:00:00+08:00'), dueAt: t('2026-03-04T11:20:00+08:00') };
    expect(windowReminderAt(duty, 24, window, key, builtInCalendar)).toBeUndefined();
    expect(formatInstant(windowReminderAt({ ...duty, dueAt: t('2026-03-04T11:29:00+08:00') }, 24, window, key, builtInCalendar)!)).toBe(
      '2026-03-04T10:59:00+08:00',
    );
  });

  test('declared Tuesday 12:00, due 20:00 the same day, a 2-hour lead: no window fits, so 2 hours before, at 18:00', () => {
    const duty = { declaredAt: t('2026-03-03T12:00:00+08:00'), dueAt: t('2026-03-03T20:00:00+08:00') };
    expect(formatInstant(windowReminderAt(duty, 2, window, key, builtInCalendar)!)).toBe('2026-03-03T18:00:00+08:00');
  });

  test('a window opening Thursday 03-05 12:00 for a duty due Monday 03-09: never before it opens (Friday 10:59)', () => {
    const duty = { declaredAt: t('2026-03-02T09:00:00+08:00'), opensAt: t('2026-03-05T12:00:00+08:00'), dueAt: t('2026-03-09T23:59:59+08:00') };
    expect(formatInstant(windowReminderAt(duty, 24, window, key, builtInCalendar)!)).toBe('2026-03-06T10:59:00+08:00');
  });
});

describe('the midnight burst: 1,000 cases whose duties all fall due at 2026-03-09 23:59:59', () => {
  const duty = { declaredAt: t('2026-03-02T10:00:00+08:00'), dueAt: t('2026-03-09T23:59:59+08:00') };
  const caseIds = Array.from({ length: 1000 }, (_, i) => `case-follow-up:XA-2026-${String(i).padStart(4, '0')}`);
  const at = caseIds.map((id) => windowReminderAt(duty, 24, window, `${id}/filing-visit`, builtInCalendar)!);

  test('every one is reminded on Friday 03-06 between 08:30 and 11:29, each the same on every computation', () => {
    for (const instant of at) {
      expect(instant).toBeGreaterThanOrEqual(t('2026-03-06T08:30:00+08:00'));
      expect(instant).toBeLessThanOrEqual(t('2026-03-06T11:29:00+08:00'));
      expect(instant % 60_000).toBe(0);
    }
    expect(caseIds.map((id) => windowReminderAt(duty, 24, window, `${id}/filing-visit`, builtInCalendar))).toEqual(at);
  });

  test('they spread over the window: at least 170 of its 180 minutes used, no minute with more than 15 reminders', () => {
    const perMinute = new Map<number, number>();
    for (const instant of at) perMinute.set(instant, (perMinute.get(instant) ?? 0) + 1);
    expect(perMinute.size).toBeGreaterThanOrEqual(170);
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(15);
  });
});
