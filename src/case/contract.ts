/**
 * The contract every case workflow shares with the API: message definitions, the case view, ids.
 * Pure: imported by the API and bundled into workflows.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AdoptionView } from './adoption';
import type { CalendarYear } from './calendar';
import type { AdoptionRecord, DueBasis, DueChange, ObligationStatus, Recipient, Responsible } from './obligation';
import type { PersonalRecord } from '../domain/personal';
import type { Procedure } from '../procedures/index';

export type { Procedure };

/** Workflow id of a case: one execution per (procedure, station system case number). */
export function caseIdOf(procedure: Procedure, caseNumber: string): string {
  return `${procedure}:${caseNumber}`;
}

/** Fields every action carries; each procedure adds its own `type`s and payloads. */
export interface ActionEnvelope {
  type: string;
  actionId: string;
  actor: string;
  /**
   * The case the API sent the action to, sealed with it: a sealed action copied from one case's history to another is
   * refused there. Set by `submitAction` (src/temporal/cases.ts), never taken from a body.
   */
  caseId?: string;
  /** The role the caller acted in: set by the API from the token, never taken from a body; for the audit row. */
  role?: string;
  /** When the reported act happened (ISO with offset); defaults to when the case received it. */
  at?: string;
}

export interface ObligationView {
  key: string;
  period?: string;
  article: string;
  titleZh: string;
  titleEn: string;
  responsible: Responsible;
  status: ObligationStatus;
  opensAt?: string;
  dueAt: string;
  /** When the officer says the duty was discharged (the action's `at`). */
  completedAt?: string;
  completedBy?: string;
  /** When that action reached the case. */
  completionReceivedAt?: string;
  late: boolean;
  overdueAt?: string;
  basis?: DueBasis;
  /** A duty due before adoption: the fact that settled it, or its review. */
  adoption?: Omit<AdoptionRecord, 'reviewedAt'> & { reviewedAt?: string };
  changes?: Array<Omit<DueChange, 'from' | 'to' | 'at'> & { from: string; to: string; at: string }>;
}

export interface NoticeView {
  kind: string;
  recipient: Recipient;
  article: string;
  obligationKey?: string;
  createdAt: string;
}

export type CaseStatus = 'open' | 'closed';

export interface CaseView<Records = unknown> {
  caseId: string;
  procedure: Procedure;
  caseNumber: string;
  stationId: string;
  officerId: string;
  status: CaseStatus;
  outcome?: string;
  startedAt: string;
  closedAt?: string;
  nextDueAt?: string;
  overdueCount: number;
  obligations: ObligationView[];
  notices: NoticeView[];
  records: Records;
  policy: Record<string, number>;
  warnings: string[];
  /** The working-day calendar the case computes with: each year's version. */
  calendar: Array<{ year: number; version: number }>;
  /** How many times the case continued as new; the case id stays the same. */
  run: number;
  /** Since when the case has been unable to write its records (notices, audit, read model); its deadlines run on. */
  recordsBlockedSince?: string;
  /** A case taken over while under way: since when beatflow keeps it, the facts given, what the officer must review. */
  adoption?: AdoptionView;
  /** Set on the answer to an action whose actionId the case had already accepted. */
  duplicate?: boolean;
  /**
   * The people the case names (its procedure's `personal` of the start): personal data, sealed in Temporal by the
   * payload codec, never written to the read model, masked by the API for roles without need.
   */
  personal?: PersonalRecord[];
}

/** Officers and the station system report actions through this Update; the validator rejects bad ones. */
export const submitActionUpdate = defineUpdate<CaseView, [ActionEnvelope]>('submitAction');
export const caseViewQuery = defineQuery<CaseView>('caseView');
/** A year of the working-day calendar was loaded or replaced: open cases recompute the deadlines not yet reached. */
export const calendarChangedSignal = defineSignal<[CalendarYear]>('calendarChanged');

/**
 * What the workers' codec hands a case in place of a payload that no holder of the payload keys sealed: one sent
 * around the API in the clear (the `temporal` CLI, a script on the frontend port), one altered after sealing, or one
 * under a key the worker does not hold. Decoding never throws on such a payload, so it cannot fail a workflow task: the
 * case refuses it as an action, ignores it as a signal, and does not begin from it (src/temporal/codec.ts).
 */
export const unsealedPayloadKey = 'unsealedPayload';
export type UnsealedReason = 'plaintext' | 'altered' | 'unknown-key';

/** Why a decoded value is not what a key holder sealed, if it is not. */
export function unsealedReason(value: unknown): UnsealedReason | undefined {
  if (typeof value !== 'object' || value === null || !(unsealedPayloadKey in value)) return undefined;
  return (value as Record<string, UnsealedReason>)[unsealedPayloadKey];
}

/** Failure types the API maps to HTTP answers. */
export const actionRejected = 'ActionRejected';
export const actionIdReused = 'ActionIdReused';
/** A start that passed the API's schemas but that its procedure could not begin; the case ends failed with the reason. */
export const caseStartRejected = 'CaseStartRejected';
