import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { auditActivities } from './audit';
import { calendarActivities } from './calendar';
import { noticeActivities } from './notices';
import { readModelActivities } from './read-model';
import { recordsActivities } from './records';
import type { EncryptionCodec } from '../src/temporal/codec';

export type { AuditEntry } from './audit';
export type { BroadcastProgress, SignalOpenCasesInput } from './calendar';
export type { NoticeInput } from './notices';
export type { SaveCaseInput } from './read-model';
export type { FlushInput, FlushResult } from './records';

export interface ActivityDeps {
  pool: Pool;
  logger: Logger;
  /** The calendar broadcast signals cases through it; a worker without it cannot broadcast. */
  client?: Client;
  /** Seals the personal part of the read model; without it the API asks the case for that part. */
  codec?: EncryptionCodec;
}

/** Every activity, built with its dependencies so tests can pass their own. */
export function createActivities(deps: ActivityDeps) {
  return { ...caseActivities(deps), ...calendarActivities(deps) };
}

/**
 * The activities of a case: `flushRecords`, the one write of each wake. The per-record writes beside it are no longer
 * called by the case runtime; the time-skipping tests' fakes still read a flush through them (to retire).
 */
export function caseActivities(deps: ActivityDeps) {
  return { ...noticeActivities(deps), ...auditActivities(deps), ...readModelActivities(deps), ...recordsActivities(deps) };
}

export type CaseActivities = ReturnType<typeof caseActivities>;
export type CalendarActivities = ReturnType<typeof calendarActivities>;
