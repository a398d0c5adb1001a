/** Contract of the deprivation-of-political-rights procedure (剥夺政治权利, Art. 41(4)). Pure. */
import type { DeprivedRightsStart } from './schema';
import type { PersonalRecord } from '../../domain/personal';
import { defineProcedure } from '../../case/procedure';
import { halfYearlyVisit, specificSubjectPolicyDefaults } from '../../case/specific-subject';

/** The regulation's values; every one is policy, recorded on the case when it starts. */
export const deprivedRightsPolicyDefaults = {
  /** 在罪犯报到时宣布: hours after the report within which the announcement must be made. */
  announcementHours: 24,
  /** 执行期满前五个工作日内报所 */
  stationReportWorkingDays: 5,
  /**
   * 由派出所书面通知本人及其所在单位、居住地基层组织: owed when the term expires, deliverable from its last day on, due
   * this many working days after it (the station's choice; the regulation names no period).
   */
  writtenNoticesWorkingDays: 1,
  ...specificSubjectPolicyDefaults,
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
  /** Full visits made (Art. 42). */
  fullVisits: number;
}

export interface DeprivedRightsRecords {
  termStart: string;
  /** null: deprived for life; the case ends only by an explicit decision. */
  termEnd: string | null;
  reportedAt?: string;
  announcedTo: AnnouncementAudience[];
  violations: Array<{ at: string; penaltyProposed: boolean }>;
  rightsRestoredAt?: string;
  /** When each full visit was made (Art. 42). */
  fullVisits: string[];
  summary?: DeprivedRightsSummary;
}

const article = '41(4)';

/** Deprivation of political rights: its descriptor and duty table. */
export const deprivedRightsProcedure = defineProcedure({
  name: 'deprived-rights',
  workflowType: 'deprivedRightsWorkflow',
  titleZh: '剥夺政治权利',
  titleEn: 'Deprivation of political rights',
  articles: article,
  policy: deprivedRightsPolicyDefaults,
  personal(start: DeprivedRightsStart): PersonalRecord[] {
    const { name, idNumber, address } = start.subject;
    return [{ role: 'subject', name, idNumber, address }];
  },
  duties: {
    announcement: {
      key: 'announcement',
      article,
      titleZh: '向罪犯及其所在单位、居住地基层组织宣布犯罪事实、期限和应遵守的规定',
      titleEn: 'Announce the crime, the term and the rules to the person, the unit and the community organisation',
      responsible: 'officer',
      reminderLeadHours: 0,
    },
    monthlyReport: {
      key: 'monthly-report',
      article,
      titleZh: '督促罪犯每月报告活动情况',
      titleEn: 'Monthly report of activities',
      responsible: 'officer',
    },
    stationReport: {
      key: 'station-report',
      article,
      titleZh: '执行期满前五个工作日内报所',
      titleEn: 'Report to the station within 5 working days before the term ends',
      responsible: 'officer',
    },
    halfYearlyVisit,
    writtenNotices: {
      key: 'written-notices',
      article,
      titleZh: '派出所书面通知本人及其所在单位、居住地基层组织',
      titleEn: 'The station notifies the person, the unit and the community organisation in writing',
      responsible: 'station',
    },
    rightsRestored: {
      key: 'rights-restored',
      article,
      titleZh: '执行期满，恢复政治权利',
      titleEn: 'The term ends and the rights are restored',
      responsible: 'system',
    },
  },
});
