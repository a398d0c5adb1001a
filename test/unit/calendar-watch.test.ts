import { nextWatchAt, yearsDueOn } from '../../src/domain/calendar-watch';

const at = (iso: string) => Date.parse(iso);

describe('the calendar watch looks on Monday mornings, and from 1 December for the next year as well', () => {
  test.each([
    ['Saturday 2026-11-28 22:00', '2026-11-28T22:00:00+08:00', '2026-11-30T09:00:00+08:00'],
    ['Monday 2026-11-30 08:59', '2026-11-30T08:59:00+08:00', '2026-11-30T09:00:00+08:00'],
    ['Monday 2026-11-30 09:00', '2026-11-30T09:00:00+08:00', '2026-12-07T09:00:00+08:00'],
    ['Sunday 2026-12-27 23:30', '2026-12-27T23:30:00+08:00', '2026-12-28T09:00:00+08:00'],
  ])('%s: next look %s', (_, now, next) => {
    expect(nextWatchAt(at(now))).toBe(at(next));
  });

  test.each([
    ['2026-11-30', [2026]],
    ['2026-12-01', [2026, 2027]],
    ['2026-12-31', [2026, 2027]],
    ['2027-01-04', [2027]],
  ])('on %s the years due are %j', (date, years) => {
    expect(yearsDueOn(date)).toEqual(years);
  });
});
