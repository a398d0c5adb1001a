import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtInCalendar, builtInCalendarYears, CalendarYear, WorkingCalendar } from '../../src/case/calendar';
import {
  addDays,
  addMonths,
  computeDeadline,
  dayOfWeek,
  deadlineRules,
  endOfDay,
  endOfMonth,
  formatInstant,
  isValidLocalDate,
  localDate,
  parseInstant,
  startOfDay,
} from '../../src/case/legal-time';

const cal = builtInCalendar;

describe('working-day calendar', () => {
  it.each([
    ['2026-09-30', true],
    ['2026-10-08', true],
    ['2026-10-10', true],
    ['2026-10-03', false],
    ['2026-10-01', false],
    ['2026-09-20', true],
    ['2026-01-04', true],
    ['2026-02-23', false],
    ['2026-02-24', true],
    ['2025-10-08', false],
    ['2025-10-11', true],
    ['2025-01-26', true],
    ['2025-10-09', true],
  ])('%s working = %s', (date, working) => {
    expect(cal.isWorkingDay(date)).toBe(working);
  });

  it('explains each kind of day', () => {
    expect(cal.dayInfo('2026-10-10')).toEqual({
      date: '2026-10-10',
      working: true,
      known: true,
      provisional: false,
      reason: 'make-up workday (调休)',
    });
    expect(cal.dayInfo('2026-10-03')).toEqual({
      date: '2026-10-03',
      working: false,
      known: true,
      provisional: false,
      reason: 'National Day 国庆节 holiday',
    });
    expect(cal.dayInfo('2026-11-07')).toEqual({ date: '2026-11-07', working: false, known: true, provisional: false, reason: 'Saturday' });
    expect(cal.dayInfo('2026-11-08').reason).toBe('Sunday');
    expect(cal.dayInfo('2026-11-09')).toEqual({ date: '2026-11-09', working: true, known: true, provisional: false, reason: 'working day' });
  });

  it('falls back to weekends for a year without data, and says so', () => {
    expect(cal.hasYear(2026)).toBe(true);
    expect(cal.hasYear(2027)).toBe(false);
    expect(cal.dayInfo('2027-01-01')).toEqual({ date: '2027-01-01', working: true, known: false, provisional: false, reason: 'working day' });
    expect(cal.dayInfo('2027-11-20')).toEqual({ date: '2027-11-20', working: false, known: false, provisional: false, reason: 'Saturday' });
  });

  it('carries the built-in years, frozen, with their source', () => {
    expect(builtInCalendarYears.map((y) => y.year)).toEqual([2025, 2026]);
    for (const y of builtInCalendarYears) {
      expect(y.version).toBe(1);
      expect(y.source).toContain(`国务院办公厅关于${y.year}年部分节假日安排的通知`);
      expect(Object.isFrozen(y) && Object.isFrozen(y.holidays) && Object.isFrozen(y.workdays)).toBe(true);
    }
    expect(cal.loadedYears()).toEqual([2025, 2026]);
    expect(cal.calendarYear(2026)?.workdays).toContain('2026-10-10');
  });

  it('rejects malformed dates and contradictory data', () => {
    expect(() => cal.dayInfo('2026-02-29')).toThrow(RangeError);
    const year = (over: Partial<CalendarYear>): CalendarYear => ({ year: 2027, holidays: [], workdays: [], source: 't', version: 1, ...over });
    expect(() => new WorkingCalendar([year({}), year({})])).toThrow(/twice/);
    expect(() => new WorkingCalendar([year({ workdays: ['2026-12-31'] })])).toThrow(RangeError);
    expect(() => new WorkingCalendar([year({ holidays: [{ from: '2027-10-07', to: '2027-10-01', name: 'x' }] })])).toThrow(RangeError);
    expect(() => new WorkingCalendar([year({ holidays: [{ from: '2027-10-01', to: '2027-10-07', name: 'x' }], workdays: ['2027-10-02'] })])).toThrow(
      /listed twice/,
    );
  });
});

describe('date helpers', () => {
  it('validates local dates, leap years included', () => {
    expect(isValidLocalDate('2028-02-29')).toBe(true);
    expect(isValidLocalDate('2000-02-29')).toBe(true);
    expect(isValidLocalDate('2026-02-29')).toBe(false);
    expect(isValidLocalDate('1900-02-29')).toBe(false);
    for (const bad of ['2026-13-01', '2026-00-10', '2026-04-31', '2026-4-01', '26-04-01', '0099-01-01', '', '2026-04-01T00:00:00Z']) {
      expect(isValidLocalDate(bad)).toBe(false);
    }
  });

  it('maps local days to +08:00 instants', () => {
    expect(startOfDay('2026-10-01')).toBe(Date.UTC(2026, 8, 30, 16));
    expect(endOfDay('2026-10-01')).toBe(Date.UTC(2026, 9, 1, 15, 59, 59, 0));
    expect(localDate(Date.UTC(2026, 8, 30, 16))).toBe('2026-10-01');
    expect(localDate(Date.UTC(2026, 8, 30, 15, 59, 59, 999))).toBe('2026-09-30');
    expect(formatInstant(Date.UTC(2026, 8, 30, 16, 0, 0, 999))).toBe('2026-10-01T00:00:00+08:00');
    expect(formatInstant(endOfDay('2026-10-08'))).toBe('2026-10-08T23:59:59+08:00');
    expect(dayOfWeek('2026-10-10')).toBe(6);
  });

  it('parses dates and ISO date-times with an offset', () => {
    expect(parseInstant('2026-10-01')).toBe(startOfDay('2026-10-01'));
    expect(parseInstant('2026-10-01T08:00:00+08:00')).toBe(Date.UTC(2026, 9, 1));
    expect(parseInstant('2026-10-01T00:00:00Z')).toBe(Date.UTC(2026, 9, 1));
    expect(parseInstant('2026-10-01T00:00Z')).toBe(Date.UTC(2026, 9, 1));
    expect(parseInstant('2026-10-01T00:00:00.25-0130')).toBe(Date.UTC(2026, 9, 1, 1, 30, 0, 250));
    const iso = '2026-12-01T09:30:00+08:00';
    expect(formatInstant(parseInstant(iso))).toBe(iso);
  });

  it.each(['', 'garbage', '2026-02-30', '2026-10-01T24:00:00Z', '2026-10-01T10:00:00', '2026-10-01T10:60:00Z', '2026-10-01 10:00:00Z'])(
    'rejects %p',
    (value) => {
      expect(() => parseInstant(value)).toThrow(RangeError);
    },
  );

  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-09-28', 3)).toBe('2026-10-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(() => addDays('2026-03-01', 1.5)).toThrow(RangeError);
  });

  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-05-31', 1, '2026-06-30'],
    ['2026-05-31', 3, '2026-08-31'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-01-15', -1, '2025-12-15'],
    ['2026-08-31', 6, '2027-02-28'],
    ['2026-04-30', 0, '2026-04-30'],
  ])('addMonths(%s, %d) = %s', (date, n, expected) => {
    expect(addMonths(date, n)).toBe(expected);
  });

  it('finds the end of a month', () => {
    expect(endOfMonth('2026-02-10')).toBe('2026-02-28');
    expect(endOfMonth('2028-02-01')).toBe('2028-02-29');
    expect(endOfMonth('2100-02-01')).toBe('2100-02-28');
    expect(endOfMonth('2000-02-01')).toBe('2000-02-29');
    expect(endOfMonth('2026-12-31')).toBe('2026-12-31');
  });
});

describe('computeDeadline', () => {
  it('lists its rules', () => {
    expect(deadlineRules).toEqual(['within-hours', 'within-days', 'within-working-days', 'days-before', 'working-days-before']);
  });

  describe('within-hours', () => {
    it('adds exact hours', () => {
      const d = computeDeadline('within-hours', '2026-12-01T09:30:00+08:00', 24, cal);
      expect(d.due).toBe('2026-12-02T09:30:00+08:00');
      expect(d.dueMs).toBe(parseInstant(d.due));
      expect(d.from).toBe('2026-12-01T09:30:00+08:00');
      expect(d.warnings).toEqual([]);
      expect(d.yearsConsulted).toEqual([]);
    });

    it('does not skip holidays or round to the end of day', () => {
      expect(computeDeadline('within-hours', '2026-09-30T12:00:00+08:00', 48, cal).due).toBe('2026-10-02T12:00:00+08:00');
    });

    it('takes a date-only start as 00:00 and converts other offsets', () => {
      expect(computeDeadline('within-hours', '2026-12-01', 24, cal).due).toBe('2026-12-02T00:00:00+08:00');
      expect(computeDeadline('within-hours', '2026-12-01T20:00:00Z', 1, cal).due).toBe('2026-12-02T05:00:00+08:00');
      expect(computeDeadline('within-hours', '2026-12-01T09:30:00+08:00', 0, cal).due).toBe('2026-12-01T09:30:00+08:00');
    });

    it('accepts epoch milliseconds', () => {
      const d = computeDeadline('within-hours', Date.UTC(2026, 11, 1, 1, 30), 2, cal);
      expect(d.from).toBe('2026-12-01T09:30:00+08:00');
      expect(d.due).toBe('2026-12-01T11:30:00+08:00');
    });
  });

  describe('within-working-days', () => {
    it('counts working days after the event, skipping National Day and counting the make-up Saturday', () => {
      // From Wed 09-30: 10-01…10-07 off, Thu 10-08 is 1, Fri 10-09 is 2, Sat 10-10 (make-up) is 3.
      const d = computeDeadline('within-working-days', '2026-09-30T16:00:00+08:00', 3, cal);
      expect(d.due).toBe('2026-10-10T23:59:59+08:00');
      expect(d.explanation).toContain('2026-10-10 (Saturday) is working day 3 after the event: make-up workday (调休)');
    });

    it('skips a weekend: from Friday 11-06, three working days end on Wednesday 11-11', () => {
      expect(computeDeadline('within-working-days', '2026-11-06', 3, cal).due).toBe('2026-11-11T23:59:59+08:00');
    });
  });

  describe('within-days', () => {
    it('extends a period ending in the National Day holiday to the next working day', () => {
      const d = computeDeadline('within-days', '2026-09-28', 3, cal);
      expect(d.due).toBe('2026-10-08T23:59:59+08:00');
      expect(d.dueMs).toBe(endOfDay('2026-10-08'));
      expect(d.warnings).toEqual([]);
      expect(d.yearsConsulted).toEqual([2026]);
      for (let day = 1; day <= 7; day++) {
        const date = `2026-10-0${day}`;
        expect(d.explanation.some((line) => line.includes(date) && line.includes('National Day 国庆节 holiday'))).toBe(true);
      }
      expect(d.explanation.join('\n')).toMatch(/Art\. 105/);
      expect(d.explanation.some((line) => line.includes('2026-10-08') && line.includes('skipped'))).toBe(false);
    });

    it('ends on day n when that is a working day', () => {
      expect(computeDeadline('within-days', '2026-11-02', 3, cal).due).toBe('2026-11-05T23:59:59+08:00');
      expect(computeDeadline('within-days', '2026-11-02', 7, cal).due).toBe('2026-11-09T23:59:59+08:00');
    });

    it('skips an ordinary weekend and names both days', () => {
      const d = computeDeadline('within-days', '2026-11-04', 3, cal);
      expect(d.due).toBe('2026-11-09T23:59:59+08:00');
      expect(d.explanation).toContain('2026-11-07 (Saturday) is not a working day (Saturday): skipped');
      expect(d.explanation).toContain('2026-11-08 (Sunday) is not a working day (Sunday): skipped');
    });

    it('stops on a make-up workday', () => {
      expect(computeDeadline('within-days', '2025-12-30', 3, cal).due).toBe('2026-01-04T23:59:59+08:00');
      expect(computeDeadline('within-days', '2026-02-11', 3, cal).due).toBe('2026-02-14T23:59:59+08:00');
    });

    it('uses the local date of a date-time start', () => {
      expect(computeDeadline('within-days', '2026-11-01T23:30:00+08:00', 3, cal).due).toBe('2026-11-04T23:59:59+08:00');
      // 16:00Z is already the next day in China.
      expect(computeDeadline('within-days', '2026-11-01T16:00:00Z', 3, cal).due).toBe('2026-11-05T23:59:59+08:00');
    });

    it('with n = 0 ends on the event day, or the next working day', () => {
      expect(computeDeadline('within-days', '2026-11-02', 0, cal).due).toBe('2026-11-02T23:59:59+08:00');
      expect(computeDeadline('within-days', '2026-10-03', 0, cal).due).toBe('2026-10-08T23:59:59+08:00');
    });

    it('warns once for a year without data', () => {
      const d = computeDeadline('within-days', '2026-12-30', 3, cal);
      expect(d.due).toBe('2027-01-04T23:59:59+08:00');
      expect(d.warnings).toEqual(['no working-day calendar for 2027: computed on weekends only']);
      expect(d.yearsConsulted).toEqual([]);
    });
  });

  describe('days-before', () => {
    it('moves back from a Saturday in a year without data, with a warning', () => {
      const d = computeDeadline('days-before', '2027-11-30', 10, cal);
      expect(d.due).toBe('2027-11-19T23:59:59+08:00');
      expect(d.warnings).toEqual(['no working-day calendar for 2027: computed on weekends only']);
      expect(d.yearsConsulted).toEqual([]);
      expect(d.explanation.some((line) => line.startsWith('2027-11-20 (Saturday)') && line.includes('skipped'))).toBe(true);
    });

    it('moves back out of a 2026 holiday to the working day before it', () => {
      const d = computeDeadline('days-before', '2026-10-15', 10, cal);
      expect(d.due).toBe('2026-09-30T23:59:59+08:00');
      expect(d.yearsConsulted).toEqual([2026]);
      for (const date of ['2026-10-05', '2026-10-04', '2026-10-03', '2026-10-02', '2026-10-01']) {
        expect(d.explanation.some((line) => line.includes(date) && line.includes('National Day 国庆节 holiday'))).toBe(true);
      }
    });

    it('lands on a make-up Saturday before the Spring Festival', () => {
      expect(computeDeadline('days-before', '2026-02-28', 7, cal).due).toBe('2026-02-14T23:59:59+08:00');
    });

    it('keeps a working day as is', () => {
      const d = computeDeadline('days-before', '2026-11-30', 10, cal);
      expect(d.due).toBe('2026-11-20T23:59:59+08:00');
      expect(d.explanation.some((line) => line.includes('skipped'))).toBe(false);
    });

    it('reads the years it crosses', () => {
      const d = computeDeadline('days-before', '2026-01-05', 4, cal);
      expect(d.due).toBe('2025-12-31T23:59:59+08:00');
      expect(d.yearsConsulted).toEqual([2025, 2026]);
    });
  });

  describe('working-days-before', () => {
    it('counts the make-up Saturday and skips the National Day holiday', () => {
      const d = computeDeadline('working-days-before', '2026-10-12', 5, cal);
      expect(d.due).toBe('2026-09-29T00:00:00+08:00');
      expect(d.dueMs).toBe(startOfDay('2026-09-29'));
      expect(d.warnings).toEqual([]);
      expect(d.explanation.some((line) => line.startsWith('2026-10-10 (Saturday) is working day 1') && line.includes('调休'))).toBe(true);
      expect(d.explanation.some((line) => line.startsWith('2026-10-11 (Sunday)') && line.includes('skipped'))).toBe(true);
      for (let day = 1; day <= 7; day++) {
        const date = `2026-10-0${day}`;
        expect(d.explanation.some((line) => line.startsWith(date) && line.includes('National Day 国庆节 holiday') && line.includes('skipped'))).toBe(
          true,
        );
      }
      expect(d.explanation.some((line) => line.startsWith('2026-09-29 (Tuesday) is working day 5'))).toBe(true);
    });

    it('does not count the term end day itself', () => {
      expect(computeDeadline('working-days-before', '2026-11-11', 1, cal).due).toBe('2026-11-10T00:00:00+08:00');
      expect(computeDeadline('working-days-before', '2026-11-09', 1, cal).due).toBe('2026-11-06T00:00:00+08:00');
      expect(computeDeadline('working-days-before', '2026-11-11', 0, cal).due).toBe('2026-11-11T00:00:00+08:00');
    });

    it('uses weekends only in 2027, with one warning', () => {
      const d = computeDeadline('working-days-before', '2027-03-01', 5, cal);
      expect(d.due).toBe('2027-02-22T00:00:00+08:00');
      expect(d.warnings).toEqual(['no working-day calendar for 2027: computed on weekends only']);
    });

    it('stops warning once the year is loaded', () => {
      const data: CalendarYear = {
        year: 2027,
        holidays: [{ from: '2027-02-22', to: '2027-02-26', name: 'Test holiday' }],
        workdays: [],
        source: 'test',
        version: 1,
      };
      const loaded = new WorkingCalendar([...builtInCalendarYears, data]);
      const d = computeDeadline('working-days-before', '2027-03-01', 5, loaded);
      expect(d.due).toBe('2027-02-15T00:00:00+08:00');
      expect(d.warnings).toEqual([]);
      expect(d.yearsConsulted).toEqual([2027]);
    });
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects n = %p', (n) => {
    for (const rule of deadlineRules) expect(() => computeDeadline(rule, '2026-11-02', n, cal)).toThrow(RangeError);
  });

  it('rejects an unknown rule or a bad start', () => {
    expect(() => computeDeadline('next-week' as never, '2026-11-02', 1, cal)).toThrow(RangeError);
    expect(() => computeDeadline('within-days', 'tomorrow', 1, cal)).toThrow(RangeError);
    expect(() => computeDeadline('within-days', Number.NaN, 1, cal)).toThrow(RangeError);
  });

  it('is deterministic', () => {
    expect(computeDeadline('within-days', '2026-09-28', 3, cal)).toEqual(computeDeadline('within-days', '2026-09-28', 3, cal));
  });
});

describe('workflow safety', () => {
  it.each(['calendar.ts', 'legal-time.ts'])('%s uses no clock, locale, Node built-in or package', (file) => {
    const source = readFileSync(join(__dirname, '../../src/case', file), 'utf8');
    expect(source).not.toMatch(/Date\.now|new Date\(\)|Intl\.|toLocale|Math\.random|process\./);
    for (const [, spec] of source.matchAll(/from '([^']+)'/g)) expect(spec.startsWith('./')).toBe(true);
  });
});
