import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { IssuedNotice } from '../src/case/obligation';

export interface NoticeInput extends IssuedNotice {
  caseId: string;
}

export interface NoticeDeps {
  pool: Pool;
  logger: Logger;
}

/** Notices activities: the case writes each notice into the outbox and is done with it; the relay delivers it. */
export function noticeActivities({ pool, logger }: NoticeDeps) {
  return {
    /** Writes a notice once under its unique key; a retry finds the row. Never touches the network. */
    async issueNotice(notice: NoticeInput): Promise<{ written: boolean }> {
      const { rows } = await pool.query<{ inserted: boolean }>(
        `INSERT INTO notices (case_id, notice_key, kind, recipient, article, obligation_key, period, title_zh, facts, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (case_id, notice_key) DO NOTHING
         RETURNING true AS inserted`,
        [
          notice.caseId,
          notice.key,
          notice.kind,
          notice.recipient,
          notice.article,
          notice.obligationKey ?? null,
          notice.period ?? null,
          notice.titleZh,
          notice.facts ?? null,
          new Date(notice.createdAt),
        ],
      );
      const written = rows.length > 0;
      logger.info({ caseId: notice.caseId, kind: notice.kind, recipient: notice.recipient, written }, 'notice');
      return { written };
    },
  };
}
