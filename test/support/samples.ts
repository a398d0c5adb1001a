/**
 * One well-formed start per procedure and one well-formed action per action type of every procedure: what the
 * role × route × station matrix sends. Each passes its procedure's schema (the matrix test checks it first).
 */
import type { CaseStart, Procedure } from '../../src/procedures/index';
import { bailStart, deprivedStart } from './cases';

/** A start of `procedure` for `stationId`, with a case number of its own. */
export function sampleStart(procedure: Procedure, stationId: string, caseNumber: string): CaseStart {
  const head = { caseNumber, stationId, officerId: 'P-20931' };
  switch (procedure) {
    case 'bail-surveillance':
      return bailStart(Date.parse('2026-03-02T09:00:00+08:00'), head);
    case 'deprived-rights':
      return deprivedStart('2026-03-02', '2027-03-01', head);
    case 'hazard-rectification':
      return {
        procedure,
        ...head,
        unit: { name: '某某商贸有限公司', creditCode: '91350100M000100Y43', keyUnit: false },
        inspection: { at: '2026-09-21T09:30:00+08:00', assistantId: 'FJ-0412', recordingRef: 'ZFJLY-0921' },
        hazards: [{ description: '消防通道堆放杂物' }],
        decidedAt: '2026-09-21T10:00:00+08:00',
        rectifyBy: '2026-09-30',
        warningIssued: true,
      };
    case 'dispute':
      return {
        procedure,
        ...head,
        source: 'alarm',
        category: 'neighbour',
        parties: [
          { name: '王五', role: 'complainant' },
          { name: '赵六', role: 'respondent' },
        ],
        place: '某小区',
        occurredAt: '2026-03-02T09:00:00+08:00',
        riskLevel: 'low',
        relatedCaseNumbers: [],
      };
    case 'case-follow-up':
      return { procedure, ...head, caseKind: 'criminal', filedAt: '2026-03-02T09:00:00+08:00', victimCount: 1 };
  }
}

/** The fields of one action of each type, by procedure (without actionId and actor). */
export const sampleActions: Record<Procedure, Record<string, Record<string, unknown>>> = {
  'bail-surveillance': {
    'subject-reported': {},
    'rules-explained': {},
    'feedback-sent': { documentRef: 'FK-1' },
    'compliance-checked': { month: '2026-04', compliant: true },
    'application-received': { applicationId: 'APP-1', kind: 'leave-city-or-county' },
    'application-decided': { applicationId: 'APP-1', decision: 'approved' },
    'violation-reported': { by: 'subject', description: '未按时报到' },
    'expiry-report-sent': { documentRef: 'BG-1' },
    'visited-in-full': { recordRef: 'ZF-1' },
    'term-changed': { termEnd: '2026-06-30' },
    'authority-decided': { decision: 'revoked' },
  },
  'deprived-rights': {
    'subject-reported': {},
    announced: { to: ['subject', 'unit'] },
    'activity-reported': { month: '2026-04' },
    'violation-recorded': { description: '参加集会', penaltyProposed: false },
    'station-reported': {},
    'written-notices-delivered': {},
    'visited-in-full': { recordRef: 'ZF-1' },
    'case-closed': { reason: '期满' },
  },
  'hazard-rectification': {
    filed: { filingNumber: 'BA-1' },
    'extension-requested': { documentRef: 'YQ-1', requestedUntil: '2026-10-15' },
    'extension-reviewed': { recommendation: 'approve' },
    'extension-decided': { decision: 'approved', newDeadline: '2026-10-15' },
    'reinspection-requested': { documentRef: 'FC-1' },
    reinspected: { result: 'passed' },
    'failure-reported': { recipient: 'township-government' },
    'new-deadline-set': { rectifyBy: '2026-11-30' },
    'referred-elsewhere': { to: '某街道办事处', documentRef: 'YJ-1' },
  },
  dispute: {
    triaged: { decision: 'intervene' },
    'progress-checked': { outcome: 'ongoing' },
    'mediated-on-site': { outcome: 'resolved' },
    referred: { to: 'people-mediation', venue: 'station-mediation-room', legalEducation: true },
    'security-mediation-recorded': { cause: 'fight', agreement: 'reached', performBy: '2026-04-30' },
    'agreement-performance-checked': { performed: true },
    'repeat-alarm': { alarmRef: 'JQ-1' },
    'follow-up-visited': {},
    'superior-reported': { documentRef: 'BG-1' },
    'specific-subject-marked': { party: 0, kind: 'threatens-revenge' },
    'risk-changed': { riskLevel: 'high' },
    'control-centre-coordinated': { documentRef: 'XT-1' },
    closed: {},
  },
  'case-follow-up': {
    visited: { visit: 'filing', covered: ['informed-progress'] },
    'case-concluded': {},
  },
};
