import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { auditActivities } from './audit';
import { noticeActivities } from './notices';
import { readModelActivities } from './read-model';

export type { AuditEntry } from './audit';
export type { NoticeInput } from './notices';
export type { SaveCaseInput } from './read-model';

export interface ActivityDeps {
  pool: Pool;
  logger: Logger;
}

/** Every activity, built with its dependencies so tests can pass their own. */
export function createActivities(deps: ActivityDeps) {
  return { ...noticeActivities(deps), ...auditActivities(deps), ...readModelActivities(deps) };
}

export type CaseActivities = ReturnType<typeof createActivities>;
