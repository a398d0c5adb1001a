import { z } from 'zod';
import { actionBase, adoptionBlock, caseStartBase, instant, localDate, plugIn, setOf, systemId, text } from '../schema';
import { failureReportRecipients, hazardRectificationProcedure, isCreditCode } from './descriptor';
import { addDays, localDate as localDateOf, parseInstant } from '../../case/legal-time';
import type { ActionRoles } from '../../domain/roles';

const documentRef = text(100, 'a document reference');
/** 限期整改: a period counted in days or months; a year is beyond any order made on the spot. */
const maxRectificationDays = 365;

/** Start of a hazard-rectification case (治安隐患整改): the order to rectify made on the spot (Art. 60–61). */
export const hazardStartSchema = caseStartBase
  .extend({
    procedure: z.literal('hazard-rectification'),
    unit: z.object({
      name: text(200),
      creditCode: z.string().refine(isCreditCode, 'a unified social credit code (统一社会信用代码), 18 characters'),
      /** 治安保卫重点单位 */
      keyUnit: z.boolean(),
    }),
    // Art. 60: an auxiliary officer or police assistant assists, and the inspection is recorded on video.
    inspection: z.object({
      at: instant,
      assistantId: systemId,
      recordingRef: documentRef,
    }),
    hazards: setOf(z.object({ description: text(2000) }), 100).min(1),
    decidedAt: instant,
    /** The rectification deadline: rectify by the end of that local day. */
    rectifyBy: localDate,
    // Art. 61: 当场责令限期整改，并处警告.
    warningIssued: z.literal(true, { error: 'Art. 61: the order to rectify is made with a warning on the spot' }),
    // An order already made when beatflow takes it over: whether it was filed with the station.
    adoption: adoptionBlock({ orderFiled: z.boolean().optional() }),
  })
  .superRefine((start, ctx) => {
    if (parseInstant(start.decidedAt) < parseInstant(start.inspection.at)) {
      ctx.addIssue({ code: 'custom', path: ['decidedAt'], message: 'the decision is made at the inspection, not before it' });
    }
    const decidedOn = localDateOf(parseInstant(start.decidedAt));
    if (start.rectifyBy < decidedOn) {
      ctx.addIssue({ code: 'custom', path: ['rectifyBy'], message: 'the rectification deadline is before the decision' });
    }
    if (start.rectifyBy > addDays(decidedOn, maxRectificationDays)) {
      ctx.addIssue({
        code: 'custom',
        path: ['rectifyBy'],
        message: `the rectification deadline is more than ${maxRectificationDays} days after the decision`,
      });
    }
  });

/** Actions an officer or the station system reports on a hazard-rectification case. */
export const hazardActionSchema = z.discriminatedUnion('type', [
  actionBase.extend({ type: z.literal('filed'), filingNumber: documentRef }),
  actionBase.extend({ type: z.literal('extension-requested'), documentRef, requestedUntil: localDate }),
  actionBase.extend({ type: z.literal('extension-reviewed'), recommendation: z.enum(['approve', 'refuse']).optional() }),
  z.discriminatedUnion('decision', [
    actionBase.extend({ type: z.literal('extension-decided'), decision: z.literal('approved'), newDeadline: localDate }),
    actionBase.extend({ type: z.literal('extension-decided'), decision: z.literal('refused') }),
  ]),
  actionBase.extend({ type: z.literal('reinspection-requested'), documentRef: documentRef.optional() }),
  z.discriminatedUnion('result', [
    actionBase.extend({ type: z.literal('reinspected'), result: z.literal('passed') }),
    actionBase.extend({ type: z.literal('reinspected'), result: z.literal('failed'), justified: z.boolean() }),
  ]),
  actionBase.extend({ type: z.literal('failure-reported'), recipient: z.enum(failureReportRecipients) }),
  actionBase.extend({ type: z.literal('new-deadline-set'), rectifyBy: localDate }),
  actionBase.extend({ type: z.literal('referred-elsewhere'), to: text(200), documentRef: documentRef.optional() }),
]);

export type HazardStart = z.infer<typeof hazardStartSchema>;
export type HazardAction = z.infer<typeof hazardActionSchema>;

/**
 * Who reports what (Art. 61): the officer files, reviews the written extension request and re-inspects; whether the
 * extension is granted (报所定是否同意延期), the new deadline after a justified failure, or handing the case on instead,
 * are the station's decisions.
 */
export const hazardActionRoles = {
  filed: ['officer', 'station-leader'],
  'extension-requested': ['officer', 'station-leader'],
  'extension-reviewed': ['officer', 'station-leader'],
  'extension-decided': ['station-leader'],
  'reinspection-requested': ['officer', 'station-leader'],
  reinspected: ['officer', 'station-leader'],
  'failure-reported': ['officer', 'station-leader'],
  'new-deadline-set': ['station-leader'],
  'referred-elsewhere': ['station-leader'],
} as const satisfies ActionRoles<HazardAction['type']>;

/** The hazard rectification procedure as the registry lists it. */
export const hazardRectificationPlugin = plugIn(hazardRectificationProcedure, {
  start: hazardStartSchema,
  action: hazardActionSchema,
  actionRoles: hazardActionRoles,
  example: {
    start: {
      procedure: 'hazard-rectification',
      unit: { name: '某某商贸有限公司', creditCode: '91350100M000100Y43', keyUnit: false },
      inspection: { at: '2026-09-21T09:30:00+08:00', assistantId: 'FJ-0412', recordingRef: 'ZFJLY-0921' },
      hazards: [{ description: '消防通道堆放杂物' }],
      decidedAt: '2026-09-21T10:00:00+08:00',
      rectifyBy: '2026-09-30',
      warningIssued: true,
    },
    actions: {
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
  },
});
