import type { ArrivedDue } from '../case/adoption';
import { tryBeginCase } from '../procedures/index';
import { isOpen } from '../case/obligation';
import { formatInstant } from '../case/legal-time';
import type { CalendarYear } from '../case/calendar';
import type { ValidStart } from './validate';

/** What a case would owe at once after its adoption. */
export interface DryRunLine {
  line: number;
  caseId: string;
  open: number;
  overdue: number;
  beforeAdoption: number;
  toReview: number;
  /** The nearest open duties, soonest first. */
  next: Array<{ key: string; period?: string; dueAt: string }>;
  arrivedDue: ArrivedDue[];
  /** The start is valid but its procedure could not begin it, and why (naming the start's field at fault, when one is). */
  error?: string;
  field?: string;
}

/**
 * Begins each case with the pure Case on a clock stopped at `now` (the policy in force, the calendar given), as the
 * workflow would, and says what it owes; nothing is started and nothing leaves the process.
 */
export function dryRun(starts: ValidStart[], now: number, calendar?: CalendarYear[], nearest = 3): DryRunLine[] {
  return starts.map(({ line, caseId, start }) => {
    const begun = tryBeginCase(start, now, calendar);
    if ('refused' in begun) {
      return {
        line,
        caseId,
        open: 0,
        overdue: 0,
        beforeAdoption: 0,
        toReview: 0,
        next: [],
        arrivedDue: [],
        error: begun.refused,
        field: begun.field,
      };
    }
    const { kase } = begun;
    const obligations = kase.engine.all();
    const open = obligations.filter(isOpen).sort((a, b) => a.dueAt - b.dueAt);
    return {
      line,
      caseId,
      open: open.length,
      overdue: kase.engine.overdueCount(),
      beforeAdoption: obligations.filter((o) => o.status === 'before-adoption').length,
      toReview: kase.engine.toReview().length,
      next: open.slice(0, nearest).map((o) => ({ key: o.key, period: o.period, dueAt: formatInstant(o.dueAt) })),
      arrivedDue: kase.arrivedDue(),
    };
  });
}
