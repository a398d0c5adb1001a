/**
 * The workflow types the worker registers: one case workflow per procedure, the runtime around its pure rules
 * (src/procedures/<name>/rules.ts), and the calendar workflows.
 */
import { bailSurveillance } from '../src/procedures/bail-surveillance/rules';
import { caseFollowUp } from '../src/procedures/case-follow-up/rules';
import { deprivedRights } from '../src/procedures/deprived-rights/rules';
import { dispute } from '../src/procedures/dispute/rules';
import { hazardRectification } from '../src/procedures/hazard-rectification/rules';
import { caseWorkflow } from './case-runtime';

/** One bail or residential-surveillance case, from the decision's arrival to the authority's final decision. */
export const bailSurveillanceWorkflow = caseWorkflow(bailSurveillance);
/** One dispute case, from its arrival to its resolution and follow-up, or its handing over. */
export const disputeWorkflow = caseWorkflow(dispute);
/** One deprivation-of-political-rights case, from the report to the restoration of rights (or an explicit end). */
export const deprivedRightsWorkflow = caseWorkflow(deprivedRights);
/** One hazard-rectification case, from the order on the spot to the hazard rectified or the unit referred for penalty. */
export const hazardRectificationWorkflow = caseWorkflow(hazardRectification);
/** One case's follow-up visits, from its filing to the visit after its conclusion. */
export const caseFollowUpWorkflow = caseWorkflow(caseFollowUp);
export { calendarBroadcastWorkflow } from './calendar-broadcast';
export { calendarWatchWorkflow } from './calendar-watch';
