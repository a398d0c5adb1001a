export { bailSurveillanceWorkflow } from './bail-surveillance';
export { disputeWorkflow } from './dispute';
export { deprivedRightsWorkflow } from './deprived-rights';
export { hazardRectificationWorkflow } from './hazard-rectification';
export { caseFollowUpWorkflow } from './case-follow-up';
export { calendarBroadcastWorkflow } from './calendar-broadcast';
export { calendarWatchWorkflow } from './calendar-watch';
