/**
 * Duties owed again within so many months of their last discharge (每半年…一次, rolling): the first interval begins on
 * `from`, each later one on the day after the duty was last discharged; an interval runs to the day before the same date
 * `everyMonths` months on, and the duty is due at the end of that day. None is owed whose due day falls after `until`
 * (the term ends first). Each interval is an obligation of its own, numbered from 1 in `period`. Pure: bundled into
 * workflows.
 */
import { addDays, addMonths, endOfDay, formatInstant, localDate, startOfDay } from './legal-time';
import { type Obligation, type ObligationSpec, isOpen } from './obligation';

export interface RollingSpec extends Omit<ObligationSpec, 'period' | 'dueAt' | 'opensAt' | 'basis'> {
  everyMonths: number;
  from: string;
  until?: string;
  /** The last day of the first interval owed, when sooner than `everyMonths` allow (a visit overdue at adoption). */
  firstDueOn?: string;
  /** How many intervals were owed before this series began (declared on their own, e.g. to review): numbering goes on. */
  owedBefore?: number;
}

export interface Rolling extends RollingSpec {
  /** The number (`period`) of the last one owed; 0 before the first. */
  owed: number;
  stopped: boolean;
}

export function rollingOf({ owedBefore = 0, ...spec }: RollingSpec): Rolling {
  return { ...spec, owed: owedBefore, stopped: false };
}

/**
 * The next interval of `r` to owe, as the duty to declare, or none: while the last owed (`owedNo(n)` finds interval n)
 * is still open, once one was cancelled or waived (the series ends), or when the next would fall due after `until`.
 * `r` counts it as owed.
 */
export function nextInterval(r: Rolling, owedNo: (period: string) => Obligation | undefined): ObligationSpec | undefined {
  if (r.stopped) return undefined;
  const first = r.firstDueOn !== undefined;
  const last = r.owed > 0 && !first ? owedNo(String(r.owed)) : undefined;
  if (last && (last.status !== 'done' || last.completedAt === undefined)) return undefined;
  const begins = last ? addDays(localDate(last.completedAt!), 1) : r.from;
  const full = addDays(addMonths(begins, r.everyMonths), -1);
  const lastDay = first && r.firstDueOn! < full ? r.firstDueOn! : full;
  if (r.until !== undefined && lastDay > r.until) return undefined;
  const { everyMonths, from: _from, until: _until, owed: _owed, stopped: _stopped, firstDueOn: _first, ...spec } = r;
  r.owed += 1;
  r.firstDueOn = undefined;
  const explanation = [
    last
      ? `the last was discharged on ${localDate(last.completedAt!)}; the next interval begins the day after`
      : `the first interval begins on ${begins}`,
    lastDay === full ? `${everyMonths} months from ${begins} run to the end of ${lastDay}` : `owed by the end of ${lastDay} (catching up)`,
  ];
  return {
    ...spec,
    period: String(r.owed),
    opensAt: startOfDay(begins),
    dueAt: endOfDay(lastDay),
    basis: { rule: `every-${everyMonths}-months-rolling`, explanation, warnings: [] },
  };
}

/** Why a rolling duty cannot be discharged at `at` (its open interval not begun, none owed), or undefined. */
export function rollingRejection(key: string, r: Rolling | undefined, last: Obligation | undefined, at: number): string | undefined {
  if (!r || !last) return `the case owes no ${key}`;
  if (r.stopped && !isOpen(last)) return `no ${key} is owed any more`;
  if (!isOpen(last)) return `no further ${key} is owed: the next would fall due after ${r.until ?? 'the end'}`;
  return at < last.opensAt! ? `${key} ${last.period} opens on ${formatInstant(last.opensAt!)}` : undefined;
}
