import { z } from 'zod';
import { actionBase, adoptionBlock, caseStartBase, identityNumber, instant, localDate, month, plugIn, systemId, text } from '../schema';
import { addDays, addMonths } from '../../case/legal-time';
import type { ActionRoles } from '../../domain/roles';
import { applicationKindsFor, bailPolicyDefaults, bailSurveillanceProcedure } from './descriptor';

const person = z.object({
  name: text(100),
  idNumber: identityNumber,
  address: text(300),
});

/** Start of a bail / residential-surveillance case (取保候审 / 监视居住, Art. 41(8)). */
export const bailStartSchema = caseStartBase
  .extend({
    procedure: z.literal('bail-surveillance'),
    measure: z.enum(['bail', 'residential-surveillance']),
    subject: person,
    decisionAuthority: z.object({
      name: text(200),
      kind: z.enum(['court', 'procuratorate', 'public-security']),
    }),
    guarantee: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('guarantor'), guarantorName: text(100) }),
        z.object({ kind: z.literal('deposit'), amount: z.number().positive().max(1e10, 'a deposit of at most 10,000,000,000 yuan').optional() }),
      ])
      .optional(),
    noticeReceivedAt: instant,
    reportBy: instant,
    termStart: localDate,
    termEnd: localDate,
    // A term already under way when beatflow takes it over: what was done before.
    adoption: adoptionBlock({
      subjectReportedAt: instant.optional(),
      rulesExplained: z.boolean().optional(),
      feedbackSent: z.boolean().optional(),
      lastComplianceCheckMonth: month.optional(),
      lastFullVisitOn: localDate.optional(),
    }),
  })
  .superRefine((start, ctx) => {
    const facts = start.adoption?.facts;
    const fact = (name: string, message: string) => ctx.addIssue({ code: 'custom', path: ['adoption', 'facts', name], message });
    for (const name of ['rulesExplained', 'feedbackSent'] as const)
      if (facts?.[name] && !facts.subjectReportedAt) fact(name, 'owed only after the report: give subjectReportedAt');
    if (facts?.lastComplianceCheckMonth && facts.lastComplianceCheckMonth < start.termStart.slice(0, 7))
      fact('lastComplianceCheckMonth', 'a month before the term started');
    if (facts?.lastFullVisitOn && facts.lastFullVisitOn < start.termStart) fact('lastFullVisitOn', 'a day before the term started');
    if (start.termEnd < start.termStart) {
      ctx.addIssue({ code: 'custom', path: ['termEnd'], message: 'the term ends before it starts' });
    }
    // Criminal Procedure Law Art. 79: bail at most 12 months, residential surveillance at most 6.
    const months = start.measure === 'bail' ? bailPolicyDefaults.maxBailMonths : bailPolicyDefaults.maxSurveillanceMonths;
    if (start.termEnd > addDays(addMonths(start.termStart, months), -1)) {
      ctx.addIssue({ code: 'custom', path: ['termEnd'], message: `a ${start.measure} term may not exceed ${months} months` });
    }
    if (Date.parse(start.reportBy) < Date.parse(start.noticeReceivedAt)) {
      ctx.addIssue({ code: 'custom', path: ['reportBy'], message: 'the report deadline is before the notice was received' });
    }
    if (start.measure === 'bail' && !start.guarantee) {
      ctx.addIssue({ code: 'custom', path: ['guarantee'], message: 'bail needs a guarantor or a deposit' });
    }
  });

const allApplicationKinds = [...applicationKindsFor.bail, ...applicationKindsFor['residential-surveillance']] as const;

/** Actions an officer or the station system reports on a bail / residential-surveillance case. */
export const bailActionSchema = z.discriminatedUnion('type', [
  actionBase.extend({ type: z.literal('subject-reported') }),
  actionBase.extend({ type: z.literal('rules-explained') }),
  actionBase.extend({ type: z.literal('feedback-sent'), documentRef: text(100).optional() }),
  actionBase.extend({
    type: z.literal('compliance-checked'),
    month,
    compliant: z.boolean(),
  }),
  actionBase.extend({
    type: z.literal('application-received'),
    applicationId: systemId,
    kind: z.enum(allApplicationKinds),
  }),
  actionBase.extend({
    type: z.literal('application-decided'),
    applicationId: systemId,
    decision: z.enum(['approved', 'refused']),
  }),
  actionBase.extend({
    type: z.literal('violation-reported'),
    by: z.enum(['subject', 'guarantor']),
    description: text(2000),
  }),
  actionBase.extend({ type: z.literal('term-changed'), termEnd: localDate }),
  // 期限届满十日前将相关情况通知决定机关: the officer's report; the case adds the compliance summary from its records.
  actionBase.extend({ type: z.literal('expiry-report-sent'), documentRef: text(100).optional() }),
  // 全面走访考察 (Art. 42), recorded in the community-policing module under `recordRef`.
  actionBase.extend({ type: z.literal('visited-in-full'), recordRef: text(100).optional() }),
  actionBase.extend({
    type: z.literal('authority-decided'),
    decision: z.enum(['revoked', 'changed-measure', 'case-closed']),
  }),
]);

export type BailStart = z.infer<typeof bailStartSchema>;
export type BailAction = z.infer<typeof bailActionSchema>;

/**
 * Who reports what (Art. 41(8)): the officer's supervision, by the officer or the station leader; the decision
 * authority's decisions, forwarded by the station system; an application the officer received is decided by the
 * station as the executing organ, or by the decision authority through the station system.
 */
export const bailActionRoles = {
  'subject-reported': ['officer', 'station-leader'],
  'rules-explained': ['officer', 'station-leader'],
  'feedback-sent': ['officer', 'station-leader'],
  'compliance-checked': ['officer', 'station-leader'],
  'application-received': ['officer', 'station-leader'],
  'application-decided': ['station-leader', 'station-system'],
  'violation-reported': ['officer', 'station-leader'],
  'expiry-report-sent': ['officer', 'station-leader'],
  'visited-in-full': ['officer', 'station-leader'],
  'term-changed': ['station-system'],
  'authority-decided': ['station-system'],
} as const satisfies ActionRoles<BailAction['type']>;

/** The bail surveillance procedure as the registry lists it. */
export const bailSurveillancePlugin = plugIn(bailSurveillanceProcedure, {
  start: bailStartSchema,
  action: bailActionSchema,
  actionRoles: bailActionRoles,
  example: {
    start: {
      procedure: 'bail-surveillance',
      measure: 'bail',
      subject: { name: '张三', idNumber: '110101199001011234', address: '北京市东城区某街1号' },
      decisionAuthority: { name: '某区人民法院', kind: 'court' },
      guarantee: { kind: 'guarantor', guarantorName: '李四' },
      noticeReceivedAt: '2026-03-02T09:00:00+08:00',
      reportBy: '2026-03-03T09:00:00+08:00',
      termStart: '2026-03-02',
      termEnd: '2026-06-30',
    },
    actions: {
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
  },
});
