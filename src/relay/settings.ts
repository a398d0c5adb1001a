import type { Logger } from 'pino';
import type { Config } from '../config';
import type { NoticeRelaySettings } from './notice-relay';

/**
 * The relay's settings from the environment; undefined when no webhook is set (the outbox only). Production refuses
 * to send notices unsigned; elsewhere an unset secret is allowed with a warning, so a developer can point it at a
 * plain listener.
 */
export function noticeRelaySettings(config: Config, logger: Logger): NoticeRelaySettings | undefined {
  const url = config.NOTICE_WEBHOOK_URL;
  if (!url) return undefined;
  if (config.NOTICE_RELAY_BACKOFF_BASE_MS > config.NOTICE_RELAY_BACKOFF_CAP_MS) {
    throw new Error('NOTICE_RELAY_BACKOFF_BASE_MS may not exceed NOTICE_RELAY_BACKOFF_CAP_MS');
  }
  if (!config.NOTICE_WEBHOOK_SECRET) {
    if (config.NODE_ENV === 'production') {
      throw new Error('NOTICE_WEBHOOK_URL is set but NOTICE_WEBHOOK_SECRET is not: production never sends notices unsigned');
    }
    logger.warn('NOTICE_WEBHOOK_SECRET is unset: notices are delivered unsigned (allowed outside production only)');
  }
  return {
    url,
    secret: config.NOTICE_WEBHOOK_SECRET,
    timeoutMs: config.NOTICE_WEBHOOK_TIMEOUT_MS,
    maxAttempts: config.NOTICE_RELAY_MAX_ATTEMPTS,
    backoffBaseMs: config.NOTICE_RELAY_BACKOFF_BASE_MS,
    backoffCapMs: config.NOTICE_RELAY_BACKOFF_CAP_MS,
    pollIntervalMs: config.NOTICE_RELAY_POLL_MS,
  };
}
