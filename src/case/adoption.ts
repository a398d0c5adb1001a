/**
 * Adoption of a case already under way (issue: a station's open cases on the day it adopts beatflow): the start's
 * optional `adoption` block says from when beatflow keeps the case's duties (`adoptedAt`, default: the start) and
 * which facts were established before. Pure: imported by the API and bundled into workflows.
 */
import { formatInstant, localDate, parseInstant } from './legal-time';
import type { AdoptionReviewOutcome } from './obligation';

/** How far after the start's arrival `adoptedAt` may lie: the clocks of the station system and beatflow differ a little. */
const clockSkewMs = 5 * 60_000;

/** A start the case cannot take, naming the field of the start at fault: the API answers 400 naming it. */
export class StartRefused extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'StartRefused';
  }
}

/**
 * From when beatflow keeps the case: `adoptedAt`, not after the start reached beatflow (`arrivedAt`), and no fact of the
 * adoption after it (a fact was established before beatflow took the case over). Throws StartRefused naming the field.
 */
export function adoptedAtWithin(adoption: AdoptionStart, arrivedAt: number): number {
  const given = adoption.adoptedAt === undefined ? arrivedAt : parseInstant(adoption.adoptedAt);
  if (given > arrivedAt + clockSkewMs) {
    throw new StartRefused(
      'adoption.adoptedAt',
      `接管时间晚于案件到达时间 ${formatInstant(arrivedAt)} (adoptedAt is after the start reached beatflow)`,
    );
  }
  const at = Math.min(given, arrivedAt);
  const day = localDate(at);
  for (const [name, value] of Object.entries(adoption.facts ?? {})) {
    if (typeof value !== 'string') continue;
    const after = /^\d{4}-\d{2}$/.test(value) ? value > day.slice(0, 7) : /^\d{4}-\d{2}-\d{2}$/.test(value) ? value > day : parseInstant(value) > at;
    if (after) {
      throw new StartRefused(
        `adoption.facts.${name}`,
        `${name} ${value} 晚于接管时间 ${formatInstant(at)}：接管事实须在接管前确立 (${name} is after adoptedAt)`,
      );
    }
  }
  return at;
}

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

/**
 * A duty that arrived already due, as the answer to a start says it: due before the case reached beatflow (listed for
 * review unless a fact settled it), or owed by `owedBy` because its legal time had passed when the case arrived.
 */
export interface ArrivedDue {
  key: string;
  period?: string;
  dueAt: string;
  settledBy?: string;
  owedBy?: string;
}

/** What the case view says of an adoption: when, the facts given, and what still needs the officer's review. */
export interface AdoptionView {
  adoptedAt: string;
  facts: Record<string, string | number | boolean>;
  settledByFacts: number;
  toReview: number;
  review: Array<{ key: string; period?: string; dueAt: string }>;
}
