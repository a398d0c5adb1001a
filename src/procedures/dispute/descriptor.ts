/**
 * Contract of the dispute procedure (矛盾纠纷排查化解, Art. 72–76, 105): how a dispute is routed (diversion 分流,
 * on-site mediation, people's or professional mediation, public-security mediation 治安调解), followed up (回访),
 * marked when repeated (重复矛盾纠纷) and escalated. Pure: no zod; the parties' names appear only where `personal` picks
 * them out of the start.
 */
import type { DisputeStart } from './schema';
import type { PersonalRecord } from '../../domain/personal';
import { defineProcedure } from '../../case/procedure';

/** The regulation's values, or the station's where the regulation only says "promptly" (及时); all are policy. */
export const disputePolicyDefaults = {
  /** Station policy for "早发现、全干预" (Art. 72–73): hours from the dispute's arrival to its triage. */
  triageHours: 24,
  /** 及时了解化解进展情况 (Art. 75): days between two progress checks of a diverted or referred dispute. */
  progressCheckDays: 7,
  /** 跟进回访 (Art. 75, 76(1)): days from a resolution or a repeated alarm to the follow-up visit. */
  followUpDays: 7,
  /** 多次调处无果仍重复报警 (Art. 105): repeated alarms after which the basic control centre coordinates. */
  repeatAlarmsBeforeControlCentre: 3,
  /** 多次调处无果 (Art. 105): failed mediations needed, with the repeated alarms, before the control centre coordinates. */
  failedMediationsBeforeControlCentre: 2,
  /** The control centre's coordination, asked for by the station: no time in the regulation; policy, working days. */
  controlCentreCoordinationWorkingDays: 5,
  /** 及时 … 向上级公安机关报告 (Art. 74(3)): hours from the triggering event to the report. */
  superiorReportHours: 24,
  /** 及时标注为特定对象 (Art. 75): days from a party's flagging to the marking. */
  specificSubjectMarkDays: 1,
};
export type DisputePolicy = typeof disputePolicyDefaults;

export const disputeSources = ['alarm', 'discovery', 'referral'] as const;
export type DisputeSource = (typeof disputeSources)[number];

export const disputeCategories = ['marriage', 'family', 'neighbour', 'debt', 'civil-other', 'professional'] as const;
export type DisputeCategory = (typeof disputeCategories)[number];

/** 婚恋、家庭、邻里、债务: the focus areas of Art. 73 and 74(3). */
export const focusCategories: readonly DisputeCategory[] = ['marriage', 'family', 'neighbour', 'debt'];

/**
 * Risk levels of Art. 73 (风险等级评估). `high` and `major` are the levels at which a dispute may turn criminal
 * (民转刑) or lead to an extreme violent incident or a mass incident (Art. 74(3)); `major` is a 重大矛盾纠纷.
 */
export const riskLevels = ['low', 'medium', 'high', 'major'] as const;
export type RiskLevel = (typeof riskLevels)[number];

export function riskRank(level: RiskLevel): number {
  return riskLevels.indexOf(level);
}

/** Whether the risk is one of turning criminal or of an extreme incident (Art. 74(3)). */
export function isCriminalRisk(level: RiskLevel): boolean {
  return riskRank(level) >= riskRank('high');
}

export const partyRoles = ['complainant', 'respondent', 'third-party', 'guardian'] as const;
export type PartyRole = (typeof partyRoles)[number];

/** The persons of Art. 75 who are marked as specific subjects (特定对象). */
export const specificSubjectKinds = [
  /** 扬言报复社会他人的人员 */
  'threatens-revenge',
  /** 家庭暴力加害人 */
  'domestic-violence',
  /** 有严重不良行为的未成年人 */
  'minor-serious-misbehaviour',
  /** 肇事肇祸精神病人 */
  'mentally-ill-trouble',
] as const;
export type SpecificSubjectKind = (typeof specificSubjectKinds)[number];

export const triageDecisions = ['divert', 'intervene'] as const;
export type TriageDecision = (typeof triageDecisions)[number];

/** Where a non-police matter goes (Art. 74): a government department, or a grass-roots organisation. */
export const diversionTargets = ['department', 'grass-roots-organisation'] as const;
export type DiversionTarget = (typeof diversionTargets)[number];

/**
 * Referrals after a failed on-site mediation (Art. 74(1), (2)): a people's mediator for a general civil dispute,
 * professional mediation, or the parties told to seek arbitration or the courts for a professional dispute.
 */
export const referralTargets = ['people-mediation', 'professional-mediation', 'arbitration-or-court'] as const;
export type ReferralTarget = (typeof referralTargets)[number];

/** Where people's mediation takes place (Art. 74(1)). */
export const mediationVenues = ['station-mediation-room', 'community-office-mediation-room', 'grass-roots-platform'] as const;
export type MediationVenue = (typeof mediationVenues)[number];

/** Referrals that fit each category: a general civil dispute goes to a people's mediator, a professional one elsewhere. */
export function referralsFor(category: DisputeCategory): readonly ReferralTarget[] {
  return category === 'professional' ? ['professional-mediation', 'arbitration-or-court'] : ['people-mediation'];
}

/** What a progress check found: still under way, resolved, mediation failed, or accepted by an arbitration body or court. */
export const progressOutcomes = ['ongoing', 'resolved', 'failed', 'handed-over'] as const;
export type ProgressOutcome = (typeof progressOutcomes)[number];

/** The fights and damage to property arising from a civil dispute that public-security mediation handles (Art. 74). */
export const securityMediationCauses = ['fight', 'property-damage'] as const;
export type SecurityMediationCause = (typeof securityMediationCauses)[number];

/**
 * One line of handling. `diversion`: a non-police matter handled elsewhere, checked on until resolved.
 * `intervention`: the officer's own handling, from on-site mediation through referral or public-security mediation to
 * the follow-up visit. `repeat-alarm`: a new alarm on the same dispute, followed up by a visit.
 */
export type RouteKind = 'diversion' | 'intervention' | 'repeat-alarm';

/**
 * Where a route stands. Open: `on-site` (to be mediated on the spot), `unresolved` (on-site mediation failed: refer
 * or mediate under public security), `referred` and `progress` (progress checks), `agreement` (performance to check),
 * `follow-up` (visit owed). Ended: `resolved` (resolved and followed up), `handed-over` (left for a body that decides
 * it by law: the station, an arbitration body or a court), `followed-up` (a repeated alarm's visit made).
 */
export type RouteStage = 'on-site' | 'unresolved' | 'referred' | 'progress' | 'agreement' | 'follow-up' | 'resolved' | 'handed-over' | 'followed-up';

export const endedStages: readonly RouteStage[] = ['resolved', 'handed-over', 'followed-up'];

export interface DisputeRoute {
  /** 1-based; actions name a route by it when several could be meant. */
  no: number;
  kind: RouteKind;
  stage: RouteStage;
  openedAt: string;
  endedAt?: string;
  /** diversion: the department or grass-roots organisation that took the dispute (an organisation, not a person). */
  divertedTo?: { kind: DiversionTarget; name: string };
  /** intervention: the current referral. */
  referral?: { to: ReferralTarget; venue?: MediationVenue; legalEducation: boolean };
  /** intervention: the public-security mediation, and the date agreed for performing its agreement. */
  securityMediation?: { cause: SecurityMediationCause; agreement: 'reached' | 'not-reached'; performBy?: string };
  /** Progress checks made on this route so far; the next one's period is `${no}.${progressChecks + 1}`. */
  progressChecks: number;
  /** repeat-alarm: which repeated alarm (1 = the first repeat) and the alarm's number in the station system. */
  alarm?: number;
  alarmRef?: string;
  /** The steps of this route, in order (step names, see DisputeStep). */
  steps: string[];
}

export type StepName =
  | 'triage'
  | 'diversion'
  | 'on-site-mediation'
  | 'referral'
  | 'public-security-mediation'
  | 'agreement-performance'
  | 'progress-check'
  | 'follow-up-visit'
  | 'station-report'
  | 'repeat-alarm'
  | 'repeat-marked'
  | 'superior-report'
  | 'control-centre-escalation'
  | 'control-centre-coordinated'
  | 'specific-subject-flagged'
  | 'specific-subject-marked'
  | 'risk-change'
  | 'end';

/** One step of the route the dispute took, as the case view shows it. */
export interface DisputeStep {
  seq: number;
  at: string;
  step: StepName;
  article: string;
  route?: number;
  /** What came of it: 'resolved', 'failed', 'people-mediation', 'high→major' … never a name. */
  outcome?: string;
  /** Officer or system id; `system` for what the case did on its own. */
  by: string;
}

/** A party by its index in the start's `parties` and its role: the name stays in the start input only. */
export interface PartyRef {
  party: number;
  role: PartyRole;
}

export interface SpecificSubject extends PartyRef {
  /** What alarms showed the party to be, and what the officer marked. */
  flagged: SpecificSubjectKind[];
  marked: SpecificSubjectKind[];
  /** When an alarm first flagged the party (the marking is then owed); absent if the officer marked at once. */
  flaggedAt?: string;
  markedAt?: string;
  markedOnTime?: boolean;
}

export type EscalationTrigger = 'repeat-alarms' | 'major-risk';

/**
 * Art. 76: the facts each case contributes to the three rates. Recomputed on every action, final when the case ends.
 * On time counts the time the officer gives (`at`, at most 72 h back), except that a duty the case had marked overdue stays late.
 */
export interface DisputeKpi {
  /** 76(1) 及时了解和跟进回访: progress checks and follow-up visits owed, kept on time, kept late, still open, overdue. */
  followUp: { owed: number; onTime: number; late: number; open: number; overdue: number; onTimeSoFar: boolean };
  /** 76(2) 重复矛盾纠纷发现标注: whether the dispute is repeated and whether (and when) it was marked. */
  repeat: { repeated: boolean; marked: boolean; markedAt?: string };
  /** 76(3) 特定对象发现标注: parties found to be specific subjects, marked, marked on time. */
  specificSubjects: { found: number; marked: number; markedOnTime: number };
  asOf: string;
}

export interface DisputeSummary {
  outcome: 'resolved' | 'handed-over';
  /** The route taken, one line per route, e.g. "route 1 intervention: on-site-mediation failed → referral …". */
  routes: string[];
  repeatCount: number;
  superiorReports: number;
  controlCentreEscalations: number;
  specificSubjects: number;
  riskLevel: RiskLevel;
}

export interface DisputeRecords {
  source: DisputeSource;
  category: DisputeCategory;
  occurredAt: string;
  /** Station system case numbers of related cases (ids, no personal data); the place stays in the start input. */
  relatedCaseNumbers: string[];
  parties: PartyRef[];
  riskLevel: RiskLevel;
  riskChanges: Array<{ from: RiskLevel; to: RiskLevel; at: string; by: string }>;
  triage?: { decision: TriageDecision; at: string };
  routes: DisputeRoute[];
  steps: DisputeStep[];
  /** Repeated alarms (each `repeat-alarm` action); the dispute is marked repeated at the first. */
  repeatCount: number;
  /** Mediations that came to nothing (多次调处无果, Art. 105): on the spot, referred, under public security, or not performed. */
  failedMediations?: number;
  repeatMarkedAt?: string;
  superiorReports: number;
  controlCentreEscalations: Array<{ trigger: EscalationTrigger; at: string }>;
  specificSubjects: SpecificSubject[];
  kpi: DisputeKpi;
  summary?: DisputeSummary;
}

/** Dispute: its descriptor and duty table. */
export const disputeProcedure = defineProcedure({
  name: 'dispute',
  workflowType: 'disputeWorkflow',
  titleZh: '矛盾纠纷',
  titleEn: 'Dispute',
  articles: '72-76, 105',
  policy: disputePolicyDefaults,
  personal(start: DisputeStart): PersonalRecord[] {
    return start.parties.map((p) => ({ role: 'party', name: p.name, partyRole: p.role }));
  },
  duties: {
    triage: {
      key: 'triage',
      article: '74',
      titleZh: '矛盾纠纷研判：分流非警务事项或介入化解',
      titleEn: 'Triage the dispute: divert a non-police matter or intervene',
      responsible: 'officer',
    },
    progressCheck: {
      key: 'progress-check',
      article: '75',
      titleZh: '了解矛盾纠纷化解进展情况',
      titleEn: 'Check on the progress of the resolution',
      responsible: 'officer',
    },
    followUpVisit: {
      key: 'follow-up-visit',
      article: '75',
      titleZh: '跟进回访',
      titleEn: 'Follow-up visit',
      responsible: 'officer',
    },
    agreementPerformance: {
      key: 'agreement-performance',
      article: '74',
      titleZh: '检查治安调解协议履行情况',
      titleEn: 'Check that the public-security mediation agreement was performed',
      responsible: 'officer',
    },
    superiorReport: {
      key: 'superior-report',
      article: '74(3)',
      titleZh: '向上级公安机关报告矛盾纠纷及其调处情况、风险隐患',
      titleEn: 'Report the dispute, its mediation and its risk to the superior public security organ',
      responsible: 'officer',
    },
    controlCentreCoordination: {
      key: 'control-centre-coordination',
      article: '105',
      titleZh: '基础管控中心协调化解',
      titleEn: 'The basic control centre coordinates the resolution',
      responsible: 'station',
    },
    specificSubjectMark: {
      key: 'specific-subject-mark',
      article: '75',
      titleZh: '标注特定对象',
      titleEn: 'Mark a specific subject',
      responsible: 'officer',
    },
  },
});
