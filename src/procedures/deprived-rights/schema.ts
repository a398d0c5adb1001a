import { z } from 'zod';
import { actionBase, adoptionBlock, caseStartBase, identityNumber, instant, localDate, month, plugIn, setOf, text } from '../schema';
import { announcementAudiences, deprivedRightsProcedure } from './descriptor';
import { addDays, addMonths } from '../../case/legal-time';
import type { ActionRoles } from '../../domain/roles';

/** Start of a deprivation-of-political-rights case (剥夺政治权利, Art. 41(4)). */
export const deprivedRightsStartSchema = caseStartBase
  .extend({
    procedure: z.literal('deprived-rights'),
    subject: z.object({
      name: text(100),
      idNumber: identityNumber,
      address: text(300),
    }),
    sentence: z.object({ court: text(200), judgmentNumber: text(100) }),
    termStart: localDate,
    termEnd: localDate.nullable(),
    unit: z.object({ name: text(200) }).optional(),
    communityOrganisation: z.object({ name: text(200) }),
    // A term already under way when beatflow takes it over: what was done before.
    adoption: adoptionBlock({
      subjectReportedAt: instant.optional(),
      announcementMade: z.boolean().optional(),
      lastMonthlyReportMonth: month.optional(),
      lastFullVisitOn: localDate.optional(),
      stationReportMade: z.boolean().optional(),
    }),
  })
  .superRefine((start, ctx) => {
    const facts = start.adoption?.facts;
    const fact = (name: string, message: string) => ctx.addIssue({ code: 'custom', path: ['adoption', 'facts', name], message });
    if (facts?.announcementMade && !facts.subjectReportedAt) fact('announcementMade', 'the announcement follows the report: give subjectReportedAt');
    if (facts?.lastMonthlyReportMonth && facts.lastMonthlyReportMonth < start.termStart.slice(0, 7))
      fact('lastMonthlyReportMonth', 'a month before the term started');
    if (facts?.lastFullVisitOn && facts.lastFullVisitOn < start.termStart) fact('lastFullVisitOn', 'a day before the term started');
    if (facts?.stationReportMade && start.termEnd === null) fact('stationReportMade', 'a life-long deprivation has no station report');
    if (start.termEnd !== null && start.termEnd <= start.termStart) {
      ctx.addIssue({ code: 'custom', path: ['termEnd'], message: 'the term ends before it starts' });
    }
    // Criminal Law Art. 55, 57: at most five years, or ten when commuted from a death or life sentence.
    if (start.termEnd !== null && start.termEnd > addDays(addMonths(start.termStart, 120), -1)) {
      ctx.addIssue({ code: 'custom', path: ['termEnd'], message: 'a deprivation of political rights lasts at most 10 years' });
    }
  });

/** Actions an officer or the station reports on a deprivation-of-political-rights case. */
export const deprivedRightsActionSchema = z.discriminatedUnion('type', [
  actionBase.extend({ type: z.literal('subject-reported') }),
  actionBase.extend({ type: z.literal('announced'), to: setOf(z.enum(announcementAudiences), announcementAudiences.length).min(1) }),
  actionBase.extend({ type: z.literal('activity-reported'), month }),
  actionBase.extend({
    type: z.literal('violation-recorded'),
    description: text(2000),
    penaltyProposed: z.boolean().default(false),
  }),
  actionBase.extend({ type: z.literal('station-reported') }),
  actionBase.extend({ type: z.literal('written-notices-delivered') }),
  // 全面走访考察 (Art. 42), recorded in the community-policing module under `recordRef`.
  actionBase.extend({ type: z.literal('visited-in-full'), recordRef: text(100).optional() }),
  actionBase.extend({ type: z.literal('case-closed'), reason: text(500) }),
]);

export type DeprivedRightsStart = z.infer<typeof deprivedRightsStartSchema>;
export type DeprivedRightsAction = z.infer<typeof deprivedRightsActionSchema>;

/** Who reports what (Art. 41(4)): the officer's supervision; the station's written notices and the closing are the station's. */
export const deprivedRightsActionRoles = {
  'subject-reported': ['officer', 'station-leader'],
  announced: ['officer', 'station-leader'],
  'activity-reported': ['officer', 'station-leader'],
  'violation-recorded': ['officer', 'station-leader'],
  'station-reported': ['officer', 'station-leader'],
  'written-notices-delivered': ['station-leader'],
  'visited-in-full': ['officer', 'station-leader'],
  'case-closed': ['station-leader'],
} as const satisfies ActionRoles<DeprivedRightsAction['type']>;

/** The deprived rights procedure as the registry lists it. */
export const deprivedRightsPlugin = plugIn(deprivedRightsProcedure, {
  start: deprivedRightsStartSchema,
  action: deprivedRightsActionSchema,
  actionRoles: deprivedRightsActionRoles,
  example: {
    start: {
      procedure: 'deprived-rights',
      subject: { name: '钱七', idNumber: '110101198501011234', address: '北京市西城区某街2号' },
      sentence: { court: '某市中级人民法院', judgmentNumber: '(2026)某刑初12号' },
      termStart: '2026-03-02',
      termEnd: '2027-03-01',
      unit: { name: '某机械厂' },
      communityOrganisation: { name: '某街道某社区居民委员会' },
    },
    actions: {
      'subject-reported': {},
      announced: { to: ['subject', 'unit'] },
      'activity-reported': { month: '2026-04' },
      'violation-recorded': { description: '参加集会', penaltyProposed: false },
      'station-reported': {},
      'written-notices-delivered': {},
      'visited-in-full': { recordRef: 'ZF-1' },
      'case-closed': { reason: '期满' },
    },
  },
});
