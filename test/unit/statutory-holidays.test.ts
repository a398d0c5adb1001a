import { builtInCalendarYears, WorkingCalendar } from '../../src/case/calendar';
import { addDays, computeDeadline } from '../../src/case/legal-time';
import { provisionalCalendarYear, withProvisionalYears } from '../../src/case/statutory-holidays';

const ranges = (year: number) => provisionalCalendarYear(year).holidays.map(({ from, to }) => `${from}..${to}`);

describe('a year the State Council has not published: its statutory holidays', () => {
  test('2027: New Year, four days from New Year’s Eve, Qingming, two for Labour Day, Dragon Boat, Mid-Autumn, three for National Day', () => {
    expect(ranges(2027)).toEqual([
      '2027-01-01..2027-01-01',
      '2027-02-05..2027-02-08',
      '2027-04-05..2027-04-05',
      '2027-05-01..2027-05-02',
      '2027-06-09..2027-06-09',
      '2027-09-15..2027-09-15',
      '2027-10-01..2027-10-03',
    ]);
    expect(provisionalCalendarYear(2027)).toMatchObject({ year: 2027, version: 0, provisional: true, workdays: [] });
  });

  test('2028: Mid-Autumn falls on 3 October, inside National Day, and the two make one range', () => {
    expect(ranges(2028)).toEqual([
      '2028-01-01..2028-01-01',
      '2028-01-25..2028-01-28',
      '2028-04-04..2028-04-04',
      '2028-05-01..2028-05-02',
      '2028-05-28..2028-05-28',
      '2028-10-01..2028-10-03',
    ]);
    expect(provisionalCalendarYear(2028).holidays.at(-1)!.name).toBe('National Day 国庆节 + Mid-Autumn 中秋节');
    expect(() => new WorkingCalendar([provisionalCalendarYear(2028)])).not.toThrow();
  });

  test.each(builtInCalendarYears.map((y) => [y.year, y] as const))(
    'every statutory day of %i lies in a holiday of the published schedule',
    (year, official) => {
      const published = new WorkingCalendar([official]);
      for (const { from, to } of provisionalCalendarYear(year).holidays) {
        for (let date = from; date <= to; date = addDays(date, 1)) expect(published.dayInfo(date)).toMatchObject({ date, working: false });
      }
    },
  );

  test('a year is worked out once, and the year every later case shares cannot be altered by one of them', () => {
    const first = provisionalCalendarYear(2029);
    expect(provisionalCalendarYear(2029)).toBe(first);
    expect(() => {
      first.holidays[0].to = '2029-01-03';
    }).toThrow(TypeError);
    expect(() => first.holidays.push({ from: '2029-12-31', to: '2029-12-31', name: 'not a holiday' })).toThrow(TypeError);
    expect(provisionalCalendarYear(2029).holidays[0]).toEqual({ from: '2029-01-01', to: '2029-01-01', name: 'New Year 元旦' });
  });

  test('only the years the published ones leave out are filled in', () => {
    const years = withProvisionalYears(builtInCalendarYears, 2026, 2028);
    expect(years.map((y) => [y.year, y.version, Boolean(y.provisional)])).toEqual([
      [2025, 1, false],
      [2026, 1, false],
      [2027, 0, true],
      [2028, 0, true],
    ]);
  });
});

describe('deadlines in a provisional year', () => {
  const weekendsOnly = new WorkingCalendar(builtInCalendarYears);
  const provisional = new WorkingCalendar(withProvisionalYears(builtInCalendarYears, 2027, 2027));

  test('a term ending 2027-10-08: the station-report window opens on 30 September, not inside National Day', () => {
    expect(computeDeadline('working-days-before', '2027-10-08', 5, weekendsOnly).due).toBe('2027-10-01T00:00:00+08:00');
    const deadline = computeDeadline('working-days-before', '2027-10-08', 5, provisional);
    expect(deadline.due).toBe('2027-09-30T00:00:00+08:00');
    expect(deadline.warnings).toEqual([
      "working-day calendar for 2027 is provisional: statutory holidays only, the State Council's schedule is not loaded",
    ]);
  });

  test('a bail term ending 2027-10-11: the notice ten days before is due on 30 September, not on the holiday', () => {
    expect(computeDeadline('days-before', '2027-10-11', 10, weekendsOnly).due).toBe('2027-10-01T23:59:59+08:00');
    expect(computeDeadline('days-before', '2027-10-11', 10, provisional).due).toBe('2027-09-30T23:59:59+08:00');
  });

  test('the published schedule replaces the provisional year: its make-up workday counts and the warning goes', () => {
    const published = { ...provisionalCalendarYear(2027), provisional: false, version: 1, source: 'notice for 2027', workdays: ['2027-09-26'] };
    published.holidays = [{ from: '2027-10-01', to: '2027-10-07', name: 'National Day 国庆节' }];
    const deadline = computeDeadline('working-days-before', '2027-10-08', 5, new WorkingCalendar([...builtInCalendarYears, published]));
    // 09-30, 09-29, 09-28, 09-27, 09-26 (a Sunday worked).
    expect(deadline.due).toBe('2027-09-26T00:00:00+08:00');
    expect(deadline.warnings).toEqual([]);
  });
});
