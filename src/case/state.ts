/**
 * What a case is made of between its wakes: the fields every start names, and the state a case carries from one run
 * to the next (what continue-as-new passes on), with the audit entries it has yet to write. Pure: bundled into workflows.
 */
import type { AdoptionStart } from './adoption';
import type { CalendarYear } from './calendar';
import type { Procedure } from './contract';
import type { EngineState } from './obligation-engine';

/** An accepted action, or the case's start, as the audit log records it. */
export interface AuditEntry {
  /** Default: an accepted action. */
  kind?: 'action' | 'case-started';
  actionId: string;
  type: string;
  actor: string;
  /** The role the actor acted in (absent in entries of cases started before roles were recorded). */
  role?: string;
  at: number;
  receivedAt: number;
  payload: unknown;
}

export interface CaseStartFields {
  procedure: Procedure;
  caseNumber: string;
  stationId: string;
  officerId: string;
  adoption?: AdoptionStart;
}

/** Everything a case carries from one run to the next. */
export interface CaseState<R> {
  startedAt: number;
  status: 'open' | 'closed';
  outcome?: string;
  closedAt?: number;
  records: R;
  /** The procedure's and the engine's policy when the case started: later defaults in code never change it. */
  policy: Record<string, number>;
  engine: EngineState;
  /** The working-day calendar in force, year by year; later versions arrive by signal. */
  calendar: CalendarYear[];
  /** actionId → fingerprint of the accepted action: the same id again is answered, never applied twice. */
  actions: Record<string, string>;
  audit: AuditEntry[];
  noticesWritten: number;
  /** The revision last written to the read model. */
  savedRevision?: number;
  /** Since when writing the case's records has kept failing; absent while they are written. */
  recordsBlockedSince?: number;
  revision: number;
  run: number;
  /** The officer the case is assigned to, once a station leader has moved it from the start's. */
  officerId?: string;
}
