/** Contract of the hazard-rectification procedure (治安隐患整改, Art. 60–62). Pure. */
import { defineProcedure } from '../../case/procedure';

/** The regulation's values, and the station's where the regulation gives none; recorded on the case when it starts. */
export const hazardPolicyDefaults = {
  /** 作出决定后的二十四小时内，应当报所属公安机关备案 (Art. 61) */
  filingHours: 24,
  /** Review of a written extension request and report to the station (审查并报所定): the regulation sets no time; policy. */
  extensionReviewDays: 3,
  /** Re-inspection after the rectification deadline (按照规定进行复查): the regulation sets no time; policy. */
  reinspectionDays: 3,
  /** Report of a failed rectification (及时报告 / 通报): "timely", no number in the regulation; policy. */
  failureReportDays: 3,
  /** The station's decision on a reviewed extension request (报所定): no time in the regulation; policy, working days. */
  extensionDecisionWorkingDays: 3,
  /** The station's new deadline (or referral elsewhere) after a justified failure: no time in the regulation; policy, working days. */
  newDeadlineWorkingDays: 3,
};
export type HazardPolicy = typeof hazardPolicyDefaults;

/** Where a failed rectification with a justified reason is reported (Art. 61). */
export const failureReportRecipients = ['township-government', 'superior-department'] as const;
export type FailureReportRecipient = (typeof failureReportRecipients)[number];

/**
 * How a case ends: the hazard was rectified, the unit was referred for penalty (按逾期不整改依法处理), or, after a
 * justified failure, the station handed the matter to another authority instead of setting a new deadline.
 */
export type HazardOutcome = 'rectified' | 'referred' | 'referred-elsewhere';

/**
 * Where the case stands: a rectification period runs (`rectifying`), a justified failure waits for the station to
 * set a new deadline (`awaiting-new-deadline`), or the case has ended.
 */
export type HazardStage = 'rectifying' | 'awaiting-new-deadline' | HazardOutcome;

export type ReinspectionResult = 'passed' | 'failed-justified' | 'failed-unjustified';

/** A unit's written request for more time (书面延期整改申请) and what became of it. */
export interface ExtensionRequest {
  /** 1, 2 … across the case; the period of its `extension-review` obligation is `request-<n>`. */
  n: number;
  documentRef: string;
  requestedAt: string;
  requestedUntil: string;
  reviewedAt?: string;
  recommendation?: 'approve' | 'refuse';
  decision?: 'approved' | 'refused';
  decidedAt?: string;
  newDeadline?: string;
}

/** One rectification deadline and its re-inspection; a station's new deadline after a justified failure opens the next. */
export interface HazardRound {
  /** 1, 2 …; the period of the round's `reinspection` and `failure-report` obligations is `round-<n>`. */
  round: number;
  /** The rectification deadline in force, a local date: rectify by the end of that day. */
  rectifyBy: string;
  /** Who set the first deadline of the round: the officer's decision on the spot, or the station after a failure. */
  setBy: 'decision' | 'station';
  extensions: ExtensionRequest[];
  earlyReinspectionRequestedAt?: string;
  /**
   * The re-inspection once done: when, its due time then in force, and whether it was on time (Art. 62(2) 按期复查).
   * Until then its due time is the `reinspection` obligation's (period `round-<n>`), which a calendar change may move.
   */
  reinspection?: { at: string; dueAt: string; onTime: boolean };
  result?: ReinspectionResult;
  failureReport?: { recipient: FailureReportRecipient; reportedAt: string; late: boolean };
  /** After a justified failure, the station handed the matter on instead of setting a new deadline. */
  referredElsewhere?: { to: string; documentRef?: string; at: string };
}

/**
 * The Art. 62 facts of one case. `reinspectedOnTime`: every re-inspection so far by its due time ('pending' until
 * the first one). `failureReported`: every failed rectification with a justified reason reported (Art. 62(3)). Both
 * count the time the officer gives (`at`, at most 72 h back), except that a duty the case had marked overdue stays late.
 */
export interface HazardKpi {
  reinspectedOnTime: 'yes' | 'no' | 'pending';
  failureReported: 'yes' | 'no' | 'not-applicable';
}

export interface HazardRecords {
  unit: { name: string; creditCode: string; keyUnit: boolean };
  hazardCount: number;
  decidedAt: string;
  filing?: { filingNumber: string; filedAt: string; late: boolean };
  stage: HazardStage;
  rounds: HazardRound[];
  kpi: HazardKpi;
}

const creditCodeChars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** True for a unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters with a valid check character. */
export function isCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  const sum = creditCodeWeights.reduce((acc, weight, i) => acc + creditCodeChars.indexOf(code[i]) * weight, 0);
  return creditCodeChars[(31 - (sum % 31)) % 31] === code[17];
}

const article = '61';

/** Hazard rectification: its descriptor and duty table. */
export const hazardRectificationProcedure = defineProcedure({
  name: 'hazard-rectification',
  workflowType: 'hazardRectificationWorkflow',
  titleZh: '治安隐患整改',
  titleEn: 'Hazard rectification',
  articles: '60-62',
  policy: hazardPolicyDefaults,
  duties: {
    filing: {
      key: 'filing',
      article,
      titleZh: '整改决定报所属公安机关备案',
      titleEn: 'File the rectification decision with the public security organ',
      responsible: 'officer',
    },
    extensionReview: {
      key: 'extension-review',
      article,
      titleZh: '审查书面延期整改申请并报所',
      titleEn: 'Review the written extension request and report it to the station',
      responsible: 'officer',
    },
    reinspection: {
      key: 'reinspection',
      article,
      titleZh: '隐患整改复查',
      titleEn: 'Re-inspect the rectification',
      responsible: 'officer',
    },
    extensionDecision: {
      key: 'extension-decision',
      article,
      titleZh: '派出所决定是否同意延期整改',
      titleEn: 'The station decides on the extension request',
      responsible: 'station',
    },
    newDeadline: {
      key: 'new-deadline',
      article,
      titleZh: '整改未达要求（有正当理由）后派出所重新确定整改期限或移交处理',
      titleEn: 'After a justified failure, the station sets a new deadline or hands the matter on',
      responsible: 'station',
    },
    failureReport: {
      key: 'failure-report',
      article,
      titleZh: '整改未达要求报告乡镇政府、街道办事处或通报上级主管部门',
      titleEn: "Report the failed rectification to the township government or the unit's superior department",
      responsible: 'officer',
    },
  },
});
