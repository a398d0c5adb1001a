/**
 * The workflow types the worker registers: one case workflow per procedure, the runtime around its pure rules
 * (src/procedures/<name>/rules.ts), and the calendar workflows.
 */
import { procedureRules } from '../src/procedures/rules';
import { caseWorkflow } from './case-runtime';

/** One bail or residential-surveillance case, from the decision's arrival to the authority's final decision. */
export const bailSurveillanceWorkflow = caseWorkflow(procedureRules['bail-surveillance']);
/** One dispute case, from its arrival to its resolution and follow-up, or its handing over. */
export const disputeWorkflow = caseWorkflow(procedureRules['dispute']);
/** One deprivation-of-political-rights case, from the report to the restoration of rights (or an explicit end). */
export const deprivedRightsWorkflow = caseWorkflow(procedureRules['deprived-rights']);
/** One hazard-rectification case, from the order on the spot to the hazard rectified or the unit referred for penalty. */
export const hazardRectificationWorkflow = caseWorkflow(procedureRules['hazard-rectification']);
/** One case's follow-up visits, from its filing to the visit after its conclusion. */
export const caseFollowUpWorkflow = caseWorkflow(procedureRules['case-follow-up']);
export { calendarBroadcastWorkflow } from './calendar-broadcast';
export { calendarWatchWorkflow } from './calendar-watch';
