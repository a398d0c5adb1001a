import { z } from 'zod';
import { actionBase, caseStartBase, localDate, plugIn } from './case.schema';
import { announcementAudiences, deprivedRightsProcedure } from './deprived-rights';

/** Start of a deprivation-of-political-rights case (剥夺政治权利, Art. 41(4)). */
export const deprivedRightsStartSchema = caseStartBase
  .extend({
    procedure: z.literal('deprived-rights'),
    subject: z.object({
      name: z.string().min(1).max(100),
      idNumber: z.string().regex(/^[0-9A-Za-z]{6,30}$/, 'an identity document number'),
      address: z.string().min(1).max(300),
    }),
    sentence: z.object({ court: z.string().min(1).max(200), judgmentNumber: z.string().min(1).max(100) }),
    termStart: localDate,
    termEnd: localDate.nullable(),
    unit: z.object({ name: z.string().min(1).max(200) }).optional(),
    communityOrganisation: z.object({ name: z.string().min(1).max(200) }),
  })
  .superRefine((start, ctx) => {
    if (start.termEnd !== null && start.termEnd <= start.termStart) {
      ctx.addIssue({ code: 'custom', path: ['termEnd'], message: 'the term ends before it starts' });
    }
  });

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM');

/** Actions an officer or the station reports on a deprivation-of-political-rights case. */
export const deprivedRightsActionSchema = z.discriminatedUnion('type', [
  actionBase.extend({ type: z.literal('subject-reported') }),
  actionBase.extend({ type: z.literal('announced'), to: z.array(z.enum(announcementAudiences)).min(1) }),
  actionBase.extend({ type: z.literal('activity-reported'), month }),
  actionBase.extend({
    type: z.literal('violation-recorded'),
    description: z.string().min(1).max(2000),
    penaltyProposed: z.boolean().default(false),
  }),
  actionBase.extend({ type: z.literal('station-reported') }),
  actionBase.extend({ type: z.literal('written-notices-delivered') }),
  actionBase.extend({ type: z.literal('case-closed'), reason: z.string().min(1).max(500) }),
]);

export type DeprivedRightsStart = z.infer<typeof deprivedRightsStartSchema>;
export type DeprivedRightsAction = z.infer<typeof deprivedRightsActionSchema>;

/** The deprived rights procedure as the registry lists it. */
export const deprivedRightsPlugin = plugIn(deprivedRightsProcedure, { start: deprivedRightsStartSchema, action: deprivedRightsActionSchema });
