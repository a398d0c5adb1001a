/** Contract of the case follow-up visits (案件回访, Art. 80): a visit within a week of filing, and one after conclusion. Pure. */
import { defineProcedure } from '../../case/procedure';

/** The regulation's values, and the station's where the regulation gives none; recorded on the case when it starts. */
export const followUpPolicyDefaults = {
  /** 案件立案后，一周内跟进回访 (Art. 80) */
  filingVisitDays: 7,
  /** 结案后进行回访 (Art. 80): the regulation sets no time; policy. */
  conclusionVisitDays: 7,
};
export type FollowUpPolicy = typeof followUpPolicyDefaults;

export const caseKinds = ['criminal', 'administrative'] as const;
export type CaseKind = (typeof caseKinds)[number];

export const visitKinds = ['filing', 'conclusion'] as const;
export type VisitKind = (typeof visitKinds)[number];

/** What a visit covered, by the points of Art. 80. */
export const visitTopics = [
  /** (一) 通报案件办理情况 */
  'informed-progress',
  /** (一) 收集相关线索 */
  'collected-leads',
  /** (二) 通报或者了解案件裁决执行情况 */
  'informed-decision',
  /** (二) 倾听意见建议 */
  'heard-opinions',
  /** (三) 教育管理、疏导稳控 */
  'education',
  /** (四) 查找防范漏洞，提出整改通知、预警建议、公安提示 */
  'prevention-advice',
  /** (五) 风险等级评估 */
  'risk-assessment',
] as const;
export type VisitTopic = (typeof visitTopics)[number];

export interface FollowUpVisit {
  visit: VisitKind;
  at: string;
  covered: VisitTopic[];
  /** 发现重大风险 (Art. 80(五)): reported to the station leader at once. */
  riskFound: boolean;
  late: boolean;
}

/**
 * How a visit owed was kept: the case's share of the follow-up rate (回访率, Art. 81(3)); `before-adoption`: owed before
 * beatflow took the case over, counted in no rate.
 */
export type VisitKeeping = 'pending' | 'on-time' | 'late' | 'missed' | 'before-adoption';

export interface FollowUpRecords {
  caseKind: CaseKind;
  filedAt: string;
  victimCount: number;
  concludedAt?: string;
  visits: FollowUpVisit[];
  kpi: Record<VisitKind, VisitKeeping>;
}

/**
 * How a case ends: both visits made, or the conclusion visit made after the filing week had passed without a filing
 * visit (a visit "after filing" is moot once the case is concluded, so it is recorded as missed).
 */
export type FollowUpOutcome = 'followed-up' | 'filing-visit-missed';

const article = '80';

/** Case follow-up visits: its descriptor and duty table. */
export const caseFollowUpProcedure = defineProcedure({
  name: 'case-follow-up',
  workflowType: 'caseFollowUpWorkflow',
  titleZh: '案件回访',
  titleEn: 'Case follow-up visits',
  articles: article,
  policy: followUpPolicyDefaults,
  duties: {
    filingVisit: {
      key: 'filing-visit',
      article,
      titleZh: '立案后一周内跟进回访',
      titleEn: 'Follow-up visit within a week of filing',
      responsible: 'officer',
    },
    conclusionVisit: {
      key: 'conclusion-visit',
      article,
      titleZh: '结案后回访',
      titleEn: 'Follow-up visit after the case is concluded',
      responsible: 'officer',
    },
  },
});
