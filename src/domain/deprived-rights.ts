/** Contract of the deprivation-of-political-rights procedure (剥夺政治权利, Art. 41(4)). Pure. */

/** The regulation's values; every one is policy, recorded on the case when it starts. */
export const deprivedRightsPolicyDefaults = {
  /** 在罪犯报到时宣布: hours after the report within which the announcement must be made. */
  announcementHours: 24,
  /** 执行期满前五个工作日内报所 */
  stationReportWorkingDays: 5,
};
export type DeprivedRightsPolicy = typeof deprivedRightsPolicyDefaults;

/** Who is told of the crime, the term and the rules (宣布), and who gets the written notice at the end. */
export const announcementAudiences = ['subject', 'unit', 'community-organisation'] as const;
export type AnnouncementAudience = (typeof announcementAudiences)[number];

export interface DeprivedRightsSummary {
  monthlyReports: number;
  reportedLate: number;
  missed: number;
  violations: number;
  writtenNotices: number;
}

export interface DeprivedRightsRecords {
  termStart: string;
  /** null: deprived for life; the case ends only by an explicit decision. */
  termEnd: string | null;
  reportedAt?: string;
  announcedTo: AnnouncementAudience[];
  violations: Array<{ at: string; penaltyProposed: boolean }>;
  rightsRestoredAt?: string;
  summary?: DeprivedRightsSummary;
}
