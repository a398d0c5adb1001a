/**
 * Adoption of a case already under way (issue: a station's open cases on the day it adopts beatflow): the start's
 * optional `adoption` block says from when beatflow keeps the case's duties (`adoptedAt`, default: the start) and
 * which facts were established before. Pure: imported by the API and bundled into workflows.
 */
import type { AdoptionReviewOutcome } from './obligation';

/** The `adoption` block every procedure's start may carry; `facts` are the procedure's own (see its schema file). */
export interface AdoptionStart {
  /** From when beatflow is responsible for the case; duties due before are `before-adoption`. */
  adoptedAt?: string;
  facts?: Record<string, string | number | boolean | undefined>;
}

/** The action type by which an officer settles a duty due before adoption that no fact settled (any procedure). */
export const adoptionConfirmed = 'adoption-confirmed';

export interface AdoptionConfirmedAction {
  type: typeof adoptionConfirmed;
  actionId: string;
  actor: string;
  at?: string;
  key: string;
  period?: string;
  outcome: AdoptionReviewOutcome;
  /** The day the duty was done, when the officer knows it. */
  doneOn?: string;
}

/** What the case view says of an adoption: when, the facts given, and what still needs the officer's review. */
export interface AdoptionView {
  adoptedAt: string;
  facts: Record<string, string | number | boolean>;
  settledByFacts: number;
  toReview: number;
  review: Array<{ key: string; period?: string; dueAt: string }>;
}
