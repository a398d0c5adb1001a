import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { IssuedNotice } from '../src/domain/obligation';

export interface NoticeInput extends IssuedNotice {
  caseId: string;
}

export interface NoticeDeps {
  pool: Pool;
  logger: Logger;
  webhookUrl?: string;
}

/** Notices activities: write to the outbox under a unique key, then deliver to the webhook if one is set. */
export function noticeActivities({ pool, logger, webhookUrl }: NoticeDeps) {
  return {
    /** Writes a notice once; a retry finds the row and only retries the delivery. */
    async issueNotice(notice: NoticeInput): Promise<{ written: boolean }> {
      const { rows } = await pool.query<{ id: string; delivered_at: Date | null; inserted: boolean }>(
        `INSERT INTO notices (case_id, notice_key, kind, recipient, article, obligation_key, period, title_zh, facts, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (case_id, notice_key) DO UPDATE SET case_id = EXCLUDED.case_id
         RETURNING id, delivered_at, (xmax = 0) AS inserted`,
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
      const row = rows[0];
      logger.info({ caseId: notice.caseId, kind: notice.kind, recipient: notice.recipient, written: row.inserted }, 'notice');
      if (webhookUrl && !row.delivered_at) {
        await deliver(webhookUrl, notice);
        await pool.query('UPDATE notices SET delivered_at = now() WHERE id = $1', [row.id]);
      }
      return { written: row.inserted };
    },
  };
}

async function deliver(url: string, notice: NoticeInput): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `${notice.caseId}/${notice.key}` },
    body: JSON.stringify(notice),
  });
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    throw ApplicationFailure.create({ type: 'NoticeRejected', message: `webhook answered ${response.status}`, nonRetryable: true });
  }
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
}
