import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { calendarActivities } from './calendar';
import { recordsActivities } from './records';
import type { EncryptionCodec } from '../src/temporal/codec';

export type { AuditEntry } from '../src/db/records';
export type { BroadcastProgress, SignalOpenCasesInput } from './calendar';
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

/** The activities of a case: `flushRecords`, the one write of each wake (notices, audit rows and read model). */
export function caseActivities(deps: ActivityDeps) {
  return recordsActivities(deps);
}

export type CaseActivities = ReturnType<typeof caseActivities>;
export type CalendarActivities = ReturnType<typeof calendarActivities>;
