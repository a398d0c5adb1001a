/**
 * A case moved to another officer by the station leader (any procedure): the new officer is responsible for every open
 * duty from then on, and reminders, escalations and notices to "the officer" reach them. Pure: bundled into workflows.
 */
export const caseReassigned = 'case-reassigned';

export interface CaseReassignedAction {
  type: typeof caseReassigned;
  actionId: string;
  actor: string;
  at?: string;
  /** The officer the case moves to. */
  officerId: string;
  reason: string;
}
