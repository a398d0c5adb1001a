// The case workflows as they would be bundled after a release that changed policy defaults in code: the engine's
// reminder lead (24 h → 12 h) and the bail feedback period (3 → 5 days). Replaying histories recorded before it
// shows that running cases keep the policy pinned when they started.
import { bailPolicyDefaults } from '../../src/procedures/bail-surveillance/descriptor';
import { defaultEnginePolicy } from '../../src/case/obligation';

defaultEnginePolicy.reminderLeadHours = 12;
bailPolicyDefaults.feedbackDays = 5;

export * from '../../workflows';
