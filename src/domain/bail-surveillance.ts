/** Contract of the bail / residential-surveillance procedure (取保候审 / 监视居住, Art. 41(8)). Pure. */

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
  decision?: 'revoked' | 'changed-measure' | 'case-closed';
}
