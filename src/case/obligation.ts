import type { Deadline } from './legal-time';

/**
 * The obligation model (义务 / 任务标准件, Art. 107): the unit of legal duty that every procedure declares
 * and the one engine in workflows/ keeps. Pure types and functions: imported by workflows and the API.
 */

/**
 * `before-adoption`: due before the case reached beatflow (whether or not its start carried an `adoption`): settled by a
 * fact the station gave, or listed for the officer to confirm; never overdue, never escalated, never counted in on-time
 * rates. Nobody kept it in beatflow, so nobody missed it there.
 */
export type ObligationStatus = 'pending' | 'done' | 'overdue' | 'waived' | 'cancelled' | 'before-adoption';

/**
 * Who must discharge the duty, as the regulation names them. `system`: a notice beatflow itself issues when the duty's
 * time comes. `subject`: the person under the measure (a report in person): their lateness is a fact the officer reports
 * through the notices the duty declares, never the officer's overdue duty. `decision-authority`: the authority's own act.
 */
export type Responsible = 'officer' | 'station' | 'decision-authority' | 'subject' | 'system';

/** Duties the station's own people owe: the ones a case counts as overdue and the on-time rates count. */
export const stationResponsible: readonly Responsible[] = ['officer', 'station', 'system'];

export const recipients = [
  'decision-authority',
  'station',
  'station-leader',
  'supervisor',
  'township-government',
  'superior-department',
  /** The superior public-security organ (上级公安机关, Art. 74(3)); not a unit's superior department (Art. 61). */
  'superior-police',
  'subject',
  'unit',
  'community-organisation',
  'control-centre',
  'officer',
] as const;
export type Recipient = (typeof recipients)[number];

/** A notice the engine issues on its own when an obligation's time comes. */
export interface NoticeTemplate {
  kind: string;
  recipients: Recipient[];
}

/** What a procedure declares. Times are epoch milliseconds. */
export interface ObligationSpec {
  /** Stable kebab-case key; it is API. */
  key: string;
  /** For recurring duties, the period ('2026-12'); `key` + `period` identify the obligation. */
  period?: string;
  article: string;
  titleZh: string;
  titleEn: string;
  responsible: Responsible;
  opensAt?: number;
  dueAt: number;
  /** The instant of the event the duty answers (a report, an arrival): it cannot be discharged before it. */
  follows?: number;
  /** How the due time was computed, for the record (rule, explanation, warnings). */
  basis?: DueBasis;
  /** Hours before `dueAt` at which the responsible person is reminded; 0 disables the reminder. */
  reminderLeadHours?: number;
  /** For `system` duties: the notice issued when the duty opens (or at due when it has no window). */
  issues?: NoticeTemplate;
  /** Notices at due instead of the default escalation to the station leader. */
  onOverdue?: NoticeTemplate;
  /** false: no second escalation to the supervisor after the grace period. */
  escalateToSupervisor?: boolean;
}

/** How a duty's time was fixed: a legal time rule with its inputs (so a calendar change can recompute it), or a given time. */
export interface DueBasis {
  rule: string;
  /** Inputs of a computed rule. */
  from?: string;
  n?: number;
  /** Which of the duty's times the rule computes: its due time (default) or the opening of its window. */
  sets?: 'dueAt' | 'opensAt';
  explanation: string[];
  warnings: string[];
}

export interface DueChange {
  field?: 'dueAt' | 'opensAt';
  from: number;
  to: number;
  at: number;
  reason: string;
}

export interface Obligation extends ObligationSpec {
  id: string;
  status: ObligationStatus;
  declaredAt: number;
  completedAt?: number;
  completedBy?: string;
  /** When the action that discharged the duty reached the case; `completedAt` is when the officer says it was done. */
  completionReceivedAt?: number;
  /** Discharged after its due time, or after the case had marked it overdue, whatever the action's `at` says. */
  late: boolean;
  remindedAt?: number;
  overdueAt?: number;
  supervisorEscalatedAt?: number;
  changes: DueChange[];
  /** Set on a `before-adoption` duty: the fact that settled it, or the officer's review of it. */
  adoption?: AdoptionRecord;
}

/** How a duty due before adoption was settled: by a fact of the adoption, else by the officer's review (to-review until then). */
export interface AdoptionRecord {
  fact?: string;
  review?: 'to-review' | AdoptionReviewOutcome;
  reviewedBy?: string;
  reviewedAt?: number;
  /** The day the officer says the duty was done before adoption. */
  doneOn?: string;
}

export const adoptionReviewOutcomes = ['done', 'not-done'] as const;
export type AdoptionReviewOutcome = (typeof adoptionReviewOutcomes)[number];

/**
 * A fact of an adoption that settles a duty: every period of `key` up to and including `through` (a month, quarter or
 * half-year name, or a rolling duty's number), or the one-off duty `key`.
 */
export interface AdoptionSettlement {
  key: string;
  fact: string;
  through?: string;
}

export function obligationId(key: string, period?: string): string {
  return period ? `${key}@${period}` : key;
}

export function isOpen(o: Pick<Obligation, 'status'>): boolean {
  return o.status === 'pending' || o.status === 'overdue';
}

/** Engine policy: the regulation sets the deadlines; how early to remind and when to go to the supervisor is the station's. */
export interface EnginePolicy {
  /** A reminder comes at least this long before the deadline (and, with a reminder window, in the window before). */
  reminderLeadHours: number;
  /**
   * The reminder window (station policy, not the regulation's): minutes after local midnight at which it opens on a
   * working day, and how many minutes it lasts. Each duty is reminded at its own minute of the window, from a hash of
   * its case and key (the rule: src/case/reminder-window.ts). A window of 0 minutes reminds exactly
   * `reminderLeadHours` before the deadline.
   */
  reminderWindowStartMinute: number;
  reminderWindowMinutes: number;
  supervisorGraceHours: number;
  /** Local hour at which a system notice whose duty is "by day D" is issued on that day. */
  systemNoticeHour: number;
  /** How long before it reaches the case an action may say it happened (`at`). */
  backdateWindowHours: number;
  /**
   * A duty counted back from an event still to come (10 days before a term ends) whose time had already passed when it
   * arose (the case arrived, or the term was shortened, with less left): due this many hours after it arose instead.
   */
  minimumNoticeHours: number;
}

export const defaultEnginePolicy: EnginePolicy = {
  reminderLeadHours: 24,
  // 08:30 to 11:30: the morning of an officer's working day.
  reminderWindowStartMinute: 8 * 60 + 30,
  reminderWindowMinutes: 180,
  supervisorGraceHours: 48,
  systemNoticeHour: 9,
  backdateWindowHours: 72,
  minimumNoticeHours: 24,
};

/** A notice as the case records it; `key` is unique within the case, so writing it twice is harmless. */
export interface IssuedNotice {
  key: string;
  kind: string;
  recipient: Recipient;
  article: string;
  obligationKey?: string;
  period?: string;
  titleZh: string;
  createdAt: number;
  /** Facts the document states; no personal data beyond what the recipient must be told. */
  facts?: Record<string, string | number | boolean>;
}

/** The basis of a duty whose time a legal time rule computed. */
export function basisOf(deadline: Deadline, sets: DueBasis['sets'] = 'dueAt'): DueBasis {
  return {
    rule: deadline.rule,
    from: deadline.from,
    n: deadline.n,
    sets,
    explanation: deadline.explanation,
    warnings: deadline.warnings,
  };
}
