import type { Pool } from 'pg';
import { formatInstant } from '../case/legal-time';

export type NoticeStatus = 'pending' | 'delivered' | 'dead';

/** An outbox row as the API shows it: what the notice is and how its delivery stands; never its facts. */
export interface OutboxNotice {
  id: string;
  caseId: string;
  noticeKey: string;
  kind: string;
  recipient: string;
  article: string;
  obligationKey?: string;
  period?: string;
  titleZh: string;
  createdAt: string;
  status: NoticeStatus;
  attempts: number;
  nextAttemptAt?: string;
  lastAttemptAt?: string;
  lastError?: string;
  deliveredAt?: string;
  deadAt?: string;
}

export interface NoticeFilter {
  status: NoticeStatus;
  caseId?: string;
  /** Only the notices of these stations' cases (as the read model places them); unset: every station's. */
  stationIds?: string[];
  limit: number;
}

/** A row the relay has claimed, with everything the station system is sent. */
export interface ClaimedNotice {
  id: string;
  caseId: string;
  noticeKey: string;
  kind: string;
  recipient: string;
  article: string;
  obligationKey: string | null;
  period: string | null;
  titleZh: string;
  facts: Record<string, unknown> | null;
  createdAt: Date;
  /** Attempts including the one this claim is for. */
  attempts: number;
}

const statusSql = `CASE WHEN delivered_at IS NOT NULL THEN 'delivered' WHEN dead_at IS NOT NULL THEN 'dead' ELSE 'pending' END`;
const statusWhere: Record<NoticeStatus, string> = {
  pending: 'delivered_at IS NULL AND dead_at IS NULL',
  delivered: 'delivered_at IS NOT NULL',
  dead: 'dead_at IS NOT NULL AND delivered_at IS NULL',
};
const outboxColumns = `id::text, case_id, notice_key, kind, recipient, article, obligation_key, period, title_zh, created_at, ${statusSql} AS status,
  attempts, next_attempt_at, last_attempt_at, last_error, delivered_at, dead_at`;

/** Outbox rows in one delivery status, oldest written first. */
export async function listNotices(pool: Pick<Pool, 'query'>, filter: NoticeFilter): Promise<OutboxNotice[]> {
  const { rows } = await pool.query(
    `SELECT ${outboxColumns} FROM notices
      WHERE ${statusWhere[filter.status]} AND ($1::text IS NULL OR case_id = $1)
        AND ($3::text[] IS NULL OR case_id IN (SELECT case_id FROM cases WHERE station_id = ANY($3)))
      ORDER BY written_at, id LIMIT $2`,
    [filter.caseId ?? null, filter.limit, filter.stationIds ?? null],
  );
  return rows.map(outboxNotice);
}

/** The case of a notice and that case's station as the read model places it (none before its first write). */
export async function noticeCase(pool: Pick<Pool, 'query'>, id: string): Promise<{ caseId: string; stationId?: string } | undefined> {
  const { rows } = await pool.query('SELECT n.case_id, c.station_id FROM notices n LEFT JOIN cases c USING (case_id) WHERE n.id = $1', [id]);
  return rows[0] && { caseId: rows[0].case_id, stationId: rows[0].station_id ?? undefined };
}

/**
 * Puts a pending or dead notice (of one of `stationIds`' cases, when given) back to pending with its attempts reset.
 * A notice outside those stations is 'not-found'. A row a relay holds right now keeps its
 * lease (the holder's outcome no longer counts), so two workers still never send it at the same time.
 */
export async function redeliverNotice(
  pool: Pick<Pool, 'query'>,
  id: string,
  stationIds?: string[],
): Promise<OutboxNotice | 'not-found' | 'delivered'> {
  const ofStations = '($2::text[] IS NULL OR case_id IN (SELECT case_id FROM cases WHERE station_id = ANY($2)))';
  const { rows } = await pool.query(
    `UPDATE notices
        SET attempts = 0, dead_at = NULL, last_error = NULL, claim = NULL,
            next_attempt_at = CASE WHEN claim IS NOT NULL AND next_attempt_at > now() THEN next_attempt_at ELSE now() END
      WHERE id = $1 AND delivered_at IS NULL AND ${ofStations}
      RETURNING ${outboxColumns}`,
    [id, stationIds ?? null],
  );
  if (rows.length) return outboxNotice(rows[0]);
  const found = await pool.query(`SELECT 1 FROM notices WHERE id = $1 AND ${ofStations}`, [id, stationIds ?? null]);
  return found.rowCount ? 'delivered' : 'not-found';
}

/**
 * Claims up to `limit` due rows for one relay pass: each attempt is counted and the row leased until `leaseUntil`.
 * SKIP LOCKED lets relays in other workers claim other rows at the same moment instead of waiting or sending twice.
 */
export async function claimDueNotices(
  pool: Pick<Pool, 'query'>,
  { now, leaseUntil, claim, limit }: { now: Date; leaseUntil: Date; claim: string; limit: number },
): Promise<ClaimedNotice[]> {
  const { rows } = await pool.query(
    `UPDATE notices n
        SET attempts = n.attempts + 1, last_attempt_at = $1, next_attempt_at = $2, claim = $3
      WHERE n.id IN (
        SELECT id FROM notices
         WHERE delivered_at IS NULL AND dead_at IS NULL AND next_attempt_at <= $1
         ORDER BY next_attempt_at, id
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
      RETURNING n.id::text, n.case_id, n.notice_key, n.kind, n.recipient, n.article, n.obligation_key, n.period, n.title_zh, n.facts,
                n.created_at, n.attempts`,
    [now, leaseUntil, claim, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    noticeKey: r.notice_key,
    kind: r.kind,
    recipient: r.recipient,
    article: r.article,
    obligationKey: r.obligation_key,
    period: r.period,
    titleZh: r.title_zh,
    facts: r.facts,
    createdAt: r.created_at,
    attempts: r.attempts,
  }));
}

/** The station system took the notice; a success counts even if the row was redelivered meanwhile. */
export async function markNoticeDelivered(pool: Pick<Pool, 'query'>, id: string, at: Date): Promise<void> {
  await pool.query('UPDATE notices SET delivered_at = $2, dead_at = NULL, last_error = NULL, claim = NULL WHERE id = $1 AND delivered_at IS NULL', [
    id,
    at,
  ]);
}

/** A failed attempt of the pass holding `claim`: retried at `nextAttemptAt`, or dead-lettered at `deadAt`. */
export async function markNoticeFailed(
  pool: Pick<Pool, 'query'>,
  id: string,
  claim: string,
  outcome: { error: string } & ({ nextAttemptAt: Date } | { deadAt: Date }),
): Promise<void> {
  const dead = 'deadAt' in outcome;
  await pool.query(
    `UPDATE notices SET last_error = $3, claim = NULL, dead_at = $4, next_attempt_at = COALESCE($5, next_attempt_at)
      WHERE id = $1 AND claim = $2`,
    [id, claim, outcome.error, dead ? outcome.deadAt : null, dead ? null : outcome.nextAttemptAt],
  );
}

function outboxNotice(r: Record<string, unknown>): OutboxNotice {
  const instant = (value: unknown) => (value instanceof Date ? formatInstant(value.getTime()) : undefined);
  return {
    id: r.id as string,
    caseId: r.case_id as string,
    noticeKey: r.notice_key as string,
    kind: r.kind as string,
    recipient: r.recipient as string,
    article: r.article as string,
    obligationKey: (r.obligation_key as string | null) ?? undefined,
    period: (r.period as string | null) ?? undefined,
    titleZh: r.title_zh as string,
    createdAt: instant(r.created_at)!,
    status: r.status as NoticeStatus,
    attempts: r.attempts as number,
    nextAttemptAt: r.status === 'pending' ? instant(r.next_attempt_at) : undefined,
    lastAttemptAt: instant(r.last_attempt_at),
    lastError: (r.last_error as string | null) ?? undefined,
    deliveredAt: instant(r.delivered_at),
    deadAt: instant(r.dead_at),
  };
}
