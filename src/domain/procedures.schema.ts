import { z } from 'zod';
import { bailActionSchema, bailStartSchema } from './bail-surveillance.schema';
import { disputeActionSchema, disputeStartSchema } from './dispute.schema';
import { deprivedRightsActionSchema, deprivedRightsStartSchema } from './deprived-rights.schema';
import { hazardActionSchema, hazardStartSchema } from './hazard-rectification.schema';
import type { Procedure } from './case';

/** The body of POST /v1/cases: one member per procedure, told apart by `procedure`. */
export const caseStartSchema = z.discriminatedUnion('procedure', [bailStartSchema, deprivedRightsStartSchema, hazardStartSchema, disputeStartSchema]);
export type CaseStart = z.infer<typeof caseStartSchema>;

/** Each procedure's actions; the case id says which procedure a case belongs to. */
export const actionSchemas = {
  'bail-surveillance': bailActionSchema,
  dispute: disputeActionSchema,
  'deprived-rights': deprivedRightsActionSchema,
  'hazard-rectification': hazardActionSchema,
} satisfies Record<Procedure, z.ZodType>;

/** For the API docs: any procedure's action. */
export const anyActionSchema = z.union([bailActionSchema, deprivedRightsActionSchema, hazardActionSchema, disputeActionSchema]);
