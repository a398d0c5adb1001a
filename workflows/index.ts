export { bailSurveillanceWorkflow } from './bail-surveillance';
export { deprivedRightsWorkflow } from './deprived-rights';
export { hazardRectificationWorkflow } from './hazard-rectification';
