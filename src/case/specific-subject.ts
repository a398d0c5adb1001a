/**
 * What the regulation owes every specific subject (特定对象, Art. 37), whichever procedure brings them to the officer:
 * the full visit at least every half year (Art. 42). A specific-subject procedure puts `halfYearlyVisit` in its duty
 * table, `specificSubjectPolicyDefaults` in its policy, and calls `oweFullVisits` once in `begin`: the rest is here. Pure.
 */
import type { CaseContext } from './case';
import { addDays, addMonths, endOfDay, formatInstant, localDate, startOfDay } from './legal-time';
import type { Duty } from './procedure';

export const specificSubjectPolicyDefaults = {
  /** 每半年全面走访考察一次特定对象: months within which each full visit follows the last (or the start). */
  fullVisitMonths: 6,
  /** A specific subject adopted with no full visit known in the last half-year is visited within this many days. */
  fullVisitCatchUpDays: 30,
};

/** The duty row of Art. 42's full visit; rolling: due six months after the start, then six months after the last visit. */
export const halfYearlyVisit = {
  key: 'half-yearly-visit',
  article: '42',
  titleZh: '每半年全面走访考察一次特定对象并录入社区警务工作模块',
  titleEn: 'A full visit to the specific subject at least every six months, recorded',
  responsible: 'officer',
} as const satisfies Duty;

interface Term {
  termStart: string;
  termEnd?: string | null;
  adoption?: { facts?: { lastFullVisitOn?: unknown } };
}

/** Records of a specific subject's full visits: when each was made. */
export interface FullVisitRecords {
  fullVisits: string[];
}

/**
 * Art. 42 for one specific subject, declared once by the procedure's `begin`: the first visit is owed within six months
 * of the term's first day, each visit owing the next within six months of the day after it. A case that arrives with
 * a half-year already over (adopted) gets no six fresh months: each half-year ended before its arrival with no visit
 * known is listed for review, and the next visit is owed within the catch-up days (policy). Returns the visits known.
 */
export function oweFullVisits(
  ctx: Omit<CaseContext<Term, unknown>, 'records'>,
  policy: { fullVisitMonths: number; fullVisitCatchUpDays: number },
): string[] {
  const { start } = ctx;
  const months = policy.fullVisitMonths;
  const lastVisit = start.adoption?.facts?.lastFullVisitOn as string | undefined;
  const today = localDate(ctx.now());
  const until = start.termEnd ?? undefined;
  const known = lastVisit ? [formatInstant(startOfDay(lastVisit))] : [];
  const from = lastVisit ? addDays(lastVisit, 1) : start.termStart;
  // The half-years that ended before the arrival, counted from the last visit known or the term's first day.
  let missed = 0;
  while (addDays(addMonths(from, months * (missed + 1)), -1) < today && (!lastVisit || missed === 0)) {
    const ends = addDays(addMonths(from, months * (missed + 1)), -1);
    missed += 1;
    ctx.owe(halfYearlyVisit, endOfDay(ends), { period: String(missed), opens: startOfDay(addMonths(from, months * (missed - 1))) });
  }
  if (!missed) {
    ctx.oweRolling(halfYearlyVisit, { everyMonths: months, from, until });
    return known;
  }
  const catchUp = addDays(today, policy.fullVisitCatchUpDays);
  const firstDueOn = until !== undefined && until < catchUp ? until : catchUp;
  ctx.oweRolling(halfYearlyVisit, { everyMonths: months, from: today, until, firstDueOn, owedBefore: missed });
  return known;
}

/** Why a full visit cannot be recorded at `at` (its interval not begun, none owed), or undefined. */
export function fullVisitRejection(ctx: Pick<CaseContext<Term, unknown>, 'engine'>, at: number): string | undefined {
  return ctx.engine.rollingRejection(halfYearlyVisit.key, at);
}

/** Records a full visit; the next is owed from the day after it (the engine rolls it on). */
export function recordFullVisit(ctx: CaseContext<Term, FullVisitRecords>, at: number, actor: string): void {
  ctx.engine.complete(ctx.engine.lastRolling(halfYearlyVisit.key)!, at, actor);
  ctx.records.fullVisits.push(formatInstant(at));
}
