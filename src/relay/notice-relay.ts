import { randomUUID } from 'node:crypto';
import { type MetricMeter, noopMetricMeter } from '@temporalio/common';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { type ClaimedNotice, claimDueNotices, markNoticeDelivered, markNoticeFailed } from '../db/notices';
import { formatInstant } from '../case/legal-time';
import { signBody, signatureHeader } from './signature';

export interface NoticeRelaySettings {
  /** Where each notice is POSTed. */
  url: string;
  /** Signs every delivery; unset only outside production. */
  secret?: string;
  timeoutMs: number;
  /** Attempts after which a notice is dead-lettered. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  pollIntervalMs: number;
  /** Rows one pass claims and sends side by side. */
  batchSize?: number;
}

export interface NoticeRelayDeps extends NoticeRelaySettings {
  pool: Pool;
  logger: Logger;
  /** Where deliveries, failed attempts and dead letters are counted (the worker's runtime meter); default: nowhere. */
  meter?: MetricMeter;
}

export interface RelayPass {
  delivered: number;
  /** Failed attempts that will be retried. */
  retrying: number;
  /** Failed attempts that were the last: dead-lettered. */
  dead: number;
}

export interface NoticeRelay {
  /** One pass at `now`: claims the due rows, sends each once, records each outcome. */
  deliverDue(now: Date): Promise<RelayPass>;
  /** Runs passes every poll interval until stop(). */
  start(): void;
  /** Ends the loop once the pass in flight is done. */
  stop(): Promise<void>;
}

/** Wait before attempt `attempts + 1`: base·2^(attempts−1), at most cap. */
export function backoffDelay(attempts: number, baseMs: number, capMs: number): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** The body the station system receives: the notice as the case wrote it. */
export function deliveryBody(notice: ClaimedNotice): Uint8Array {
  const { caseId, noticeKey, kind, recipient, article, obligationKey, period, titleZh, facts, createdAt } = notice;
  const body = { caseId, noticeKey, kind, recipient, article, obligationKey, period, titleZh, facts, createdAt: formatInstant(createdAt.getTime()) };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** The idempotency key of a notice: the same on every attempt, so the station system can drop a repeat. */
export const idempotencyKeyOf = (notice: Pick<ClaimedNotice, 'caseId' | 'noticeKey'>) => `${notice.caseId}/${notice.noticeKey}`;

/**
 * The relay that delivers the notices outbox to the station system, apart from the cases: a case writes a notice and
 * is done with it; a partner that refuses, fails or hangs delays only the delivery, never a case.
 */
export function createNoticeRelay(deps: NoticeRelayDeps): NoticeRelay {
  const { pool, logger, url, secret, timeoutMs, maxAttempts, backoffBaseMs, backoffCapMs, pollIntervalMs, batchSize = 20 } = deps;
  const meter = deps.meter ?? noopMetricMeter;
  const counted = {
    delivered: meter.createCounter('beatflow_notices_delivered', 'notices', 'Notices the station system took (2xx)'),
    retrying: meter.createCounter('beatflow_notice_delivery_failures', 'attempts', 'Failed delivery attempts to be retried'),
    dead: meter.createCounter('beatflow_notices_dead_lettered', 'notices', 'Notices dead-lettered after their last attempt'),
  };
  // A claim outlives the attempt it is for, so no other worker takes the row while it is being sent.
  const leaseMs = timeoutMs + 30_000;

  /** Undefined when the station system took it; otherwise what went wrong as an HTTP status or an error class. */
  async function send(notice: ClaimedNotice, now: Date): Promise<string | undefined> {
    const body = deliveryBody(notice);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': idempotencyKeyOf(notice) };
    if (secret) headers[signatureHeader] = signBody(secret, body, now);
    try {
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      // The answer's body is never read: nothing a partner says reaches a case or a log.
      await response.body?.cancel();
      return response.status >= 200 && response.status < 300 ? undefined : `http ${response.status}`;
    } catch (err) {
      return errorClass(err);
    }
  }

  async function attempt(notice: ClaimedNotice, now: Date, claim: string): Promise<{ result: keyof RelayPass; kind: string }> {
    return { result: await attemptOnce(notice, now, claim), kind: notice.kind };
  }

  async function attemptOnce(notice: ClaimedNotice, now: Date, claim: string): Promise<keyof RelayPass> {
    const error = await send(notice, now);
    const about = { noticeId: notice.id, caseId: notice.caseId, kind: notice.kind, attempts: notice.attempts };
    if (!error) {
      await markNoticeDelivered(pool, notice.id, now);
      return 'delivered';
    }
    if (notice.attempts >= maxAttempts) {
      await markNoticeFailed(pool, notice.id, claim, { error, deadAt: now });
      logger.warn({ ...about, error }, 'notice dead-lettered');
      return 'dead';
    }
    const nextAttemptAt = new Date(now.getTime() + backoffDelay(notice.attempts, backoffBaseMs, backoffCapMs));
    await markNoticeFailed(pool, notice.id, claim, { error, nextAttemptAt });
    logger.info({ ...about, error }, 'notice delivery failed');
    return 'retrying';
  }

  async function deliverDue(now: Date): Promise<RelayPass> {
    const claim = randomUUID();
    const claimed = await claimDueNotices(pool, { now, leaseUntil: new Date(now.getTime() + leaseMs), claim, limit: batchSize });
    const outcomes = await Promise.allSettled(claimed.map((notice) => attempt(notice, now, claim)));
    const pass: RelayPass = { delivered: 0, retrying: 0, dead: 0 };
    for (const outcome of outcomes) {
      // A row whose outcome could not be recorded is sent again when its lease ends.
      if (outcome.status === 'rejected') throw outcome.reason;
      pass[outcome.value.result]++;
      counted[outcome.value.result].add(1, { kind: outcome.value.kind });
    }
    return pass;
  }

  let stopped = true;
  let running: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  return {
    deliverDue,
    start() {
      if (running) return;
      stopped = false;
      running = (async () => {
        while (!stopped) {
          let full = false;
          try {
            const pass = await deliverDue(new Date());
            full = pass.delivered + pass.retrying + pass.dead >= batchSize;
          } catch (err) {
            logger.error({ err }, 'notice relay pass failed');
          }
          if (!stopped && !full) await pause(pollIntervalMs);
        }
      })();
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
      running = undefined;
    },
  };
}

/** An error as its class, never its message: a timeout, a network code (ECONNREFUSED …) or the error's name. */
function errorClass(err: unknown): string {
  const { name, cause } = (err ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError') return 'timeout';
  if (typeof cause?.code === 'string' && /^[A-Z_]+$/.test(cause.code)) return `network ${cause.code}`;
  return typeof name === 'string' && /^\w+$/.test(name) ? name : 'error';
}
