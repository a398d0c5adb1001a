/**
 * The rates a supervisor judges a station by (考核指标), one row per rate: which duties it counts, the article, and the
 * target the regulation sets. Every rate is computed by the same query over the read model's obligations
 * (src/db/kpis.ts); a rate only declares its duties. Pure.
 */
import type { Procedure } from '../procedures/index';

/**
 * What a rate counts in its numerator. `on-time`: duties discharged by their due time. `discharged`: duties discharged
 * at all, on time or late (a "reporting rate", 报告率, says that it was done, not when).
 */
export type KpiCounts = 'on-time' | 'discharged';

export interface KpiDeclaration {
  /** Stable kebab-case id; it is API (`/v1/kpis/{kpi}/cases`). */
  id: string;
  titleZh: string;
  titleEn: string;
  /** The article that sets the rate, or (target null) the one that sets the duty. */
  article: string;
  /** The duties counted: a duty of one of these procedures with one of these keys. */
  procedures: readonly Procedure[];
  keys: readonly string[];
  counts: KpiCounts;
  /** The share the regulation requires (0.95 = 百分之九十五以上), or null where it sets no number. */
  target: number | null;
  /** Where the target comes from, or why there is none. */
  targetBasis: string;
}

/**
 * Which completion time decides "on time" (the legal-fidelity rule the obligation engine applies when a duty is
 * discharged): the time the officer reports (the action's `at`, which may precede its arrival by at most the
 * backdate window), except that a duty the case had already marked overdue when the report arrived is late whatever
 * `at` says. A duty beatflow discharges itself (a system notice) counts the time it was issued.
 */
export const completionTime = {
  counts: 'reported',
  rule:
    "on time when the reported time (the action's `at`, at most 72 h before the action reached the case) is not after the due time " +
    'and the case had not marked the duty overdue before the report arrived; a system notice counts the time it was issued',
} as const;

const noRate = (duty: string) => `the regulation sets the time limit (${duty}) but no rate for it`;

export const kpis = [
  {
    id: 'hazard-reinspection-on-time',
    titleZh: '隐患整改按期复查率',
    titleEn: 'Hazard rectifications re-inspected on time',
    article: '62(2)',
    procedures: ['hazard-rectification'],
    keys: ['reinspection'],
    counts: 'on-time',
    target: 0.95,
    targetBasis: 'Art. 62(2): 隐患整改按期复查率百分之九十五以上',
  },
  {
    id: 'hazard-filing-on-time',
    titleZh: '整改决定按时备案率',
    titleEn: 'Rectification decisions filed within 24 hours',
    article: '61',
    procedures: ['hazard-rectification'],
    keys: ['filing'],
    counts: 'on-time',
    target: null,
    targetBasis: `${noRate('Art. 61: 作出决定后的二十四小时内报所属公安机关备案')}; Art. 62 lists no filing rate`,
  },
  {
    id: 'hazard-failure-reported',
    titleZh: '隐患整改未达到规定要求的报告、通报率',
    titleEn: 'Failed rectifications reported to the township or the superior department',
    article: '62(3)',
    procedures: ['hazard-rectification'],
    keys: ['failure-report'],
    counts: 'discharged',
    target: 1,
    targetBasis: 'Art. 62(3): 隐患整改未达到规定要求的报告、通报率百分之百',
  },
  {
    id: 'dispute-progress-check-on-time',
    titleZh: '矛盾纠纷及时了解化解进展率',
    titleEn: 'Dispute resolutions checked on in time',
    article: '76(1)',
    procedures: ['dispute'],
    keys: ['progress-check'],
    counts: 'on-time',
    target: 0.95,
    targetBasis: 'Art. 76(1): 干预化解的矛盾纠纷，及时了解和跟进回访率百分之九十五以上',
  },
  {
    id: 'dispute-follow-up-visit-on-time',
    titleZh: '矛盾纠纷跟进回访率',
    titleEn: 'Dispute follow-up visits on time',
    article: '76(1)',
    procedures: ['dispute'],
    keys: ['follow-up-visit'],
    counts: 'on-time',
    target: 0.95,
    targetBasis: 'Art. 76(1): 干预化解的矛盾纠纷，及时了解和跟进回访率百分之九十五以上',
  },
  {
    id: 'dispute-specific-subject-marked',
    titleZh: '特定对象发现标注率',
    titleEn: 'Specific subjects found in disputes marked',
    article: '76(3)',
    procedures: ['dispute'],
    keys: ['specific-subject-mark'],
    counts: 'discharged',
    target: 0.95,
    targetBasis: 'Art. 76(3): 特定对象发现标注率百分之九十五以上',
  },
  {
    id: 'bail-feedback-on-time',
    titleZh: '取保候审/监视居住三日内向决定机关反馈率',
    titleEn: 'Feedback to the decision authority within 3 days',
    article: '41(8)',
    procedures: ['bail-surveillance'],
    keys: ['authority-feedback'],
    counts: 'on-time',
    target: null,
    targetBasis: noRate('Art. 41(8): 在三日内按程序向决定机关反馈'),
  },
  {
    id: 'bail-expiry-notice-on-time',
    titleZh: '期限届满十日前通知决定机关率',
    titleEn: 'Decision authority told 10 days before the term ends',
    article: '41(8)',
    procedures: ['bail-surveillance'],
    keys: ['expiry-report'],
    counts: 'on-time',
    target: null,
    targetBasis: noRate('Art. 41(8): 期限届满十日前将相关情况通知决定机关'),
  },
  {
    id: 'bail-compliance-check-on-time',
    titleZh: '定期了解遵守规定情况率',
    titleEn: 'Monthly compliance checks on time',
    article: '41(8)',
    procedures: ['bail-surveillance'],
    keys: ['compliance-check'],
    counts: 'on-time',
    target: null,
    targetBasis: noRate('Art. 41(8): 定期了解其遵守规定情况并作记录'),
  },
  {
    id: 'deprived-rights-monthly-report-on-time',
    titleZh: '被剥夺政治权利罪犯每月报告活动情况率',
    titleEn: 'Monthly activity reports on time',
    article: '41(4)',
    procedures: ['deprived-rights'],
    keys: ['monthly-report'],
    counts: 'on-time',
    target: null,
    targetBasis: noRate('Art. 41(4): 每月督促罪犯报告一次活动情况'),
  },
  {
    id: 'deprived-rights-station-report-on-time',
    titleZh: '执行期满前五个工作日内报所率',
    titleEn: 'Station told within 5 working days before the term ends',
    article: '41(4)',
    procedures: ['deprived-rights'],
    keys: ['station-report'],
    counts: 'on-time',
    target: null,
    targetBasis: noRate('Art. 41(4): 执行期满前五个工作日内报所'),
  },
  {
    id: 'case-follow-up-visit-on-time',
    titleZh: '受害人或者当事人回访率',
    titleEn: 'Victims and parties visited on time after filing and after conclusion',
    article: '81(3)',
    procedures: ['case-follow-up'],
    keys: ['filing-visit', 'conclusion-visit'],
    counts: 'on-time',
    target: 0.95,
    targetBasis: 'Art. 81(3): 受害人或者当事人回访率百分之九十五以上 (the visits are the duties of Art. 80)',
  },
  {
    id: 'specific-subject-half-yearly-visit-on-time',
    titleZh: '特定对象每半年全面走访率',
    titleEn: 'Specific subjects visited at least every six months',
    article: '42',
    procedures: ['bail-surveillance', 'deprived-rights'],
    keys: ['half-yearly-visit'],
    counts: 'on-time',
    target: null,
    targetBasis: noRate('the half-yearly full visit of a specific subject'),
  },
] as const satisfies readonly KpiDeclaration[];

export type KpiId = (typeof kpis)[number]['id'];
export const kpiIds = kpis.map((k) => k.id) as [KpiId, ...KpiId[]];

/**
 * How a duty whose due time falls in the period counts: discharged by its due time, discharged late, or missed (the
 * case marked it overdue, whether it is still open or was cancelled after). Anything else (not yet due, waived,
 * cancelled before its time, a duty from before the case's adoption) is in no rate.
 */
export type KpiOutcome = 'on-time' | 'late' | 'missed';
export const kpiOutcomes = ['on-time', 'late', 'missed'] as const satisfies readonly KpiOutcome[];

export function kpiOf(id: string): KpiDeclaration | undefined {
  return kpis.find((k) => k.id === id);
}
