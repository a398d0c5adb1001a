export { bailSurveillanceWorkflow } from './bail-surveillance';
