/**
 * What the regulation owes every specific subject (特定对象, Art. 37), whichever procedure brings them to the officer:
 * the full visit at least every half year (Art. 42). Each specific-subject procedure puts the duty in its table, the
 * policy in its defaults, and declares it with `ctx.oweRolling` in one line. Pure.
 */
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
