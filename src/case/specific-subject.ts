/**
 * What the regulation owes every specific subject (特定对象, Art. 37), whichever procedure brings them to the officer:
 * the full visit at least every half year (Art. 42). A specific-subject procedure puts `halfYearlyVisit` in its duty
 * table, `specificSubjectPolicyDefaults` in its policy, and calls `fullVisits` once: the rest is here. Pure.
 */
import type { CaseContext } from './case';
import { addDays, formatInstant, localDate, startOfDay } from './legal-time';
import type { Duty } from './procedure';

export const specificSubjectPolicyDefaults = {
  /** 每半年全面走访考察一次特定对象: months within which each full visit follows the last (or the start). */
  fullVisitMonths: 6,
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
 * of the term's first day (or of the case's start, when it came later; or of the day after the last visit a station
 * adopting the case knew of); each visit owes the next. Returns the visits already made.
 */
export function oweFullVisits(ctx: Omit<CaseContext<Term, unknown>, 'records'>, months: number): string[] {
  const { start } = ctx;
  const lastVisit = start.adoption?.facts?.lastFullVisitOn as string | undefined;
  const today = localDate(ctx.now());
  const from = lastVisit ? addDays(lastVisit, 1) : start.termStart > today ? start.termStart : today;
  ctx.oweRolling(halfYearlyVisit, { everyMonths: months, from, until: start.termEnd ?? undefined });
  return lastVisit ? [formatInstant(startOfDay(lastVisit))] : [];
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
