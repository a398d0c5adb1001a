import { z } from 'zod';
import { actionBase, adoptionBlock, caseStartBase, instant, localDate, plugIn, setOf, systemId, text } from '../schema';
import {
  disputeCategories,
  disputeProcedure,
  disputeSources,
  diversionTargets,
  mediationVenues,
  partyRoles,
  progressOutcomes,
  referralTargets,
  riskLevels,
  securityMediationCauses,
  specificSubjectKinds,
  triageDecisions,
} from './descriptor';
import type { ActionRoles } from '../../domain/roles';

const maxParties = 50;

/** Start of a dispute case (矛盾纠纷, Art. 72–76). Parties' names are personal data: the case keeps roles only. */
export const disputeStartSchema = caseStartBase.extend({
  procedure: z.literal('dispute'),
  source: z.enum(disputeSources),
  category: z.enum(disputeCategories),
  // The same person in the same role twice is a slip of the station system; namesakes in other roles are not.
  parties: setOf(z.object({ name: text(100), role: z.enum(partyRoles) }), maxParties).min(1),
  place: text(300),
  occurredAt: instant,
  riskLevel: z.enum(riskLevels),
  relatedCaseNumbers: setOf(systemId, 50).default([]),
  // A dispute under way when beatflow takes it over: its duties are counted from its arrival here (triage from the
  // start), so it names no facts; routes taken before are reported as actions.
  adoption: adoptionBlock({}),
});

/** A party by its index (0-based) in the start's `parties`. */
const party = z
  .int()
  .min(0)
  .max(maxParties - 1);
/** A route by its number in the case view, when several could be meant. */
const route = z.int().min(1).max(10_000).optional();

/** Parties an alarm shows to be specific subjects (Art. 75): the officer then owes their marking. */
const concerns = setOf(z.object({ party, kind: z.enum(specificSubjectKinds) }), 50).optional();

/** Actions an officer or the station system reports on a dispute case. */
export const disputeActionSchema = z.discriminatedUnion('type', [
  actionBase
    .extend({
      type: z.literal('triaged'),
      decision: z.enum(triageDecisions),
      divertedTo: z.object({ kind: z.enum(diversionTargets), name: text(200) }).optional(),
    })
    .superRefine((a, ctx) => {
      if (a.decision === 'divert' && !a.divertedTo)
        ctx.addIssue({ code: 'custom', path: ['divertedTo'], message: 'a diversion names the department or organisation' });
      if (a.decision === 'intervene' && a.divertedTo)
        ctx.addIssue({ code: 'custom', path: ['divertedTo'], message: 'only a diversion names a department' });
    }),
  actionBase.extend({ type: z.literal('progress-checked'), route, outcome: z.enum(progressOutcomes) }),
  actionBase.extend({ type: z.literal('mediated-on-site'), outcome: z.enum(['resolved', 'failed']) }),
  actionBase
    .extend({
      type: z.literal('referred'),
      to: z.enum(referralTargets),
      venue: z.enum(mediationVenues).optional(),
      /** 法治教育 (Art. 74(1)). */
      legalEducation: z.boolean(),
    })
    .superRefine((a, ctx) => {
      if (a.to === 'people-mediation' && !a.venue) ctx.addIssue({ code: 'custom', path: ['venue'], message: "people's mediation names its venue" });
      if (a.to !== 'people-mediation' && a.venue) ctx.addIssue({ code: 'custom', path: ['venue'], message: "only people's mediation has a venue" });
    }),
  actionBase
    .extend({
      type: z.literal('security-mediation-recorded'),
      cause: z.enum(securityMediationCauses),
      agreement: z.enum(['reached', 'not-reached']),
      performBy: localDate.optional(),
    })
    .superRefine((a, ctx) => {
      if (a.agreement === 'reached' && !a.performBy)
        ctx.addIssue({ code: 'custom', path: ['performBy'], message: 'an agreement names the date it is to be performed by' });
      if (a.agreement === 'not-reached' && a.performBy) ctx.addIssue({ code: 'custom', path: ['performBy'], message: 'no agreement, no date' });
    }),
  actionBase.extend({ type: z.literal('agreement-performance-checked'), route, performed: z.boolean() }),
  actionBase.extend({ type: z.literal('repeat-alarm'), alarmRef: systemId.optional(), concerns }),
  actionBase.extend({ type: z.literal('follow-up-visited'), route }),
  actionBase.extend({ type: z.literal('superior-reported'), documentRef: systemId.optional() }),
  actionBase.extend({ type: z.literal('specific-subject-marked'), party, kind: z.enum(specificSubjectKinds) }),
  actionBase.extend({ type: z.literal('risk-changed'), riskLevel: z.enum(riskLevels) }),
  actionBase.extend({ type: z.literal('control-centre-coordinated'), documentRef: systemId.optional() }),
  actionBase.extend({ type: z.literal('closed') }),
]);

export type DisputeStart = z.infer<typeof disputeStartSchema>;
export type DisputeAction = z.infer<typeof disputeActionSchema>;

/**
 * Who reports what (Art. 72–76): the officer's handling of the dispute; a repeat alarm also arrives from the station
 * system's alarm desk; closing the dispute is the station's decision.
 */
export const disputeActionRoles = {
  triaged: ['officer', 'station-leader'],
  'progress-checked': ['officer', 'station-leader'],
  'mediated-on-site': ['officer', 'station-leader'],
  referred: ['officer', 'station-leader'],
  'security-mediation-recorded': ['officer', 'station-leader'],
  'agreement-performance-checked': ['officer', 'station-leader'],
  'repeat-alarm': ['station-system', 'officer', 'station-leader'],
  'follow-up-visited': ['officer', 'station-leader'],
  'superior-reported': ['officer', 'station-leader'],
  'specific-subject-marked': ['officer', 'station-leader'],
  'risk-changed': ['officer', 'station-leader'],
  // The control centre's coordination (Art. 105) is the station's duty to report: its leader, or its system.
  'control-centre-coordinated': ['station-leader', 'station-system'],
  closed: ['station-leader'],
} as const satisfies ActionRoles<DisputeAction['type']>;

/** The dispute procedure as the registry lists it. */
export const disputePlugin = plugIn(disputeProcedure, {
  start: disputeStartSchema,
  action: disputeActionSchema,
  actionRoles: disputeActionRoles,
  example: {
    start: {
      procedure: 'dispute',
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
    },
    actions: {
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
  },
});
