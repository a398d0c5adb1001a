/** Contract of the bail / residential-surveillance procedure (取保候审 / 监视居住, Art. 41(8)). Pure. */
import type { BailStart } from './schema';
import type { PersonalRecord } from '../../domain/personal';
import { defineProcedure } from '../../case/procedure';
import { halfYearlyVisit, specificSubjectPolicyDefaults } from '../../case/specific-subject';

export type Measure = 'bail' | 'residential-surveillance';

/** The regulation's values; every one is policy, recorded on the case when it starts. */
export const bailPolicyDefaults = {
  /** 三日内按程序向决定机关反馈 */
  feedbackDays: 3,
  /** 期限届满十日前将相关情况通知决定机关 */
  expiryNoticeDaysBefore: 10,
  /** Criminal Procedure Law Art. 79 */
  maxBailMonths: 12,
  maxSurveillanceMonths: 6,
  /** Hours after the subject reports within which the rules must have been explained (当场告知). */
  rulesExplainedHours: 24,
  /**
   * 期限届满十日前将相关情况通知决定机关 is the officer's report on how the subject complied: it may be sent from this many
   * days before the term ends (the station's choice: a summary sent earlier would not cover the term).
   */
  expiryReportOpensDaysBefore: 30,
  ...specificSubjectPolicyDefaults,
};
export type BailPolicy = typeof bailPolicyDefaults;

/** Applications the officer receives (受理申请): which fit which measure. */
export const applicationKindsFor = {
  bail: ['leave-city-or-county'],
  'residential-surveillance': ['leave-residence', 'meet-others', 'communicate'],
} as const satisfies Record<Measure, readonly string[]>;

export type ApplicationKind = (typeof applicationKindsFor)[Measure][number];

export interface BailApplication {
  applicationId: string;
  kind: ApplicationKind;
  receivedAt: string;
  decision?: 'approved' | 'refused';
  decidedAt?: string;
}

export interface BailViolation {
  by: 'subject' | 'guarantor';
  reportedAt: string;
}

export interface BailRecords {
  measure: Measure;
  termStart: string;
  termEnd: string;
  subjectReportedAt?: string;
  applications: BailApplication[];
  violations: BailViolation[];
  complianceChecks: Array<{ month: string; compliant: boolean; at: string }>;
  /** When each full visit was made (Art. 42). */
  fullVisits: string[];
  decision?: 'revoked' | 'changed-measure' | 'case-closed';
}

const article = '41(8)';

/** Bail / residential surveillance: its descriptor and duty table. */
export const bailSurveillanceProcedure = defineProcedure({
  name: 'bail-surveillance',
  workflowType: 'bailSurveillanceWorkflow',
  titleZh: '取保候审/监视居住',
  titleEn: 'Bail / residential surveillance',
  articles: article,
  policy: bailPolicyDefaults,
  personal(start: BailStart): PersonalRecord[] {
    const { name, idNumber, address } = start.subject;
    const people: PersonalRecord[] = [{ role: 'subject', name, idNumber, address }];
    if (start.guarantee?.kind === 'guarantor') people.push({ role: 'guarantor', name: start.guarantee.guarantorName });
    return people;
  },
  duties: {
    subjectReport: {
      key: 'subject-report',
      article,
      titleZh: '被取保候审/监视居住人报到',
      titleEn: 'Subject reports in person',
      // The subject's act: the officer reports its lateness through the notices below, and is not late for it.
      responsible: 'subject',
      // 未在规定期限内报到的，应当报所通知决定机关
      onOverdue: { kind: 'subject-not-reported', recipients: ['station', 'decision-authority'] },
      escalateToSupervisor: false,
    },
    rulesExplained: {
      key: 'rules-explained',
      article,
      titleZh: '告知应遵守的规定及违反规定的法律后果',
      titleEn: 'Explain the rules and the consequences of breaking them',
      responsible: 'officer',
      reminderLeadHours: 0,
    },
    authorityFeedback: {
      key: 'authority-feedback',
      article,
      titleZh: '向决定机关反馈',
      titleEn: 'Feedback to the decision authority',
      responsible: 'officer',
    },
    complianceCheck: {
      key: 'compliance-check',
      article,
      titleZh: '定期了解遵守规定情况并记录',
      titleEn: 'Monthly compliance check',
      responsible: 'officer',
    },
    halfYearlyVisit,
    expiryReport: {
      key: 'expiry-report',
      article,
      titleZh: '期限届满十日前将相关情况通知决定机关',
      titleEn: 'Tell the decision authority how the subject complied, 10 days before the term ends',
      responsible: 'officer',
    },
    authorityDecision: {
      key: 'authority-decision',
      article,
      titleZh: '决定机关作出处理决定（解除、变更或结案）',
      titleEn: "The decision authority's decision at the end of the term",
      responsible: 'decision-authority',
    },
  },
});
