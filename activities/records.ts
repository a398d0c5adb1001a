import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { loadCalendarYearsNewerThan } from '../src/db/calendar';
import { type AuditEntry, writeCaseRecords } from '../src/db/records';
import type { CalendarYear } from '../src/case/calendar';
import type { CaseView } from '../src/case/contract';
import type { IssuedNotice } from '../src/case/obligation';
import { type EncryptionCodec, sealValue } from '../src/temporal/codec';

export interface FlushInput {
  caseId: string;
  notices: IssuedNotice[];
  audit: AuditEntry[];
  /** The case's view, personal part included: it is sealed here, never stored in plaintext. */
  view: CaseView<unknown>;
  revision: number;
}

export interface FlushResult {
  notices: number;
  audit: number;
  saved: boolean;
  /** The calendar years stored in a newer version than the open case holds. */
  newerCalendarYears: CalendarYear[];
}

/** The one write of a case's wake: notices, audit rows and read model in one transaction (src/db/records.ts). */
export function recordsActivities({ pool, logger, codec }: { pool: Pool; logger: Logger; codec?: EncryptionCodec }) {
  return {
    async flushRecords({ caseId, notices, audit, view: given, revision }: FlushInput): Promise<FlushResult> {
      const { personal, ...view } = given;
      const people = personal ?? [];
      const sealed = codec && people.length ? sealValue(codec, people) : undefined;
      const written = await writeCaseRecords(pool, { caseId, notices, audit, view, revision, personal: { count: people.length, sealed } });
      const newerCalendarYears = view.status === 'closed' ? [] : await loadCalendarYearsNewerThan(pool, view.calendar);
      // What was written, never the content: kinds, recipients and action types only.
      for (const n of notices) logger.info({ caseId, kind: n.kind, recipient: n.recipient }, 'notice');
      for (const a of audit) logger.info({ caseId, action: a.type, actor: a.actor }, 'action recorded');
      logger.info({ caseId, revision, notices: written.notices, audit: written.audit, saved: written.saved }, 'records flushed');
      return { ...written, newerCalendarYears };
    },
  };
}
