/**
 * Every procedure's pure rules by name, without zod: what the workflow bundle, the API (before it starts a case) and
 * the import's dry run run. The registry with the schemas is ./index.ts.
 */
import type { AnyProcedureDefinition } from '../case/case';
import type { Procedure } from './index';
import { bailSurveillance } from './bail-surveillance/rules';
import { caseFollowUp } from './case-follow-up/rules';
import { deprivedRights } from './deprived-rights/rules';
import { dispute } from './dispute/rules';
import { hazardRectification } from './hazard-rectification/rules';

export const procedureRules = {
  'bail-surveillance': bailSurveillance,
  dispute,
  'deprived-rights': deprivedRights,
  'hazard-rectification': hazardRectification,
  'case-follow-up': caseFollowUp,
} satisfies Record<Procedure, AnyProcedureDefinition>;
